package dev.strata.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Named contexts of the command line, like kubectl's: each names an API URL and the file holding
 * the API key to use with it (the key itself is never stored here), and one may be current. Kept
 * in {@code $XDG_CONFIG_HOME/strata/contexts.json} (else {@code ~/.config/strata/contexts.json}),
 * written atomically with mode 0600 in a 0700 directory. Immutable; {@link #save} writes a copy.
 *
 * @param current  the current context's name, or {@code null}
 * @param contexts the contexts by name
 */
public record ClientContexts(String current, Map<String, Context> contexts) {
    /** The file's name inside the config directory. */
    public static final String FILE = "contexts.json";
    /** What a context name may be. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** One context: where the API is and which file holds its key (either may be {@code null}). */
    public record Context(String apiUrl, String apiKeyFile) {
    }

    public ClientContexts {
        contexts = Map.copyOf(contexts);
    }

    /** The directory of Strata's client configuration. */
    public static Path directory(Environment env) {
        return env.get("XDG_CONFIG_HOME").map(Path::of).orElse(env.userHome().resolve(".config")).resolve("strata")
                .toAbsolutePath().normalize();
    }

    public static Path file(Environment env) {
        return directory(env).resolve(FILE);
    }

    /** The contexts saved, or none if there is no file yet. */
    public static ClientContexts load(Environment env) throws IOException {
        Path file = file(env);
        if (!Files.isRegularFile(file)) {
            return new ClientContexts(null, Map.of());
        }
        JsonNode root;
        try {
            root = ClientJson.readLenient(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON (" + e.getMessage() + "): fix or delete it", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + " does not hold a JSON object: fix or delete it");
        }
        Map<String, Context> contexts = new TreeMap<>();
        JsonNode all = root.path("contexts");
        all.fields().forEachRemaining(e -> contexts.put(e.getKey(),
                new Context(text(e.getValue(), "api_url"), text(e.getValue(), "api_key_file"))));
        String current = text(root, "current_context");
        return new ClientContexts(current != null && contexts.containsKey(current) ? current : null, contexts);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The context named, if there is one. */
    public Optional<Context> get(String name) {
        return Optional.ofNullable(contexts.get(name));
    }

    /** The current context, if one is set. */
    public Optional<Context> currentContext() {
        return current == null ? Optional.empty() : get(current);
    }

    public ClientContexts with(String name, Context context) {
        Map<String, Context> copy = new TreeMap<>(contexts);
        copy.put(name, context);
        return new ClientContexts(current, copy);
    }

    public ClientContexts without(String name) {
        Map<String, Context> copy = new TreeMap<>(contexts);
        copy.remove(name);
        return new ClientContexts(name.equals(current) ? null : current, copy);
    }

    public ClientContexts withCurrent(String name) {
        return new ClientContexts(name, contexts);
    }

    /** Writes the contexts: mode 0600 from the start, replacing the old file atomically. */
    public void save(Environment env) throws IOException {
        Path dir = directory(env);
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
        ObjectNode root = ClientJson.object();
        root.put("current_context", current);
        ObjectNode all = root.putObject("contexts");
        new TreeMap<>(contexts).forEach((name, c) -> all.putObject(name).put("api_url", c.apiUrl()).put("api_key_file", c.apiKeyFile()));
        Path temp = dir.resolve("." + FILE + "-" + UUID.randomUUID());
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        try {
            Files.writeString(temp, ClientJson.pretty(root) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, file(env), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file(env), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
