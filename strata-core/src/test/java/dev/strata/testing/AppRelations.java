package dev.strata.testing;

import dev.strata.Placement;
import dev.strata.Tenant;
import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relations of an application schema as the catalog shows them to the administrator, whatever
 * the application's migrations created: tenant tables (with {@code tenant_id}: plain, partitioned
 * and partitions), views over them, and declared reference-data tables. The isolation suite and
 * the archive tests attack and compare every one of them, so they cover any schema.
 */
public final class AppRelations {
    /** What a relation is. */
    public enum Kind { TABLE, PARTITIONED, PARTITION, VIEW, REFERENCE_DATA }

    /**
     * One relation.
     *
     * @param schema     its schema
     * @param name       its name
     * @param kind       what it is
     * @param updatable  whether UPDATE and DELETE can run on it (always for tables; views per PostgreSQL)
     * @param insertable columns an INSERT may copy from another row: all but {@code tenant_id},
     *                   generated and identity columns
     */
    public record Relation(String schema, String name, Kind kind, boolean updatable, List<String> insertable) {
        public String qualified() {
            return Identifiers.qualified(schema, name);
        }

        public boolean tenantTable() {
            return kind == Kind.TABLE || kind == Kind.PARTITIONED || kind == Kind.PARTITION;
        }

        public boolean holdsTenantRows() {
            return kind != Kind.REFERENCE_DATA;
        }

        @Override
        public String toString() {
            return schema + "." + name + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
    }

    private static final String RELATIONS = """
            SELECT c.relname,
                   CASE WHEN c.relkind = 'v' THEN 'VIEW'
                        WHEN t.attnum IS NULL THEN 'REFERENCE_DATA'
                        WHEN c.relkind = 'p' THEN 'PARTITIONED'
                        WHEN c.relispartition THEN 'PARTITION'
                        ELSE 'TABLE' END,
                   c.relkind <> 'v' OR (pg_relation_is_updatable(c.oid, true) & 12) = 12,
                   ARRAY(SELECT a.attname::text FROM pg_attribute a
                          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                            AND a.attname <> 'tenant_id' AND a.attidentity = '' AND a.attgenerated = ''
                          ORDER BY a.attnum)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_attribute t ON t.attrelid = c.oid AND t.attname = 'tenant_id' AND NOT t.attisdropped
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v') AND c.relname <> 'strata_schema_history'
               AND (t.attnum IS NOT NULL OR c.relkind = 'v'
                    OR obj_description(c.oid, 'pg_class') LIKE 'strata:reference-data%')
             ORDER BY c.relname""";

    private static final Map<String, List<Relation>> CACHE = new ConcurrentHashMap<>();

    private AppRelations() {
    }

    /** The relations of a tenant's schema (cached per database and schema: the tests do not migrate meanwhile). */
    public static List<Relation> of(Tenant tenant) {
        Placement p = tenant.placement();
        return of(p.database(), p.schema());
    }

    public static List<Relation> of(String database, String schema) {
        return CACHE.computeIfAbsent(database + "/" + schema, k -> read(database, schema));
    }

    private static List<Relation> read(String database, String schema) {
        List<Relation> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(database); PreparedStatement ps = c.prepareStatement(RELATIONS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Relation(schema, rs.getString(1), Kind.valueOf(rs.getString(2)), rs.getBoolean(3),
                            List.of((String[]) rs.getArray(4).getArray())));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the relations of " + database + "/" + schema, e);
        }
        return List.copyOf(out);
    }

    /**
     * What is really stored in a relation for a tenant, read by the administrator with an explicit
     * filter: the row count and a digest of the rows' text, so any change shows.
     */
    public static Stored stored(Tenant tenant, Relation relation) throws SQLException {
        Connection c = AdminConnections.of(tenant.placement().database());
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '') FROM "
                     + relation.qualified() + " r WHERE r.tenant_id = ?")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Stored(rs.getInt(1), rs.getString(2));
            }
        }
    }

    /** A tenant's rows of one relation: how many, and a digest of them. */
    public record Stored(int rows, String digest) {
    }

    /** The tenant ids of every row of a relation the given connection's context can read (no filter in the query). */
    public static List<UUID> visibleTenantIds(Connection c, Relation relation) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM " + relation.qualified());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }
}
