package dev.logrouter.core.journal;

/** How a journal reader starts and whether it ends. */
public enum ReadMode {
    /** Everything held now, then complete (memlogd mode 0). */
    DUMP,
    /** Only records appended after subscription; never completes (memlogd mode 1). */
    FOLLOW,
    /** Everything held now, then new records with no gap and no duplicate at the seam (memlogd mode 2). */
    DUMP_THEN_FOLLOW
}
