package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Polls a load generator's CPU time while it runs. Its /proc entry is gone once it exits, so the CPU it used
 * can only be known from samples taken while it lived; the first {@code skipSeconds} can be left out, so a
 * JVM's start-up and JIT burst does not count as load-generation work.
 */
final class CpuSampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 100;

    private final long pid;
    private final List<long[]> samples = new ArrayList<>(); // {nanoTime, ticks}
    private final Thread thread;
    private volatile boolean stopped;

    CpuSampler(long pid) {
        this.pid = pid;
        thread = new Thread(this::poll, "cpu-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    /** Average CPU use of the process, in % of one core, from {@code skipSeconds} after start to the last sample. */
    synchronized double percent(double skipSeconds) {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        long[] first = samples.get(0);
        long[] last = samples.get(samples.size() - 1);
        long from = first[0] + (long) (skipSeconds * 1e9);
        for (long[] s : samples) {
            if (s[0] >= from && last[0] - s[0] >= TimeUnit.MILLISECONDS.toNanos(500)) {
                first = s;
                break;
            }
        }
        double elapsed = (last[0] - first[0]) / 1e9;
        return elapsed <= 0 ? Double.NaN : ProcStat.seconds(last[1] - first[1]) * 100 / elapsed;
    }

    private void poll() {
        while (!stopped) {
            try {
                long ticks = ProcStat.cpuTicks(pid);
                synchronized (this) {
                    samples.add(new long[] {System.nanoTime(), ticks});
                }
                Thread.sleep(PERIOD_MILLIS);
            } catch (IOException e) {
                return; // the process has exited and been reaped
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(1000);
    }
}
