package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code strata audit}: runs the isolation audit on the server; exits 1 when it finds violations. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check every tenant database against the isolation rules; exit code 1 if any is violated.")
public final class AuditCommand extends ClientCommand {

    @Override
    int run(ApiClient api) {
        JsonNode report = api.get("/v1/audit");
        boolean passed = report.path("passed").asBoolean(false);
        if (json()) {
            printJson(report);
            return passed ? 0 : 1;
        }
        out().printf("Audit %s: %d databases, %d checks, %d violations, %d warnings (%s)%n",
                passed ? "PASSED" : "FAILED", report.path("databases").size(), report.path("checks").size(),
                report.path("violations").asLong(), report.path("warnings").asLong(), text(report, "checked_at"));
        if (report.path("findings").size() > 0) {
            TextTable table = new TextTable("SEVERITY", "CHECK", "DATABASE", "OBJECT", "MESSAGE");
            for (JsonNode f : report.get("findings")) {
                table.row(text(f, "severity"), text(f, "check"), text(f, "database"), text(f, "object"), text(f, "message"));
            }
            table.print(out());
        }
        return passed ? 0 : 1;
    }
}
