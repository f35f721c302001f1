package io.gonetpoll.channel;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A {@link GoNetpollStallListener} that keeps what it heard, for tests to wait on with a deadline. */
final class StallRecorder implements GoNetpollStallListener {
    /** A stall as it was detected, with when the listener heard of it. */
    static final class Detected {
        final GoNetpollStall stall;
        final long heardAt = System.nanoTime();

        Detected(GoNetpollStall stall) {
            this.stall = stall;
        }
    }

    /** A stall that ended, with its total length. */
    static final class Ended {
        final GoNetpollStall stall;
        final Duration length;

        Ended(GoNetpollStall stall, Duration length) {
            this.stall = stall;
            this.length = length;
        }
    }

    final BlockingQueue<Detected> detected = new LinkedBlockingQueue<>();
    final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    /** Every stall heard of, in order, for counting: a cold JVM's first turns (class loading) may be stalls too. */
    final List<GoNetpollStall> all = new CopyOnWriteArrayList<>();

    @Override
    public void stallDetected(GoNetpollStall stall) {
        all.add(stall);
        detected.add(new Detected(stall));
    }

    @Override
    public void stallEnded(GoNetpollStall stall, Duration length) {
        ended.add(new Ended(stall, length));
    }

    /** Waits up to 10 s for a stall whose stack has {@code method} of {@code className}; others are skipped. */
    Detected awaitDetected(String className, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Detected d = detected.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(d, "no stall in " + className + "." + method + " detected in 10 s; heard of: " + all);
            if (hasFrame(d.stall, className, method)) {
                return d;
            }
        }
    }

    /** Waits up to 10 s for the end of {@code stall}; ends of others are skipped. */
    Ended awaitEnded(GoNetpollStall stall) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Ended e = ended.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "the stall " + stall + " did not end in 10 s");
            if (e.stall.startNanoTime() == stall.startNanoTime() && e.stall.loopName().equals(stall.loopName())) {
                return e;
            }
        }
    }

    /** Stalls heard of whose stack has {@code method} of {@code className}. */
    long count(String className, String method) {
        return all.stream().filter(s -> hasFrame(s, className, method)).count();
    }

    /** Whether the stack holds a frame of {@code className} (exactly, or a nested class of it) and {@code method}. */
    static boolean hasFrame(GoNetpollStall stall, String className, String method) {
        return Arrays.stream(stall.stackTrace()).anyMatch(f -> (f.getClassName().equals(className)
                || f.getClassName().startsWith(className + '$')) && f.getMethodName().equals(method));
    }
}
