package dev.strata.embedded.testing;

import dev.strata.embedded.LocalPostgres;
import dev.strata.embedded.internal.PostmasterPidFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a {@link LocalPostgres} in the background and, while it starts, plays the attacker on
 * the same machine: as soon as {@code postmaster.pid} names a port, it tries logins without a
 * password (as the superuser, as other roles, for physical replication) over and over, and it
 * watches the mode of everything in the data directory. Then it tries the same once more on the
 * started server. Bounded: gives up after two minutes.
 */
public final class ObservedStart {
    /** The logins tried on every round. */
    private static final List<String[]> IDENTITIES = List.of(
            new String[] {"postgres", "postgres", "false"},
            new String[] {"postgres", "template1", "false"},
            new String[] {"postgres", "replication", "true"},
            new String[] {"root", "postgres", "false"},
            new String[] {"nobody", "postgres", "false"});

    /**
     * @param postgres       the started (or attached) server
     * @param logins         every login attempt's outcome, during and after the start
     * @param modeViolations every time an entry of the data directory was seen wider than 0700 (directory) or 0600 (file)
     */
    public record Result(LocalPostgres postgres, List<WireLogin.Outcome> logins, List<String> modeViolations) {
        /** The attempts that the server answered (not refused for being unreachable). */
        public List<WireLogin.Outcome> answered() {
            return logins.stream().filter(o -> o.kind() != WireLogin.Kind.UNREACHABLE).toList();
        }
    }

    private ObservedStart() {
    }

    public static Result start(Path dataDir, LocalPostgres.Options options) throws Exception {
        CompletableFuture<LocalPostgres> starting = CompletableFuture.supplyAsync(() -> LocalPostgres.start(dataDir, options));
        List<WireLogin.Outcome> logins = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!starting.isDone() && System.nanoTime() < deadline) {
            violations.addAll(modeViolations(dataDir));
            port(dataDir).ifPresent(port -> logins.addAll(tryAll(port)));
        }
        LocalPostgres postgres;
        try {
            postgres = starting.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new AssertionError("LocalPostgres.start did not finish within two minutes", e);
        }
        violations.addAll(modeViolations(dataDir));
        logins.addAll(tryAll(postgres.port()));
        return new Result(postgres, logins, violations);
    }

    /** One round of every identity against the port. */
    public static List<WireLogin.Outcome> tryAll(int port) {
        List<WireLogin.Outcome> outcomes = new ArrayList<>();
        for (String[] id : IDENTITIES) {
            outcomes.add(WireLogin.attempt("127.0.0.1", port, id[0], id[1], Boolean.parseBoolean(id[2])));
        }
        return outcomes;
    }

    private static Optional<Integer> port(Path dataDir) {
        try {
            return PostmasterPidFile.of(dataDir.resolve("pg")).map(PostmasterPidFile::port).filter(p -> p > 0);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Entries of the data directory (and the data directory itself) wider than owner-only. */
    public static List<String> modeViolations(Path dataDir) {
        List<String> violations = new ArrayList<>();
        check(dataDir, violations);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                check(entry, violations);
            }
        } catch (IOException e) {
            // the directory does not exist yet
        }
        return violations;
    }

    private static void check(Path path, List<String> violations) {
        try {
            if (Files.isSymbolicLink(path)) {
                return;
            }
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            String allowed = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
            if (!mode.equals(allowed)) {
                violations.add(path + " " + mode);
            }
        } catch (NoSuchFileException e) {
            // gone between listing and looking: a temporary file
        } catch (IOException e) {
            violations.add(path + " unreadable: " + e);
        }
    }
}
