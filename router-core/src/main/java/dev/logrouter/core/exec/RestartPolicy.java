package dev.logrouter.core.exec;

/** When an exec source starts its command again after it exits. */
public enum RestartPolicy {
    /** Run once. */
    NEVER,
    /** Again after a non-zero exit or a failure to start. */
    ON_FAILURE,
    /** Again after any exit. */
    ALWAYS
}
