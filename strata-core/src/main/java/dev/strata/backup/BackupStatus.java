package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.util.Locale;

/** Where a backup stands: being taken, complete (restorable), failed (with its error), or deleted by retention. */
public enum BackupStatus {
    TAKING, COMPLETE, FAILED, DELETED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BackupStatus parse(String text) {
        for (BackupStatus s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new StrataException(ErrorCode.INTERNAL, "Unknown backup status '" + text + "'");
    }
}
