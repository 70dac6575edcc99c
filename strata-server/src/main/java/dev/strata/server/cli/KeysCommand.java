package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.Strata;
import dev.strata.server.Main;
import dev.strata.server.api.ApiKeys;
import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.runtime.ClientJson;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.PostgresBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strata.server.cli.ApiClient.segment;

/** {@code strata keys ...}: API keys bound to tenants, through the REST API; {@code reset-admin} locally. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list, show and revoke API keys (each bound to one tenant); recover the admin key.",
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Show.class, KeysCommand.Revoke.class,
                KeysCommand.ResetAdmin.class})
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata keys --help'");
    }

    /** A key as {@code key: value} lines. */
    static void block(PrintWriter out, JsonNode k) {
        TextTable.block(out, new String[][] {
                {"id", ClientCommand.text(k, "id")},
                {"name", ClientCommand.text(k, "name")},
                {"tenant", ClientCommand.text(k, "tenant") + " (T" + k.path("tier").asText("?") + ", "
                        + ClientCommand.text(k, "tenant_id") + ")"},
                {"state", ClientCommand.text(k, "state")},
                {"created", ClientCommand.text(k, "created_at")},
                {"created by", ClientCommand.text(k, "created_by")},
                {"expires", ClientCommand.text(k, "expires_at")},
                {"last used", ClientCommand.text(k, "last_used_at")},
                {"revoked", ClientCommand.text(k, "revoked_at")},
                {"revoked by", ClientCommand.text(k, "revoked_by")},
        });
    }

    private static final Pattern RELATIVE = Pattern.compile("([1-9][0-9]{0,5})([mhdw])");

    /**
     * When {@code --expires} ends: a duration from now ({@code 90m}, {@code 12h}, {@code 30d},
     * {@code 8w}), a date (its start, UTC) or an RFC 3339 timestamp.
     */
    static Instant expiry(String text, Instant now) {
        String t = text.strip();
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.plus(d);
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException notATimestamp) {
                throw CliFailure.invalid("invalid --expires '" + text + "': use a duration (90m, 12h, 30d, 8w), a date "
                        + "(2027-01-31, its start in UTC) or a timestamp (2027-01-31T12:00:00Z)");
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key for a tenant; its secret is printed once and stored nowhere.")
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "KEY",
                description = "Id or slug of the tenant the key belongs to: it administers that tenant's subtree.")
        String tenant;
        @Option(names = "--name", paramLabel = "NAME", description = "A name to recognise it by (default: the tenant's slug).")
        String name;
        @Option(names = "--expires", paramLabel = "WHEN",
                description = "When it stops working: 30d, 12h, 90m, 8w, a date (2027-01-31) or a timestamp (default: never).")
        String expires;

        private Instant expiresAt;

        @Override
        void checkOptions() {
            expiresAt = expires == null ? null : expiry(expires, Instant.now());
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = ClientJson.object().put("tenant", tenant);
            if (name != null) {
                body.put("name", name);
            }
            if (expiresAt != null) {
                body.put("expires_at", expiresAt.toString());
            }
            JsonNode answer = api.post("/v1/keys", body);
            if (json()) {
                printJson(answer);
                return 0;
            }
            JsonNode key = answer.get("key");
            out().println("Created API key '" + text(key, "name") + "' for tenant '" + text(key, "tenant") + "'.");
            block(out(), key);
            out().println("secret: " + text(answer, "secret"));
            out().println("The secret is shown this once and stored nowhere: keep it now (STRATA_API_KEY or --key).");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the API keys this key may see (never their secrets), newest first.")
    static final class List extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "KEY", description = "Only the keys of this tenant (id or slug).")
        String tenant;
        @picocli.CommandLine.Mixin
        Paging paging;

        @Override
        int run(ApiClient api) {
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("tenant", tenant);
            JsonNode answer = list(api, "/v1/keys", filters, "keys", paging);
            if (json()) {
                printJson(answer);
                return 0;
            }
            TextTable table = new TextTable("ID", "NAME", "TENANT", "TIER", "STATE", "CREATED", "EXPIRES", "LAST USED", "REVOKED");
            for (JsonNode k : answer.get("keys")) {
                table.row(text(k, "id"), text(k, "name"), text(k, "tenant"), "T" + k.path("tier").asText("?"), text(k, "state"),
                        text(k, "created_at"), text(k, "expires_at"), text(k, "last_used_at"), text(k, "revoked_at"));
            }
            table.print(out());
            hintNextPage(answer);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one API key (never its secret).")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The key's id, as 'strata keys list' shows it.")
        String id;

        @Override
        int run(ApiClient api) {
            JsonNode key = api.get("/v1/keys/" + segment(id));
            if (json()) {
                printJson(key);
            } else {
                block(out(), key);
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key: requests presenting it are refused (401) from then on.")
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The key's id, as 'strata keys list' shows it.")
        String id;

        @Override
        int run(ApiClient api) {
            JsonNode key = api.delete("/v1/keys/" + segment(id));
            if (json()) {
                printJson(key);
            } else {
                out().println("Revoked API key '" + text(key, "name") + "' (" + text(key, "id") + ") of tenant '"
                        + text(key, "tenant") + "'.");
            }
            return 0;
        }
    }

    /**
     * Recovers the operator's key without the network: opens the management database directly (the
     * data directory's embedded PostgreSQL, or {@code --database-url}), revokes the T0 keys named
     * {@code admin} and creates a new one, saved to {@code <data-dir>/admin-key} and printed once.
     */
    @Command(name = "reset-admin", mixinStandardHelpOptions = true,
            description = "Recover a lost admin key: revoke the T0 'admin' keys and create a new one, saved to "
                    + "<data-dir>/admin-key. Needs the data directory or the management database, never the REST API.")
    static final class ResetAdmin implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Data directory of the embedded PostgreSQL, where admin-key is written (default: $STRATA_HOME, else ~/.strata).")
        Path dataDir;

        @Option(names = "--database-url", paramLabel = "URL",
                description = "The PostgreSQL server 'strata serve' uses instead of the embedded one (default: $STRATA_DATABASE_URL); "
                        + "the key is then only printed unless --data-dir is given too.")
        String databaseUrl;

        @Option(names = "--json", description = "Print the new key as JSON ({id, name, secret, file}).")
        boolean json;

        @Option(names = "--namespace", hidden = true, defaultValue = "strata", description = "Prefix of every database and role (tests).")
        String namespace;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Environment env = ((Main) spec.root().userObject()).environment();
            PrintWriter out = spec.commandLine().getOut();
            String url = databaseUrl != null ? databaseUrl : env.get("STRATA_DATABASE_URL").orElse(null);
            Path home = env.dataDir(dataDir);
            boolean save = url == null || dataDir != null;
            ApiKeys.Created created;
            try (PostgresBackend backend = PostgresBackend.open(url, home);
                 Strata strata = Strata.configure().server(backend.server()).namespace(namespace).start()) {
                created = new ApiKeys(strata.serverHooks().management()).resetAdmin("strata keys reset-admin",
                        secret -> {
                            if (save) {
                                AdminKeyFile.write(home, secret);
                            }
                        });
            }
            if (json) {
                ObjectNode node = ClientJson.object().put("id", created.key().id().toString())
                        .put("name", created.key().name()).put("secret", created.secret());
                node.put("file", save ? AdminKeyFile.in(home).toString() : null);
                out.println(node.toPrettyString());
            } else {
                out.println("Revoked the previous T0 'admin' keys and created a new one (id " + created.key().id() + ").");
                out.println((save ? "Saved to " + AdminKeyFile.in(home) + "; " : "") + "admin API key (shown once): " + created.secret());
            }
            out.flush();
            return 0;
        }
    }
}
