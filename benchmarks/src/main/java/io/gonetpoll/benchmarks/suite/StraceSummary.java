package io.gonetpoll.benchmarks.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the file {@code strace -f -C -o FILE} writes: the trace, then the {@code -c} table. The table gives the
 * calls per syscall; {@code epoll_ctl} is split by operation from the trace lines, which the table cannot do.
 */
final class StraceSummary {
    /** Calls per syscall, most frequent first (strace's order is by time; we re-sort by calls). */
    final Map<String, Long> calls = new LinkedHashMap<>();
    long total;
    long epollCtlAdd;
    long epollCtlMod;
    long epollCtlDel;

    /** A trace written with {@code -C}: the lines, then the table (required). */
    static StraceSummary parse(Path file) throws IOException {
        return parse(file, true);
    }

    /**
     * A trace still being written, without a table ({@code -e trace=epoll_ctl}, no {@code -c}): only the
     * {@code epoll_ctl} split is filled in. strace writes a file line by line, so a count taken between two
     * loads sees every call of the first.
     */
    static StraceSummary parseLines(Path file) throws IOException {
        return parse(file, false);
    }

    private static StraceSummary parse(Path file, boolean tableRequired) throws IOException {
        StraceSummary summary = new StraceSummary();
        Map<String, Long> unsorted = new LinkedHashMap<>();
        boolean inTable = false;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("% time")) {
                    inTable = true;
                } else if (inTable) {
                    summary.tableLine(line, unsorted);
                } else if (line.contains("epoll_ctl(")) {
                    // A call interrupted by another thread's output is split in two; its first half has the op.
                    if (line.contains("EPOLL_CTL_MOD")) {
                        summary.epollCtlMod++;
                    } else if (line.contains("EPOLL_CTL_ADD")) {
                        summary.epollCtlAdd++;
                    } else if (line.contains("EPOLL_CTL_DEL")) {
                        summary.epollCtlDel++;
                    }
                }
            }
        }
        if (tableRequired && !inTable) {
            throw new IOException("no strace summary table in " + file);
        }
        unsorted.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> summary.calls.put(e.getKey(), e.getValue()));
        return summary;
    }

    /** The {@code epoll_ctl} calls of this count that {@code earlier} did not have yet; total = their sum. */
    StraceSummary epollCtlSince(StraceSummary earlier) {
        StraceSummary since = new StraceSummary();
        since.epollCtlAdd = epollCtlAdd - earlier.epollCtlAdd;
        since.epollCtlMod = epollCtlMod - earlier.epollCtlMod;
        since.epollCtlDel = epollCtlDel - earlier.epollCtlDel;
        since.total = since.epollCtlAdd + since.epollCtlMod + since.epollCtlDel;
        return since;
    }

    long calls(String syscall) {
        return calls.getOrDefault(syscall, 0L);
    }

    /** {@code % time  seconds  usecs/call  calls  [errors]  syscall}; the errors column may be empty. */
    private void tableLine(String line, Map<String, Long> unsorted) {
        String[] t = line.trim().split("\\s+");
        if (t.length < 5 || t[0].startsWith("-")) {
            return;
        }
        long count = Long.parseLong(t[3]);
        String name = t[t.length - 1];
        if (name.equals("total")) {
            total = count;
        } else {
            unsorted.merge(name, count, Long::sum);
        }
    }
}
