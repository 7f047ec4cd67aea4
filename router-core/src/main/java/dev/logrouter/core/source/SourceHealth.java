package dev.logrouter.core.source;

/**
 * What a source that supervises something (a child process) reports about it, beyond the records
 * it emits: shown by {@code status}, exported as metrics and checked by {@code /health}.
 *
 * @param state        {@code running}; {@code restarting} (waiting to restart after a failed start or a
 *                     non-zero exit: unhealthy); {@code exited} (waiting to restart after a clean exit);
 *                     {@code failed} (gave up after a failure: unhealthy); {@code stopped}
 * @param errors       failed starts and non-zero exits so far
 * @param lastError    the latest of those, as text, or {@code null}
 * @param restarts     restarts so far
 * @param lastExitCode exit code of the latest run, or {@code null} when none has exited
 */
public record SourceHealth(String state, long errors, String lastError, long restarts, Integer lastExitCode) {

    /** True in the states that make {@code /health} report the source. */
    public boolean unhealthy() {
        return "restarting".equals(state) || "failed".equals(state);
    }
}
