package dev.logrouter.core.kmsg;

/** Where a kmsg source starts when it has no saved position. */
public enum KmsgFrom {
    /** The oldest record still in the kernel ring. */
    START,
    /** Only records logged after the source opened the device. */
    END
}
