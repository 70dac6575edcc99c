package dev.strata.plane;

import dev.strata.DataPlaneInfo;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.PlaneStatus;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.SecondPostgres;
import dev.strata.testing.TestStrata;
import dev.strata.testing.TestStrataExtension;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A second PostgreSQL server as a data plane: registered, resolved, and holding tenants end to end. */
class DataPlanesTest {
    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension.twoPlanes();

    private final Strata strata = FIXTURE.strata();

    @Test
    void an_added_plane_is_listed_with_what_its_server_reported_and_no_credentials() {
        DataPlaneInfo second = strata.planes().get(TwoPlanes.SECOND);
        assertThat(second.key()).isEqualTo("second");
        assertThat(second.kind()).isEqualTo("postgres");
        assertThat(second.region()).isEqualTo(TwoPlanes.SECOND_REGION);
        assertThat(second.status()).isEqualTo(PlaneStatus.ACTIVE);
        assertThat(second.walLevel()).isEqualTo("logical");
        assertThat(second.supportsOnlineMoves()).isTrue();
        assertThat(second.serverVersion()).startsWith("17");
        assertThat(second.address()).isEqualTo(SecondPostgres.server().host() + ":" + SecondPostgres.server().port());
        assertThat(second.toString()).doesNotContain(SecondPostgres.server().password());
        assertThat(strata.planes().list()).extracting(DataPlaneInfo::key).containsExactly("default", "second");
    }

    @Test
    void the_engine_resolves_an_added_plane_and_refuses_an_unknown_key() {
        assertThat(strata.internals().plane(TwoPlanes.SECOND).server().port()).isEqualTo(SecondPostgres.server().port());
        assertThatThrownBy(() -> strata.internals().plane("nowhere"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLANE_NOT_FOUND));
        assertThatThrownBy(() -> strata.planes().get("nowhere"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PLANE_NOT_FOUND));
    }

    @Test
    void a_t1_on_the_second_plane_keeps_its_database_and_its_t2s_on_the_second_server() throws SQLException {
        Tenant far = strata.tenants().create(NewTenant.t1("far").withPlane(TwoPlanes.SECOND));
        assertThat(far.placement().dataPlane()).isEqualTo(TwoPlanes.SECOND);
        assertThat(far.region()).isEqualTo(TwoPlanes.SECOND_REGION);
        assertThat(databaseOnSecondServer(far.placement().database())).isTrue();
        assertThat(databaseOnSharedServer(far.placement().database())).isFalse();

        Tenant rows = strata.tenants().create(NewTenant.t2("far-rows", "far"));
        Tenant schema = strata.tenants().create(NewTenant.t2("far-schema", "far").withMode(IsolationMode.SCHEMA));
        Tenant own = strata.tenants().create(NewTenant.t2("far-own", "far").withMode(IsolationMode.DATABASE));
        for (Tenant t2 : new Tenant[]{rows, schema, own}) {
            assertThat(t2.placement().dataPlane()).as(t2.slug()).isEqualTo(TwoPlanes.SECOND);
            assertThat(databaseOnSecondServer(t2.placement().database())).as(t2.slug()).isTrue();
        }

        Documents.insert(strata, far.id(), "far's own");
        Documents.insert(strata, rows.id(), "rows'");
        Documents.insert(strata, schema.id(), "schema's");
        Documents.insert(strata, own.id(), "own's");
        assertThat(Documents.visible(strata, rows.id())).extracting(Documents.Doc::title).containsExactly("rows'");
        assertThat(Documents.visible(strata, schema.id())).extracting(Documents.Doc::title).containsExactly("schema's");
        assertThat(Documents.visible(strata, own.id())).extracting(Documents.Doc::title).containsExactly("own's");
        assertThat(Documents.visible(strata, far.id())).extracting(Documents.Doc::title)
                .containsExactlyInAnyOrder("far's own", "rows'");
        assertThat(Documents.stored(far)).hasSize(1);

        DataPlaneInfo second = strata.planes().get(TwoPlanes.SECOND);
        assertThat(second.tenants()).isGreaterThanOrEqualTo(4);
        assertThat(second.t1Databases()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void rls_and_schema_t1s_on_the_second_plane_share_databases_of_that_plane() throws SQLException {
        Tenant rls = strata.tenants().create(NewTenant.t1("far-rls").withMode(IsolationMode.RLS).withPlane(TwoPlanes.SECOND));
        Tenant schema = strata.tenants().create(NewTenant.t1("far-sch").withMode(IsolationMode.SCHEMA).withPlane(TwoPlanes.SECOND));
        Tenant near = strata.tenants().create(NewTenant.t1("near-rls").withMode(IsolationMode.RLS));
        assertThat(databaseOnSecondServer(rls.placement().database())).isTrue();
        assertThat(databaseOnSecondServer(schema.placement().database())).isTrue();
        assertThat(rls.placement().database()).isNotEqualTo(near.placement().database());
        Documents.insert(strata, rls.id(), "far");
        Documents.insert(strata, near.id(), "near");
        assertThat(Documents.visible(strata, rls.id())).extracting(Documents.Doc::title).containsExactly("far");
        assertThat(Documents.visible(strata, near.id())).extracting(Documents.Doc::title).containsExactly("near");
    }

    private static boolean databaseOnSecondServer(String database) throws SQLException {
        try (Connection c = SecondPostgres.admin("postgres")) {
            return exists(c, database);
        }
    }

    private static boolean databaseOnSharedServer(String database) throws SQLException {
        try (Connection c = TestStrata.admin("postgres")) {
            return exists(c, database);
        }
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
