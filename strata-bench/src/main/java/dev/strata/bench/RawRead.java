package dev.strata.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The limit: pgjdbc + HikariCP on a table without RLS, filtering by {@code tenant_id} explicitly. */
final class RawRead implements ReadVariant {
    static final String SQL = "SELECT title FROM bench.documents_plain WHERE tenant_id = ? AND id = ?";
    private final ReadFixture fx;

    RawRead(ReadFixture fx) {
        this.fx = fx;
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public String transaction(ThreadLocalRandom random) throws Exception {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        try (Connection c = fx.raw.getConnection()) {
            String title;
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                ps.setObject(1, tenant);
                ps.setObject(2, doc);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    title = rs.getString(1);
                }
            }
            c.commit();
            return title;
        }
    }
}
