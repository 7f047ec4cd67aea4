package dev.logrouter.app.daemon;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** A jstack-like dump of this JVM: every thread with its locks, and the Java-level deadlocks found. */
final class ThreadDump {

    private ThreadDump() {
    }

    static String all() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder(16 * 1024);
        long[] deadlocked = mx.findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("Java-level deadlock between ").append(deadlocked.length).append(" threads:\n");
            for (ThreadInfo t : mx.getThreadInfo(deadlocked, true, true)) {
                append(out, t);
            }
            out.append("\nAll threads:\n");
        }
        for (ThreadInfo t : mx.dumpAllThreads(true, true)) {
            append(out, t);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, ThreadInfo t) {
        out.append('"').append(t.getThreadName()).append("\" ").append(t.isDaemon() ? "daemon " : "")
                .append(t.getThreadState());
        if (t.getLockName() != null) {
            out.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
        }
        out.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        MonitorInfo[] monitors = t.getLockedMonitors();
        for (int i = 0; i < stack.length; i++) {
            out.append("\tat ").append(stack[i]).append('\n');
            for (MonitorInfo m : monitors) {
                if (m.getLockedStackDepth() == i) {
                    out.append("\t- locked ").append(m).append('\n');
                }
            }
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            out.append("\t- holds ").append(l).append('\n');
        }
        out.append('\n');
    }
}
