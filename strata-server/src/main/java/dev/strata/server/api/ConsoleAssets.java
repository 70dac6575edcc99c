package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The web console: static HTML, CSS and JavaScript from the {@code console} resource directory,
 * served at {@code /} (the page) and {@code /console/<file>} (its assets) without an API key. The
 * files hold nothing secret: every piece of data the console shows comes from the API, called by
 * the browser with the key its user signs in with. Only the files found in the build are served
 * (read once at start, by exact name: no file-system lookup per request), each with a
 * Content-Security-Policy that admits scripts, styles and requests from this origin only, and
 * {@code X-Frame-Options: DENY}. Immutable once started; thread-safe.
 */
final class ConsoleAssets {
    static final String PREFIX = "/console/";
    private static final String RESOURCE_DIRECTORY = "console";
    private static final String PAGE = "index.html";
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z0-9]+");
    /** Same-origin only; no inline script or style, no plug-ins, no framing, no form posts elsewhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    private record Asset(byte[] body, String contentType) {
    }

    private final Map<String, Asset> assets;

    ConsoleAssets() {
        this.assets = load();
        if (!assets.containsKey(PAGE)) {
            throw new IllegalStateException("The console's " + PAGE + " is missing from the build");
        }
    }

    /** The names of the files served under {@value #PREFIX}, e.g. {@code js/main.js}. */
    java.util.Set<String> names() {
        return assets.keySet();
    }

    /**
     * Whether a request is for the console and so needs no key: exactly {@code GET} or
     * {@code HEAD} of {@code /} or of a path under {@value #PREFIX}.
     */
    static boolean isPublic(Context ctx) {
        String method = ctx.method().name();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        String path = ctx.path();
        return path.equals("/") || path.startsWith(PREFIX);
    }

    /** Adds the page and asset routes (GET and HEAD) to the app, outside the API's endpoint list. */
    void install(Javalin app) {
        app.get("/", ctx -> serve(ctx, PAGE));
        app.head("/", ctx -> serve(ctx, PAGE));
        app.get(PREFIX + "<name>", ctx -> serve(ctx, ctx.pathParam("name")));
        app.head(PREFIX + "<name>", ctx -> serve(ctx, ctx.pathParam("name")));
    }

    private void serve(Context ctx, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new StrataException(ErrorCode.ROUTE_NOT_FOUND, "The console has no file '"
                    + QueryParameters.printable(name) + "': open / for the console");
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType());
        if ("HEAD".equals(ctx.method().name())) {
            ctx.header("Content-Length", Integer.toString(asset.body().length));
            return;
        }
        ctx.result(asset.body());
    }

    private static Map<String, Asset> load() {
        URL root = ConsoleAssets.class.getClassLoader().getResource(RESOURCE_DIRECTORY);
        if (root == null) {
            throw new IllegalStateException("The console's resources (" + RESOURCE_DIRECTORY + "/) are missing from the build");
        }
        try {
            URI uri = root.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                boolean opened = false;
                try {
                    jar = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                }
                try {
                    return read(Path.of(uri));
                } finally {
                    if (opened) {
                        jar.close();
                    }
                }
            }
            return read(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Asset> read(Path directory) throws IOException {
        Map<String, Asset> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
                String type = CONTENT_TYPES.get(extension);
                if (type != null && ASSET_NAME.matcher(name).matches()) {
                    out.put(name, new Asset(Files.readAllBytes(file), type));
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
