package dev.logrouter.core.transform;

import dev.logrouter.core.record.LogRecord;

/** One compiled transform step. Thread-safe: records of several sources pass at once. */
interface Step {

    /** The record to pass on ({@code r} itself when nothing changes), or null to drop it. */
    LogRecord apply(LogRecord r);
}
