package dev.logrouter.core.record;

/**
 * Names of the record fields that sources set and encoders, transforms and the CLI read: one place, so
 * a parser and the code that reads its field cannot disagree. Where an output format carries the same
 * value under the same name (Talos's kernel records), the name is used from here too.
 */
public final class FieldNames {

    /** Why a line or message could not be parsed; the record keeps the raw text (every parsing source). */
    public static final String PARSE_ERROR = "parse_error";
    /** {@code true} on a message cut at the source's size limit (syslog). */
    public static final String TRUNCATED = "truncated";
    /** The sender's IP address (tcp and udp sources). */
    public static final String PEER = "peer";
    /** The name a writer gave its pipe on the fd socket, as memlogd keeps it. */
    public static final String MEMLOGD_NAME = "memlogd_name";
    /** A gap record's exact number of records lost. */
    public static final String LOST = "lost";
    /** Where records were lost (a gap) or dropped (a rate limit's summary). */
    public static final String WHERE = "where";

    /** Syslog facility name ({@code kern}, {@code daemon}, ... {@code local7}): kernel and syslog records. */
    public static final String FACILITY = "facility";
    /** Kernel records: the priority as the kernel's level name. */
    public static final String PRIORITY = "priority";
    /** Kernel records: the kernel's sequence number. */
    public static final String SEQ = "seq";
    /** Kernel records: microseconds since boot (monotonic). */
    public static final String CLOCK = "clock";
    /** Kernel records: the caller id ({@code T123} or {@code C1}) when the kernel adds one. */
    public static final String CALLER = "caller";
    /** Kernel records: the header's flags ({@code c}, {@code +}, {@code -}). */
    public static final String FLAGS = "flags";

    private FieldNames() {
    }
}
