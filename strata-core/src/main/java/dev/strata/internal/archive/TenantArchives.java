package dev.strata.internal.archive;

import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import dev.strata.internal.StrataEngine;

import java.io.InputStream;
import java.io.OutputStream;

/** Per-tenant export and import. */
public final class TenantArchives {
    private final StrataEngine engine;

    public TenantArchives(StrataEngine engine) {
        this.engine = engine;
    }

    public ArchiveManifest export(String tenantKey, OutputStream out, String actor) {
        throw new UnsupportedOperationException("TODO(archive helper): not implemented yet");
    }

    public ImportResult importArchive(InputStream in, ImportOptions options, String actor) {
        throw new UnsupportedOperationException("TODO(archive helper): not implemented yet");
    }
}
