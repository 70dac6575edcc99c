package dev.strata.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.Strata;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Archives as bytes, and the ways tests damage or doctor them. */
final class ArchiveBytes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveBytes() {
    }

    static byte[] export(Strata strata, String tenantKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        strata.exportTenant(tenantKey, out);
        return out.toByteArray();
    }

    static ImportResult importBytes(Strata strata, byte[] archive, ImportOptions options) {
        return strata.importTenant(new ByteArrayInputStream(archive), options);
    }

    /** Every entry's uncompressed content, in archive order. */
    static Map<String, byte[]> entries(byte[] archive) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                out.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ObjectNode manifest(byte[] archive) {
        try {
            return (ObjectNode) JSON.readTree(entries(archive).get("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest's tenant object, to edit. */
    static ObjectNode tenantOf(ObjectNode manifest) {
        return (ObjectNode) manifest.get("tenant");
    }

    /** The manifest's first table object, to edit. */
    static ObjectNode firstTableOf(ObjectNode manifest) {
        return (ObjectNode) manifest.get("tables").get(0);
    }

    /** The archive re-zipped with its manifest edited (a well-formed ZIP: only the manifest lies). */
    static byte[] withManifest(byte[] archive, Consumer<ObjectNode> edit) {
        Map<String, byte[]> entries = entries(archive);
        ObjectNode manifest = manifest(archive);
        edit.accept(manifest);
        entries.put("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8));
        return zip(entries);
    }

    /** The archive re-zipped with a table's data replaced, with or without fixing the manifest's count and checksum. */
    static byte[] withTableData(byte[] archive, String table, String copyText, boolean fixManifest) {
        Map<String, byte[]> entries = entries(archive);
        byte[] data = copyText.getBytes(StandardCharsets.UTF_8);
        entries.put("tables/" + table + ".copy", data);
        if (fixManifest) {
            ObjectNode manifest = manifest(archive);
            for (var t : manifest.withArray("tables")) {
                if (t.get("name").asText().equals(table)) {
                    ((ObjectNode) t).put("rows", copyText.chars().filter(ch -> ch == '\n').count());
                    ((ObjectNode) t).put("sha256", sha256(data));
                }
            }
            entries.put("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8));
        }
        return zip(entries);
    }

    static String tableText(byte[] archive, String table) {
        return new String(entries(archive).get("tables/" + table + ".copy"), StandardCharsets.UTF_8);
    }

    /**
     * The archive with one byte flipped in the middle of a table entry's stored (compressed) data,
     * as a bad disk or transfer would: the ZIP structure around it stays intact.
     */
    static byte[] withFlippedByteInEntry(byte[] archive, String entryName) {
        byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 30 < archive.length; at++) {
            if (archive[at] == 'P' && archive[at + 1] == 'K' && archive[at + 2] == 3 && archive[at + 3] == 4) {
                int nameLength = u16(archive, at + 26);
                int extraLength = u16(archive, at + 28);
                if (nameLength == name.length && java.util.Arrays.equals(archive, at + 30, at + 30 + nameLength, name, 0, name.length)) {
                    int dataStart = at + 30 + nameLength + extraLength;
                    int dataEnd = nextSignature(archive, dataStart);
                    byte[] damaged = archive.clone();
                    int target = dataStart + (dataEnd - dataStart) / 2;
                    damaged[target] ^= 0x10;
                    return damaged;
                }
            }
        }
        throw new IllegalArgumentException("No entry " + entryName);
    }

    private static int nextSignature(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K' && (b[i + 2] == 7 || b[i + 2] == 3 || b[i + 2] == 1) && b[i + 3] == b[i + 2] + 1) {
                return i;
            }
        }
        return b.length;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
