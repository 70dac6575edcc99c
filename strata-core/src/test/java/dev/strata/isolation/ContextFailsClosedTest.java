package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a tenant context the app role reads no rows, in all three states the setting can be in
 * (never set on a fresh connection, left as '' after an earlier transaction set it locally,
 * explicitly empty), in every kind of database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextFailsClosedTest {
    private Strata strata;
    private final Map<IsolationMode, Tenant> tenants = new EnumMap<>(IsolationMode.class);

    @BeforeAll
    void start() throws SQLException {
        strata = TestStrata.start();
        Tenant parent = strata.tenants().create(NewTenant.t1("parent"));
        for (IsolationMode mode : IsolationMode.values()) {
            Tenant t = strata.tenants().create(NewTenant.t2("child-" + mode.wireName(), "parent").withMode(mode));
            Documents.insert(strata, t.id(), "secret of " + t.slug());
            tenants.put(mode, t);
        }
        Documents.insert(strata, parent.id(), "secret of parent");
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void a_fresh_connection_without_context_reads_no_rows(IsolationMode mode) throws SQLException {
        Tenant t = tenants.get(mode);
        assertThat(Documents.stored(t)).isNotEmpty();
        try (Connection c = appConnection(t)) {
            assertThat(currentSetting(c)).isNull();
            assertThat(countAll(c, t)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void a_connection_after_a_committed_tenant_transaction_reads_no_rows(IsolationMode mode) throws SQLException {
        Tenant t = tenants.get(mode);
        try (Connection c = appConnection(t)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT platform.set_tenant_context(?, 2)")) {
                ps.setObject(1, t.id());
                ps.execute();
            }
            assertThat(countAll(c, t)).as("inside the transaction that set the context").isEqualTo(1);
            c.commit();
            assertThat(currentSetting(c)).as("the setting is left as '' after the transaction").isEmpty();
            assertThat(countAll(c, t)).isZero();
            c.commit();
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void an_explicitly_empty_context_reads_no_rows_and_raises_no_error(IsolationMode mode) throws SQLException {
        Tenant t = tenants.get(mode);
        try (Connection c = appConnection(t)) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '', false), set_config('app.tenant_tier', '', false)");
            }
            assertThat(countAll(c, t)).isZero();
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '', false), set_config('app.tenant_tier', '1', false)");
            }
            assertThat(countAll(c, t)).as("a tier without a tenant id").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void a_tenant_id_without_a_tier_reads_as_the_narrowest_tier_only_its_own_rows(IsolationMode mode) throws SQLException {
        Tenant t = tenants.get(mode);
        Tenant parent = strata.tenants().get("parent");
        try (Connection c = appConnection(t)) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('app.tenant_id', '" + t.id() + "', false)");
            }
            assertThat(countAll(c, t)).isEqualTo(1);
            if (parent.placement().database().equals(t.placement().database())) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT set_config('app.tenant_id', '" + parent.id() + "', false)");
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM \""
                        + t.placement().schema() + "\".documents WHERE tenant_id = '" + t.id() + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("a T1 id without its tier does not see its T2s").isZero();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void the_context_accessors_return_null_without_context(IsolationMode mode) throws SQLException {
        Tenant t = tenants.get(mode);
        try (Connection c = appConnection(t); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT platform.current_tenant_id(), platform.current_tenant_tier(), "
                     + "cardinality(platform.visible_tenant_ids())")) {
            rs.next();
            assertThat(rs.getObject(1)).isNull();
            assertThat(rs.getObject(2)).isNull();
            assertThat(rs.getInt(3)).isZero();
        }
    }

    private Connection appConnection(Tenant t) throws SQLException {
        DatabaseRecord db = dev.strata.internal.sql.Jdbc.withConnection(strata.internals().management(), "read",
                c -> DatabaseStore.find(c, t.placement().dataPlane(), t.placement().database())).orElseThrow();
        return TestStrata.as(db.name(), db.appRole(), db.appPassword());
    }

    private static int countAll(Connection c, Tenant t) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + t.placement().schema() + "\".documents")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String currentSetting(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('app.tenant_id', true)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
