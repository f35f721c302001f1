package io.gonetpoll.it.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * fd number → link target of {@code /proc/self/fd}, for the message of a failed fd-count check: the count
 * ({@link io.gonetpoll.it.OpenFiles}) says that something changed, the difference says what.
 */
final class FdSnapshot {
    private FdSnapshot() {
    }

    static Map<Integer, String> take() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            entries.forEach(entry -> {
                try {
                    fds.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (IOException gone) {
                    // Closed between the listing and the readlink (the listing's own directory fd, for one).
                }
            });
        } catch (IOException e) {
            return Map.of(-1, e.toString());
        }
        return fds;
    }

    /** What {@code after} has that {@code before} has not ("+") and the reverse ("-"). */
    static String diff(Map<Integer, String> before, Map<Integer, String> after) {
        StringBuilder diff = new StringBuilder();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                diff.append(" +").append(fd).append('=').append(target);
            }
        });
        before.forEach((fd, target) -> {
            if (!target.equals(after.get(fd))) {
                diff.append(" -").append(fd).append('=').append(target);
            }
        });
        return diff.toString();
    }
}
