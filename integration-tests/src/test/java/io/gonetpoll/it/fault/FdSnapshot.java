package io.gonetpoll.it.fault;

import io.gonetpoll.it.OpenFiles;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * fd number → link target of {@code /proc/self/fd}, all of them, for the message of a failed fd-count check:
 * the count ({@link OpenFiles#count}) says that something changed, the difference says what.
 */
final class FdSnapshot {
    private FdSnapshot() {
    }

    static Map<Integer, String> take() {
        try {
            return OpenFiles.targets();
        } catch (UncheckedIOException e) {
            return Map.of(-1, e.toString());
        }
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
