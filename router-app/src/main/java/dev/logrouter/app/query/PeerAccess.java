package dev.logrouter.app.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a peer (its SO_PEERCRED pid/uid/gid) may use the query socket: allowed when no
 * list is configured, or when its uid is in {@code allow_uids}, or its primary gid or one of its
 * supplementary groups (read from {@code /proc/PID/status}) is in {@code allow_gids}.
 */
final class PeerAccess {

    private final Set<Integer> uids;
    private final Set<Integer> gids;

    PeerAccess(List<Integer> uids, List<Integer> gids) {
        this.uids = Set.copyOf(uids);
        this.gids = Set.copyOf(gids);
    }

    boolean open() {
        return uids.isEmpty() && gids.isEmpty();
    }

    /** @return null when allowed, else the reason */
    String check(int pid, int uid, int gid) {
        if (open() || uids.contains(uid) || gids.contains(gid)) {
            return null;
        }
        if (!gids.isEmpty()) {
            for (int g : supplementaryGroups(pid)) {
                if (gids.contains(g)) {
                    return null;
                }
            }
        }
        return "access denied: peer uid " + uid + " gid " + gid + " is not in query.allow_uids/allow_gids";
    }

    static List<Integer> supplementaryGroups(int pid) {
        List<Integer> out = new ArrayList<>();
        if (pid <= 0) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    for (String g : line.substring(7).trim().split("\\s+")) {
                        if (!g.isEmpty()) {
                            out.add(Integer.parseInt(g));
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // peer already gone or /proc unavailable: only the primary gid counts
        }
        return out;
    }
}
