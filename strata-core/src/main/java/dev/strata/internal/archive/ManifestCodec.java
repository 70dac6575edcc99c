package dev.strata.internal.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.StrataException;
import dev.strata.Tier;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;
import dev.strata.internal.migration.TenantMigrationSet;
import dev.strata.internal.registry.TenantRules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code manifest.json}: writes an {@link ArchiveManifest} and reads one back, refusing anything
 * malformed ({@link ErrorCode#ARCHIVE_CORRUPT}) or newer than this Strata understands
 * ({@link ErrorCode#ARCHIVE_VERSION_UNSUPPORTED}). The wire format is spelled out here rather than
 * derived from the public records, so the records can evolve without changing the format.
 */
final class ManifestCodec {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_NAME = 63;

    private ManifestCodec() {
    }

    static byte[] write(ArchiveManifest m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", ArchiveFormat.FORMAT_NAME);
        root.put("formatVersion", m.formatVersion());
        root.put("schemaVersion", m.schemaVersion());
        root.put("exportedAt", m.exportedAt().toString());
        ObjectNode tenant = root.putObject("tenant");
        tenant.put("id", m.tenantId().toString());
        tenant.put("slug", m.slug());
        tenant.put("displayName", m.displayName());
        tenant.put("tier", m.tier().level());
        tenant.put("parentId", m.parentId().toString());
        tenant.put("parentSlug", m.parentSlug());
        tenant.put("region", m.region());
        tenant.put("mode", m.mode().wireName());
        ArrayNode tables = root.putArray("tables");
        for (TableSummary t : m.tables()) {
            ObjectNode table = tables.addObject();
            table.put("name", t.name());
            table.put("entry", ArchiveFormat.tableEntry(t.name()));
            ArrayNode columns = table.putArray("columns");
            t.columns().forEach(columns::add);
            table.put("rows", t.rows());
            table.put("sha256", t.sha256());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A manifest tree always serialises", e);
        }
    }

    /**
     * Reads a manifest. Versions are checked first, so that an archive from a newer Strata is
     * reported as such even if the rest of its manifest looks different.
     */
    static ArchiveManifest read(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw corrupt("its manifest.json is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject() || !ArchiveFormat.FORMAT_NAME.equals(root.path("format").asText(null))) {
            throw corrupt("its manifest.json does not describe a Strata tenant archive");
        }
        int formatVersion = integer(root, "formatVersion");
        if (formatVersion != ArchiveFormat.FORMAT_VERSION) {
            throw new StrataException(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "The archive has layout version "
                    + formatVersion + ", but this Strata reads layout version " + ArchiveFormat.FORMAT_VERSION
                    + " only: import it with the Strata version that wrote it, or a newer one");
        }
        String schemaVersion = schemaVersion(root);
        JsonNode tenant = object(root, "tenant");
        Tier tier = tier(tenant);
        IsolationMode mode;
        try {
            mode = IsolationMode.parse(text(tenant, "mode"));
        } catch (StrataException e) {
            throw corrupt("its manifest names an unknown isolation mode '" + TenantRules.printable(text(tenant, "mode")) + "'");
        }
        String slug = text(tenant, "slug");
        try {
            TenantRules.requireValidSlug(slug);
        } catch (StrataException e) {
            throw corrupt("its manifest names an invalid slug '" + TenantRules.printable(slug) + "'");
        }
        return new ArchiveManifest(formatVersion, uuid(tenant, "id"), slug, optionalText(tenant, "displayName"), tier,
                uuid(tenant, "parentId"), optionalText(tenant, "parentSlug"), optionalText(tenant, "region"), mode,
                schemaVersion, instant(root, "exportedAt"), tables(root));
    }

    private static List<TableSummary> tables(JsonNode root) {
        JsonNode tables = root.get("tables");
        if (tables == null || !tables.isArray()) {
            throw corrupt("its manifest has no list of tables");
        }
        List<TableSummary> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode table : tables) {
            if (!table.isObject()) {
                throw corrupt("its manifest's list of tables holds something that is not a table");
            }
            String name = name(table, "name", "table");
            if (!seen.add(name)) {
                throw corrupt("its manifest lists table '" + name + "' twice");
            }
            if (!ArchiveFormat.tableEntry(name).equals(table.path("entry").asText(null))) {
                throw corrupt("its manifest places table '" + name + "' in an unexpected entry");
            }
            JsonNode columnsNode = table.get("columns");
            if (columnsNode == null || !columnsNode.isArray() || columnsNode.isEmpty()) {
                throw corrupt("its manifest gives table '" + name + "' no columns");
            }
            List<String> columns = new ArrayList<>();
            for (JsonNode column : columnsNode) {
                String c = column.isTextual() ? column.asText() : null;
                if (!isName(c) || TenantTable.TENANT_ID.equals(c) || columns.contains(c)) {
                    throw corrupt("its manifest gives table '" + name + "' an invalid or repeated column '"
                            + TenantRules.printable(c) + "'");
                }
                columns.add(c);
            }
            JsonNode rows = table.get("rows");
            if (rows == null || !rows.canConvertToLong() || !rows.isIntegralNumber() || rows.asLong() < 0) {
                throw corrupt("its manifest gives table '" + name + "' no valid row count");
            }
            String sha256 = table.path("sha256").asText("");
            if (!SHA256.matcher(sha256).matches()) {
                throw corrupt("its manifest gives table '" + name + "' no valid SHA-256 checksum");
            }
            out.add(new TableSummary(name, columns, rows.asLong(), sha256));
        }
        return out;
    }

    private static Tier tier(JsonNode tenant) {
        JsonNode node = tenant.get("tier");
        if (node == null || !node.isInt() || (node.asInt() != 1 && node.asInt() != 2)) {
            throw corrupt("its manifest gives the tenant no valid tier (1 or 2)");
        }
        return Tier.ofLevel(node.asInt());
    }

    /**
     * The application's migration version the tables were exported at: Flyway's version text
     * ({@code null}: no migration applied). Archives of earlier Strata versions wrote an integer.
     */
    private static String schemaVersion(JsonNode root) {
        JsonNode value = root.get("schemaVersion");
        if (value == null || value.isNull()) {
            return null;
        }
        String version = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.asText() : null;
        if (version == null || !TenantMigrationSet.isVersion(version)) {
            throw corrupt("its manifest names no valid schema version ('schemaVersion', a Flyway version such as 3 or 2.1)");
        }
        return version;
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isInt()) {
            throw corrupt("its manifest has no valid '" + field + "'");
        }
        return value.asInt();
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw corrupt("its manifest has no '" + field + "' object");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw corrupt("its manifest has no valid '" + field + "'");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(node, field);
    }

    private static String name(JsonNode node, String field, String what) {
        String value = node.path(field).isTextual() ? node.path(field).asText() : null;
        if (!isName(value)) {
            throw corrupt("its manifest names a " + what + " '" + TenantRules.printable(value) + "' that is not a valid name");
        }
        return value;
    }

    /** A PostgreSQL identifier as the catalog returns it: 1-63 characters, no control characters. */
    private static boolean isName(String value) {
        return value != null && !value.isEmpty() && value.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME
                && value.chars().noneMatch(Character::isISOControl);
    }

    private static UUID uuid(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return TenantRules.parseId(value);
        } catch (StrataException e) {
            throw corrupt("its manifest's '" + field + "' is not a UUID");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (DateTimeParseException e) {
            throw corrupt("its manifest's '" + field + "' is not an ISO-8601 instant");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static StrataException corrupt(String what) {
        return new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The archive is corrupt: " + what
                + ". Nothing was imported; export the tenant again or use an intact copy of the archive");
    }
}
