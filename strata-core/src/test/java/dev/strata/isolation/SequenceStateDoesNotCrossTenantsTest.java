package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session's sequence state ({@code currval}, {@code lastval}: the last value each sequence
 * gave in the session, kept even after a rollback) of a schema-mode tenant never reaches the next
 * tenant on the same pooled connection: whatever way the tenant's transaction ended, the next one
 * cannot learn how far its ids have gone. Within its own transaction a tenant still reads its own
 * {@code currval}.
 */
class SequenceStateDoesNotCrossTenantsTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP).configured(b -> b.poolSizePerDatabase(1));
    /** The same behind PgBouncer in transaction mode, one server connection per database and role. */
    @RegisterExtension
    static final StrataFixture POOLED = StrataFixture.with(AppSchemas.SHOP)
            .configured(b -> b.poolSizePerDatabase(1).pooledServer(dev.strata.testing.PgBouncer.endpoint()));

    /** The same six tenants on each of the two Strata instances. */
    record World(Strata strata, Tenant hybrid, Tenant schemaKid, Tenant otherSchemaKid, Tenant rlsKid, Tenant schemaT1,
                 Tenant otherSchemaT1) {
        static World on(Strata strata) {
            Tenant hybrid = strata.tenants().create(NewTenant.t1("sq-t1"));
            return new World(strata, hybrid,
                    strata.tenants().create(NewTenant.t2("sq-s", hybrid.slug()).withMode(IsolationMode.SCHEMA)),
                    strata.tenants().create(NewTenant.t2("sq-s2", hybrid.slug()).withMode(IsolationMode.SCHEMA)),
                    strata.tenants().create(NewTenant.t2("sq-r", hybrid.slug())),
                    strata.tenants().create(NewTenant.t1("sq-st1").withMode(IsolationMode.SCHEMA)),
                    strata.tenants().create(NewTenant.t1("sq-st2").withMode(IsolationMode.SCHEMA)));
        }
    }

    private static World direct;
    private static World pooled;

    @BeforeAll
    static void tenants() {
        direct = World.on(FIXTURE.strata());
        pooled = World.on(POOLED.strata());
    }

    enum Ending { COMMIT, ROLLBACK_IN_THE_CALLBACK, CALLBACK_FAILS, COMMIT_IN_THE_CALLBACK_THEN_MORE }

    static Stream<Arguments> endingsAndPairs() {
        List<Arguments> all = new ArrayList<>();
        for (String endpoint : List.of("direct", "pooled endpoint")) {
            for (Ending ending : Ending.values()) {
                all.add(Arguments.of(ending, endpoint + ", schema T2 then its rls sibling",
                        (Pick) w -> new Tenant[] {w.schemaKid(), w.rlsKid()}));
                all.add(Arguments.of(ending, endpoint + ", schema T2 then its schema sibling",
                        (Pick) w -> new Tenant[] {w.schemaKid(), w.otherSchemaKid()}));
                all.add(Arguments.of(ending, endpoint + ", schema T2 then its T1",
                        (Pick) w -> new Tenant[] {w.schemaKid(), w.hybrid()}));
                all.add(Arguments.of(ending, endpoint + ", schema T1 then schema T1",
                        (Pick) w -> new Tenant[] {w.schemaT1(), w.otherSchemaT1()}));
            }
        }
        return all.stream();
    }

    @FunctionalInterface
    interface Pick {
        Tenant[] pair(World world);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("endingsAndPairs")
    void the_next_tenant_cannot_read_the_earlier_ones_sequence_state(Ending ending, String name, Pick pick) throws Exception {
        World world = name.startsWith("pooled") ? pooled : direct;
        Tenant earlier = pick.pair(world)[0];
        Tenant next = pick.pair(world)[1];
        Strata strata = world.strata();
        String sequence = earlier.placement().schema() + ".order_lines_id_seq";
        long[] own = {0};
        try {
            strata.useTenant(earlier.id(), scope -> {
                insertLine(scope, earlier.id());
                own[0] = single(scope, "SELECT currval('" + sequence + "')");
                switch (ending) {
                    case ROLLBACK_IN_THE_CALLBACK -> scope.connection().rollback();
                    case CALLBACK_FAILS -> throw new IllegalStateException("the callback fails after its insert");
                    case COMMIT_IN_THE_CALLBACK_THEN_MORE -> {
                        scope.connection().commit();
                        insertLine(scope, earlier.id());
                    }
                    default -> { }
                }
            });
        } catch (IllegalStateException expected) {
            // the callback failed: its transaction rolled back
        }
        assertThat(own[0]).as("a tenant reads its own currval in its transaction").isPositive();

        strata.useTenant(next.id(), scope -> {
            for (String probe : List.of("SELECT lastval()", "SELECT currval('" + sequence + "')")) {
                try {
                    long value = single(scope, probe);
                    throw new AssertionError(probe + " told " + next.slug() + " the value " + value + " of "
                            + earlier.slug() + "'s sequence");
                } catch (SQLException refused) {
                    assertThat(refused.getSQLState()).as(probe + ": " + refused.getMessage()).isIn("55000", "42501");
                    scope.connection().rollback();
                }
            }
        });
    }

    private static void insertLine(TenantScope scope, UUID tenant) throws SQLException {
        UUID customer = Shop.customer(scope.connection(), tenant, "c", "c-" + UUID.randomUUID() + "@example.com", "{}");
        UUID order = Shop.order(scope.connection(), tenant, customer, "EUR", "{}");
        Shop.line(scope.connection(), tenant, order, "sku", 1, "1.00");
    }

    private static long single(TenantScope scope, String sql) throws SQLException {
        try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
