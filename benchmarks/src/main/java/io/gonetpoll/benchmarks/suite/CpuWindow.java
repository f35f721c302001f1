package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A measurement window: wall time, the server's CPU time, and the whole machine's busy time (all cores, from
 * the first line of /proc/stat). On a shared machine the difference between the machine's busy time and what
 * the server and the load generator used is other tenants' work, which the report shows beside every run.
 */
final class CpuWindow {
    private final long serverPid;
    private final long startNanos;
    private final long startServerTicks;
    private final long startMachineTicks;

    private CpuWindow(long serverPid) throws IOException {
        this.serverPid = serverPid;
        startNanos = System.nanoTime();
        startServerTicks = ProcStat.cpuTicks(serverPid);
        startMachineTicks = machineBusyTicks();
    }

    static CpuWindow open(long serverPid) throws IOException {
        return new CpuWindow(serverPid);
    }

    /** Fills in the server's CPU seconds and the machine's busy cores over the window, ending now. */
    void close(LoadResult result) throws IOException {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        result.serverCpuSeconds = ProcStat.seconds(ProcStat.cpuTicks(serverPid) - startServerTicks);
        result.serverCpuPercent = result.serverCpuSeconds * 100 / seconds;
        result.machineBusyPercent = ProcStat.seconds(machineBusyTicks() - startMachineTicks) * 100 / seconds;
    }

    /** user + nice + system + irq + softirq + steal of all cores; idle and iowait are not busy. */
    private static long machineBusyTicks() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
        String[] f = first.trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += i < f.length ? Long.parseLong(f[i]) : 0;
        }
        return busy;
    }
}
