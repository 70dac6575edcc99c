package dev.strata;

import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void hybrid_end_to_end() throws Exception {
        Strata strata = TestStrata.start();
        try {
            long t0 = System.nanoTime();
            Tenant alpha = strata.tenants().create(NewTenant.t1("alpha"));
            long t1 = System.nanoTime();
            Tenant a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
            Tenant a2 = strata.tenants().create(NewTenant.t2("a2", "alpha"));
            long t2 = System.nanoTime();
            System.out.printf("T1 %.1f ms, 2xT2 %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            for (Tenant t : List.of(a1, a2, alpha)) {
                strata.useTenant(t.id(), scope -> {
                    try (PreparedStatement ps = scope.connection().prepareStatement(
                            "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
                        ps.setObject(1, scope.tenantId());
                        ps.setString(2, "doc of " + t.slug());
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                });
            }
            for (Tenant t : List.of(a1, a2, alpha)) {
                List<String> titles = strata.inTenant(t.id(), scope -> {
                    List<String> out = new ArrayList<>();
                    try (PreparedStatement ps = scope.connection().prepareStatement("SELECT title FROM documents ORDER BY title");
                         ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                });
                System.out.println(t.slug() + " sees " + titles);
            }
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }
}
