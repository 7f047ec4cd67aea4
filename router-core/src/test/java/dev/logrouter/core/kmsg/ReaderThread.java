package dev.logrouter.core.kmsg;

import java.util.Arrays;

/**
 * Where a kmsg source's reader thread is right now: a positive signal that it has decided to wait
 * (for demand, for data) instead of a sleep that hopes it got there.
 */
final class ReaderThread {

    private ReaderThread() {
    }

    /**
     * The thread called {@code name} is waiting (parked, in {@code wait} or a timed wait) with
     * {@code frame} on its stack; {@code frame} is the end of {@code class.method}, e.g.
     * {@code "FixtureDevice.read"} or {@code ".awaitDemand"}.
     */
    static boolean isWaitingIn(String name, String frame) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals(name))
                .filter(e -> e.getKey().getState() == Thread.State.WAITING
                        || e.getKey().getState() == Thread.State.TIMED_WAITING)
                .anyMatch(e -> Arrays.stream(e.getValue())
                        .anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).endsWith(frame)));
    }

    /** The stack of the thread called {@code name}, for failure messages. */
    static String stack(String name) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals(name))
                .map(e -> e.getKey().getState() + " " + Arrays.toString(e.getValue()))
                .findFirst().orElse("no thread " + name);
    }
}
