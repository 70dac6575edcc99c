package dev.strata.plane;

import dev.strata.DataPlaneInfo;
import dev.strata.ErrorCode;
import dev.strata.NewPlane;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.SecondPostgres;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.StrataProcesses;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Adding a plane refuses what Strata cannot use, with a specific error and nothing registered, and
 * never repeats a password; a plane added or drained by one process is seen by every other.
 */
class DataPlaneRefusalsTest {
    @RegisterExtension
    final StrataProcesses processes = StrataProcesses.configured(b -> b);

    private static StrataException refused(ErrorCode code, Executable work) {
        StrataException[] caught = new StrataException[1];
        assertThatThrownBy(work::execute).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            caught[0] = e;
        });
        return caught[0];
    }

    @Test
    void malformed_keys_regions_capacities_and_urls_are_invalid_arguments_that_never_repeat_the_password() {
        Strata strata = processes.start();
        PostgresServer second = SecondPostgres.server();
        for (String key : new String[]{"", "A", "1st", "-x", "x-", "x_y", "x y", "é", "a".repeat(25), "x\n"}) {
            refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane(key, second, null, null)));
        }
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane(null, second, null, null)));
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p", second, "eu west", null)));
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p", second, null, 0)));
        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p", second, null, 1_000_000)));
        for (String url : new String[]{"", "mysql://u:hunter2secret@h/db", "postgresql://u:hunter2secret@/db",
                "postgresql://:hunter2secret@h/db", "postgresql://u:hunter2secret@h:99999/db"}) {
            StrataException e = refused(ErrorCode.INVALID_ARGUMENT, () -> NewPlane.of("p", url));
            assertThat(e.getMessage()).doesNotContain("hunter2secret");
        }
        assertThat(NewPlane.of("p", "postgresql://u:hunter2secret@h/db").toString()).doesNotContain("hunter2secret");
        assertThat(strata.planes().list()).extracting(DataPlaneInfo::key).containsExactly("default");
    }

    @Test
    void a_server_strata_cannot_use_is_refused_and_nothing_is_registered() throws Exception {
        Strata strata = processes.start();
        PostgresServer second = SecondPostgres.server();
        StrataException wrongPassword = refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p",
                new PostgresServer(second.host(), second.port(), second.user(), "hunter2secret", "postgres", null), null, null)));
        assertThat(wrongPassword.getMessage()).contains("refused the login").doesNotContain("hunter2secret");

        String weak = strata.config().namespace() + "_weak";
        try (Connection c = SecondPostgres.admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + weak + " LOGIN CREATEDB PASSWORD 'weak-pass-123'");
        }
        StrataException unprivileged = refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p",
                new PostgresServer(second.host(), second.port(), weak, "weak-pass-123", "postgres", null), null, null)));
        assertThat(unprivileged.getMessage()).contains("CREATEDB and CREATEROLE").doesNotContain("weak-pass-123");

        refused(ErrorCode.INVALID_ARGUMENT, () -> strata.planes().add(new NewPlane("p",
                new PostgresServer(second.host(), second.port(), second.user(), second.password(), "no_such_db", null), null, null)));

        StrataException unreachable = refused(ErrorCode.DATABASE_UNAVAILABLE, () -> strata.planes().add(new NewPlane("p",
                new PostgresServer("127.0.0.1", 1, "postgres", "hunter2secret", "postgres", null), null, null)));
        assertThat(unreachable.getMessage()).contains("127.0.0.1:1").doesNotContain("hunter2secret");

        StrataException sameServer = refused(ErrorCode.INVALID_ARGUMENT,
                () -> strata.planes().add(new NewPlane("again", SharedPostgres.server(), null, null)));
        assertThat(sameServer.getMessage()).contains("already the data plane 'default'");

        assertThat(strata.planes().list()).extracting(DataPlaneInfo::key).containsExactly("default");
        refused(ErrorCode.PLANE_NOT_FOUND, () -> strata.internals().plane("p"));
    }

    @Test
    void a_plane_added_by_one_process_is_used_by_another_already_running() throws Exception {
        Strata first = processes.start();
        Strata second = processes.start();
        TwoPlanes.addSecond(first);
        assertThat(second.internals().plane(TwoPlanes.SECOND).server().port()).isEqualTo(SecondPostgres.server().port());
        assertThat(second.planes().list()).extracting(DataPlaneInfo::key).containsExactly("default", "second");

        Tenant far = second.tenants().create(NewTenant.t1("far-away").withPlane(TwoPlanes.SECOND));
        Documents.insert(second, far.id(), "written by the second process");
        assertThat(Documents.visible(first, far.id())).extracting(Documents.Doc::title)
                .containsExactly("written by the second process");

        first.planes().drain(TwoPlanes.SECOND);
        assertThat(second.planes().get(TwoPlanes.SECOND).status()).isEqualTo(dev.strata.PlaneStatus.DRAINING);
        refused(ErrorCode.MOVE_REFUSED, () -> second.tenants().create(NewTenant.t1("too-late").withPlane(TwoPlanes.SECOND)));
        refused(ErrorCode.MOVE_REFUSED, () -> second.tenants().create(NewTenant.t1("eu-late").withRegion(TwoPlanes.SECOND_REGION)));
        Documents.insert(first, far.id(), "still served while draining");
        assertThat(Documents.visible(second, far.id())).hasSize(2);
    }
}
