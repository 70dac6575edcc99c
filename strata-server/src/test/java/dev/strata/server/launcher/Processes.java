package dev.strata.server.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real launcher as a child process, with a clean environment (no STRATA_* variables). */
final class Processes {
    /** The repository root (the launcher lives in its {@code bin/}). */
    static final Path ROOT = Path.of(System.getProperty("strata.repoRoot", "..")).toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("bin").resolve("strata");

    private Processes() {
    }

    /** What a finished process did. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("STRATA_"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs to completion (bounded so a hung child cannot hang the build), capturing both streams. */
    static Result run(Path workDir, Map<String, String> env, List<String> command) {
        try {
            Path out = Files.createTempFile("strata-it", ".out");
            Path err = Files.createTempFile("strata-it", ".err");
            Process p = builder(workDir, env, command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("Still running after 10 minutes: " + command);
            }
            Result result = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
