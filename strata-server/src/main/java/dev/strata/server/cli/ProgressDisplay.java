package dev.strata.server.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows how far a migration run got: on a terminal one bar redrawn in place (targets done / total,
 * failures, rate, ETA); otherwise plain lines, at most one a second and one when it ends; or
 * nothing. Not thread-safe (one command's polling loop drives it).
 */
abstract class ProgressDisplay {
    /** How progress is shown: {@code auto} picks bar on a terminal ({@code System.console() != null}), else lines. */
    enum Mode {
        AUTO, BAR, LINES, NONE;

        Mode resolved() {
            return this != AUTO ? this : System.console() != null ? BAR : LINES;
        }
    }

    final PrintWriter out;
    /** Shown after the figures (a move's phase, rows copied and lag), or {@code null}. */
    String note;

    ProgressDisplay(PrintWriter out) {
        this.out = out;
    }

    static ProgressDisplay of(Mode mode, PrintWriter out) {
        return switch (mode.resolved()) {
            case BAR -> new Bar(out);
            case LINES -> new Lines(out, 1_000_000_000L);
            default -> new ProgressDisplay(out) {
                @Override
                void update(int done, int total, int failed, long elapsedMs) {
                }

                @Override
                void finish(int done, int total, int failed, long elapsedMs) {
                }
            };
        };
    }

    /** The run's state as last read. */
    abstract void update(int done, int total, int failed, long elapsedMs);

    /** Sets what is shown after the figures from the next update on ({@code null}: nothing). */
    void note(String text) {
        this.note = text == null || text.isBlank() ? null : text;
    }

    String withNote(String line) {
        return note == null ? line : line + " | " + note;
    }

    /** The run ended: the last state, drawn once more (and the bar's line ended). */
    abstract void finish(int done, int total, int failed, long elapsedMs);

    /** {@code 523/1103 targets, 2 failed, 410 targets/s, ETA 1s}. */
    static String figures(int done, int total, int failed, long elapsedMs) {
        StringBuilder s = new StringBuilder();
        s.append(done).append('/').append(total).append(" targets, ").append(failed).append(" failed");
        if (elapsedMs > 0 && done > 0) {
            double rate = done * 1000.0 / elapsedMs;
            s.append(", ").append(rate >= 10 ? String.format(Locale.ROOT, "%.0f", rate)
                    : String.format(Locale.ROOT, "%.1f", rate)).append(" targets/s");
            if (done < total) {
                s.append(", ETA ").append(duration(Math.round((total - done) / rate * 1000)));
            }
        }
        return s.toString();
    }

    /** A duration for people: {@code 850ms}, {@code 12s}, {@code 3m05s}, {@code 1h02m}. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = Math.round(ms / 1000.0);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    /** One line redrawn in place with a carriage return, the rest of the old line erased. */
    static final class Bar extends ProgressDisplay {
        static final int WIDTH = 30;
        private String last;

        Bar(PrintWriter out) {
            super(out);
        }

        @Override
        void update(int done, int total, int failed, long elapsedMs) {
            String line = withNote(total == 0 ? "Migrating: finding the targets..." : line(done, total, failed, elapsedMs));
            if (!line.equals(last)) {
                out.print("\r" + line + "\u001b[K");
                out.flush();
                last = line;
            }
        }

        @Override
        void finish(int done, int total, int failed, long elapsedMs) {
            update(done, total, failed, elapsedMs);
            out.println();
            out.flush();
        }

        static String line(int done, int total, int failed, long elapsedMs) {
            int filled = total == 0 ? 0 : (int) ((long) WIDTH * done / total);
            return "Migrating [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                    + figures(done, total, failed, elapsedMs);
        }
    }

    /** Plain lines for logs and pipes: one when something changed and a second has passed, and the last. */
    static final class Lines extends ProgressDisplay {
        private final long intervalNanos;
        private long lastAt;
        private String last;

        Lines(PrintWriter out, long intervalNanos) {
            super(out);
            this.intervalNanos = intervalNanos;
        }

        @Override
        void update(int done, int total, int failed, long elapsedMs) {
            if (total == 0) {
                return;
            }
            long now = System.nanoTime();
            if (last != null && now - lastAt < intervalNanos) {
                return;
            }
            print(done, total, failed, elapsedMs, now);
        }

        @Override
        void finish(int done, int total, int failed, long elapsedMs) {
            if (total > 0) {
                print(done, total, failed, elapsedMs, System.nanoTime());
            }
        }

        private void print(int done, int total, int failed, long elapsedMs, long now) {
            String line = withNote("migrate: " + figures(done, total, failed, elapsedMs));
            if (!line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
                lastAt = now;
            }
        }
    }
}
