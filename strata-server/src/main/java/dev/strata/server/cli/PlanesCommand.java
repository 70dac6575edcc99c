package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.runtime.ClientJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.strata.server.cli.ApiClient.segment;

/** {@code strata planes ...}: the data planes (PostgreSQL servers tenants are placed on) through the REST API. */
@Command(name = "planes", mixinStandardHelpOptions = true,
        description = "Add, list, show, drain and activate data planes: the PostgreSQL servers (or Neon accounts) tenants "
                + "are placed on.",
        subcommands = {PlanesCommand.Add.class, PlanesCommand.List.class, PlanesCommand.Show.class, PlanesCommand.Drain.class,
                PlanesCommand.Activate.class})
public final class PlanesCommand implements Runnable {
    /** Where {@code planes add} reads the URL when neither {@code --url} nor {@code --url-file} is given. */
    static final String URL_VARIABLE = "STRATA_PLANE_URL";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata planes --help'");
    }

    /** Prints a plane the API answered with, after a one-line summary. */
    abstract static class PlaneAnswer extends ClientCommand {
        int print(JsonNode plane, String summary) {
            if (json()) {
                printJson(plane);
            } else {
                if (summary != null) {
                    out().println(summary);
                }
                block(plane);
                if (plane.path("wal_level").isTextual() && !plane.path("supports_online_moves").asBoolean()) {
                    out().println("warning: the server runs with wal_level=" + text(plane, "wal_level") + ": tenants cannot be"
                            + " moved onto or off this plane online until it runs with wal_level=logical");
                }
            }
            return 0;
        }

        void block(JsonNode p) {
            TextTable.block(out(), new String[][] {
                    {"key", text(p, "key")},
                    {"kind", text(p, "kind")},
                    {"placement", text(p, "placement")},
                    {"status", text(p, "status")},
                    {"region", text(p, "region")},
                    {"capacity", p.path("capacity").isNull() ? "unlimited" : text(p, "capacity")},
                    {"address", text(p, "address")},
                    {"version", text(p, "server_version")},
                    {"wal_level", text(p, "wal_level")},
                    {"embedded", text(p, "embedded")},
                    {"tenants", text(p, "tenants")},
                    {"t1 databases", text(p, "t1_databases")},
                    {"databases", text(p, "databases")},
                    {"drain", text(p, "drain_operation")},
                    {"drain progress", drainProgress(p.path("drain"))},
                    {"created", text(p, "created_at")},
            });
        }
    }

    /** {@code succeeded: 3 of 3 tenants done, 3 moved, 0 failed}, naming the failed ones. */
    static String drainProgress(JsonNode d) {
        if (d == null || d.isMissingNode() || d.isNull()) {
            return null;
        }
        StringBuilder out = new StringBuilder(ClientCommand.text(d, "state")).append(": ").append(d.path("done").asInt()).append(" of ")
                .append(d.path("total").asInt()).append(" tenants done, ").append(d.path("moved").asInt()).append(" moved, ")
                .append(d.path("failed").size()).append(" failed");
        if (d.path("failed").size() > 0) {
            java.util.List<String> slugs = new java.util.ArrayList<>();
            d.path("failed").forEach(f -> slugs.add(f.asText()));
            out.append(" (").append(String.join(", ", slugs)).append(")");
        }
        return out.toString();
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Check a PostgreSQL server and register it as a data plane. The URL names a superuser or a role "
                    + "with CREATEDB and CREATEROLE; give it with --url, --url-file or the environment variable "
                    + URL_VARIABLE + " (the last two keep the password off the command line, which `ps` shows). "
                    + "With --kind neon, register a Neon account instead: each T1 gets a Neon project (--placement project,"
                    + " the default) or a branch of a template (--placement branch); the API key is read from --api-key-file.")
    static final class Add extends PlaneAnswer {
        @Parameters(index = "0", paramLabel = "KEY", description = "1-24 characters of a-z, 0-9 and '-', starting with a letter.")
        String key;
        @Option(names = "--url", paramLabel = "URL", description = "postgresql://user:password@host:5432/postgres")
        String url;
        @Option(names = "--url-file", paramLabel = "FILE", description = "A file whose first line is the URL.")
        Path urlFile;
        @Option(names = "--region", paramLabel = "REGION", description = "Data-residency label of the plane.")
        String region;
        @Option(names = "--capacity", paramLabel = "N", description = "The most T1 databases it takes (default: no limit).")
        Integer capacity;
        @Option(names = "--kind", paramLabel = "KIND", description = "postgres (a PostgreSQL server, the default) or neon.")
        String kind;
        @Option(names = "--api-key-file", paramLabel = "FILE",
                description = "Kind neon: a file whose first line is the Neon API key (keep it mode 0600).")
        Path apiKeyFile;
        @Option(names = "--api-url", paramLabel = "URL",
                description = "Kind neon: the API's base URL (default Neon's; `strata neon-local` prints its own).")
        String apiUrl;
        @Option(names = "--placement", paramLabel = "project|branch",
                description = "Kind neon: a Neon project per T1 (default) or a child branch of the template per T1.")
        String placement;
        @Option(names = "--template-project", paramLabel = "P",
                description = "Kind neon, branch placement: T1 branches are made from this project's default branch.")
        String templateProject;
        @Option(names = "--template-branch", paramLabel = "B",
                description = "Kind neon, branch placement: T1 branches are made from this branch.")
        String templateBranch;
        @Option(names = "--pooled", description = "Kind neon: tenant traffic goes through each endpoint's pooled address.")
        boolean pooled;

        private boolean neon() {
            return "neon".equals(kind);
        }

        @Override
        void checkOptions() {
            if (kind != null && !neon() && !"postgres".equals(kind)) {
                throw CliFailure.invalid("--kind must be 'postgres' or 'neon', not '" + kind + "' (INVALID_ARGUMENT)");
            }
            if (neon()) {
                if (url != null || urlFile != null) {
                    throw CliFailure.invalid("a Neon plane has no --url: give --api-key-file (INVALID_ARGUMENT)");
                }
                if (apiKeyFile == null) {
                    throw CliFailure.invalid("--kind neon needs --api-key-file FILE holding the Neon API key (INVALID_ARGUMENT)");
                }
                if (templateProject != null && templateBranch != null) {
                    throw CliFailure.invalid("give one of --template-project and --template-branch, not both (INVALID_ARGUMENT)");
                }
            } else if (apiKeyFile != null || apiUrl != null || placement != null || templateProject != null
                    || templateBranch != null || pooled) {
                throw CliFailure.invalid("--api-key-file, --api-url, --placement, --template-project, --template-branch and"
                        + " --pooled are for --kind neon (INVALID_ARGUMENT)");
            }
            if (url != null && urlFile != null) {
                throw CliFailure.invalid("give the URL once: --url or --url-file, not both (INVALID_ARGUMENT)");
            }
        }

        /** The API key from its file; a file others can read gets a warning (it is a credential). */
        private String apiKey() {
            try {
                try {
                    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(apiKeyFile);
                    if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                        err().println("warning: --api-key-file " + apiKeyFile + " can be read by other users (mode "
                                + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): chmod 600 it");
                    }
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: nothing to check
                }
                String first = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
                if (first == null) {
                    throw CliFailure.invalid("--api-key-file " + apiKeyFile + " is empty: write the Neon API key on its first"
                            + " line (INVALID_ARGUMENT)");
                }
                return first;
            } catch (IOException e) {
                throw CliFailure.invalid("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage() + " (INVALID_ARGUMENT)");
            }
        }

        private String url() {
            if (url != null) {
                return url;
            }
            if (urlFile != null) {
                try {
                    String first = Files.readAllLines(urlFile, StandardCharsets.UTF_8).stream()
                            .map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
                    if (first == null) {
                        throw CliFailure.invalid("--url-file " + urlFile + " is empty: write the URL on its first line"
                                + " (INVALID_ARGUMENT)");
                    }
                    return first;
                } catch (IOException e) {
                    throw CliFailure.invalid("cannot read --url-file " + urlFile + ": " + e.getMessage() + " (INVALID_ARGUMENT)");
                }
            }
            return environment().get(URL_VARIABLE).orElseThrow(() -> CliFailure.invalid("no URL: give --url, --url-file"
                    + " or the environment variable " + URL_VARIABLE + " (INVALID_ARGUMENT)"));
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = ClientJson.object().put("key", key);
            if (neon()) {
                body.put("kind", "neon").put("api_key", apiKey());
                if (apiUrl != null) {
                    body.put("api_url", apiUrl);
                }
                if (placement != null) {
                    body.put("placement", placement);
                }
                if (templateProject != null) {
                    body.put("template_project", templateProject);
                }
                if (templateBranch != null) {
                    body.put("template_branch", templateBranch);
                }
                if (pooled) {
                    body.put("pooled", true);
                }
            } else {
                body.put("url", url());
            }
            if (region != null) {
                body.put("region", region);
            }
            if (capacity != null) {
                body.put("capacity", capacity);
            }
            JsonNode plane = api.post("/v1/planes", body);
            return print(plane, "Added data plane '" + text(plane, "key") + "'.");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the data planes.")
    static final class List extends ClientCommand {
        @picocli.CommandLine.Mixin
        Paging paging;

        @Override
        int run(ApiClient api) {
            JsonNode answer = list(api, "/v1/planes", java.util.Map.of(), "planes", paging);
            if (json()) {
                printJson(answer);
                return 0;
            }
            TextTable table = new TextTable("KEY", "KIND", "PLACEMENT", "STATUS", "REGION", "CAPACITY", "T1 DBS", "TENANTS",
                    "WAL_LEVEL", "ADDRESS");
            for (JsonNode p : answer.get("planes")) {
                table.row(text(p, "key"), text(p, "kind"), text(p, "placement"), text(p, "status"), text(p, "region"),
                        p.path("capacity").isNull() ? "unlimited" : text(p, "capacity"), text(p, "t1_databases"),
                        text(p, "tenants"), text(p, "wal_level"), text(p, "address"));
            }
            table.print(out());
            hintNextPage(answer);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one data plane.")
    static final class Show extends PlaneAnswer {
        @Parameters(index = "0", paramLabel = "KEY", description = "The plane's key.")
        String key;

        @Override
        int run(ApiClient api) {
            return print(api.get("/v1/planes/" + segment(key)), null);
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Mark a data plane draining (no tenant lands there) and start moving every tenant off it online: "
                    + "the same mode on the least used other active plane of its region with room. `strata planes show KEY` "
                    + "shows the progress; `strata operations abort ID` stops it; the plane stays draining until "
                    + "`strata planes activate KEY`.")
    static final class Drain extends PlaneAnswer {
        @Parameters(index = "0", paramLabel = "KEY", description = "The plane's key.")
        String key;
        @Option(names = "--concurrency", paramLabel = "N", description = "How many moves run at once: 1 to 16 (default 2).")
        Integer concurrency;

        @Override
        void checkOptions() {
            if (concurrency != null && (concurrency < 1 || concurrency > 16)) {
                throw CliFailure.invalid("--concurrency " + concurrency + " is out of range: a drain runs 1 to 16 moves at once"
                        + " (INVALID_ARGUMENT)");
            }
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = concurrency == null ? null : ClientJson.object().put("concurrency", concurrency);
            JsonNode plane = api.post("/v1/planes/" + segment(key) + "/drain", body);
            String operation = text(plane, "drain_operation");
            return print(plane, "Data plane '" + text(plane, "key") + "' is draining: no new T1 lands there."
                    + (operation == null ? "" : " Moving its tenants off: `strata planes show " + text(plane, "key")
                    + "` or `strata operations show " + operation + "`."));
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true,
            description = "Let tenants land on a draining data plane again (refused while its drain runs: abort it first).")
    static final class Activate extends PlaneAnswer {
        @Parameters(index = "0", paramLabel = "KEY", description = "The plane's key.")
        String key;

        @Override
        int run(ApiClient api) {
            JsonNode plane = api.post("/v1/planes/" + segment(key) + "/activate", null);
            return print(plane, "Data plane '" + text(plane, "key") + "' is active: new tenants may land there.");
        }
    }
}
