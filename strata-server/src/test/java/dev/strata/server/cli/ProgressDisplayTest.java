package dev.strata.server.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** How a migration run's progress reads: figures, rate, ETA, the bar redrawn in place, plain lines. */
class ProgressDisplayTest {

    @Test
    void figures_give_done_total_failures_rate_and_eta() {
        assertThat(ProgressDisplay.figures(500, 1100, 2, 1000)).isEqualTo("500/1100 targets, 2 failed, 500 targets/s, ETA 1s");
        assertThat(ProgressDisplay.figures(3, 100, 0, 2000)).isEqualTo("3/100 targets, 0 failed, 1.5 targets/s, ETA 1m05s");
        assertThat(ProgressDisplay.figures(100, 100, 0, 2000)).as("no ETA once done").isEqualTo("100/100 targets, 0 failed, 50 targets/s");
        assertThat(ProgressDisplay.figures(0, 100, 0, 500)).as("no rate before the first target").isEqualTo("0/100 targets, 0 failed");
    }

    @Test
    void durations_read_as_people_write_them() {
        assertThat(ProgressDisplay.duration(850)).isEqualTo("850ms");
        assertThat(ProgressDisplay.duration(12_400)).isEqualTo("12s");
        assertThat(ProgressDisplay.duration(185_000)).isEqualTo("3m05s");
        assertThat(ProgressDisplay.duration(3_720_000)).isEqualTo("1h02m");
    }

    @Test
    void the_bar_is_redrawn_in_place_and_ends_its_line_once() {
        StringWriter text = new StringWriter();
        ProgressDisplay bar = ProgressDisplay.of(ProgressDisplay.Mode.BAR, new PrintWriter(text));
        bar.update(0, 0, 0, 10);
        bar.update(5, 10, 1, 1000);
        bar.update(5, 10, 1, 1000);
        bar.finish(10, 10, 1, 2000);
        String out = text.toString();
        assertThat(out).startsWith("\rMigrating: finding the targets...\u001b[K")
                .contains("\rMigrating [" + "#".repeat(15) + ".".repeat(15) + "] 5/10 targets, 1 failed, 5.0 targets/s, ETA 1s\u001b[K")
                .endsWith("\rMigrating [" + "#".repeat(30) + "] 10/10 targets, 1 failed, 5.0 targets/s\u001b[K\n");
        assertThat(out.split("\r", -1)).as("an unchanged state is not redrawn").hasSize(4);
        assertThat(out.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void plain_lines_come_at_most_once_per_interval_and_always_at_the_end() {
        StringWriter text = new StringWriter();
        ProgressDisplay lines = new ProgressDisplay.Lines(new PrintWriter(text), Long.MAX_VALUE);
        lines.update(0, 0, 0, 0);
        lines.update(1, 10, 0, 100);
        lines.update(2, 10, 0, 200);
        lines.finish(10, 10, 0, 1000);
        assertThat(text.toString()).isEqualTo("migrate: 1/10 targets, 0 failed, 10 targets/s, ETA 900ms\n"
                + "migrate: 10/10 targets, 0 failed, 10 targets/s\n");
        assertThat(text.toString()).doesNotContain("\r").doesNotContain("\u001b");
    }

    @Test
    void none_prints_nothing() {
        StringWriter text = new StringWriter();
        ProgressDisplay none = ProgressDisplay.of(ProgressDisplay.Mode.NONE, new PrintWriter(text));
        none.update(1, 2, 0, 10);
        none.finish(2, 2, 0, 20);
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void a_moves_report_follows_its_figures() throws Exception {

        assertThat(TenantsCommand.moveNote(dev.strata.server.runtime.ClientJson.read("{\"phase\": \"initial_copy\", \"rows_copied\": 1200, \"rows_total_estimate\": 5000}")))
                .isEqualTo("initial_copy, rows 1200/5000");
        assertThat(TenantsCommand.moveNote(dev.strata.server.runtime.ClientJson.read("{\"phase\": \"catch_up\", \"rows_copied\": 5000, \"lag_bytes\": 12800}")))
                .isEqualTo("catch_up, rows 5000, lag 12 kB");
        assertThat(TenantsCommand.moveNote(dev.strata.server.runtime.ClientJson.read("{}"))).as("nothing reported yet").isNull();
        StringWriter text = new StringWriter();
        ProgressDisplay lines = ProgressDisplay.of(ProgressDisplay.Mode.LINES, new PrintWriter(text));
        lines.note("catch_up, lag 12 kB");
        lines.update(4, 12, 0, 1000);
        assertThat(text.toString()).isEqualTo("migrate: 4/12 targets, 0 failed, 4.0 targets/s, ETA 2s | catch_up, lag 12 kB\n");
    }
}
