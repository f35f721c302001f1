package io.gonetpoll.channel;

import io.netty.channel.EventLoop;
import io.netty.util.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The positive controls of "nothing happened" checks: instead of sleeping for a quiet window and hoping the loop
 * ran meanwhile, a test waits until it provably has, then asserts that what must not happen did not. On a
 * loaded machine the wait simply takes longer; it never ends before the loop (or the deadline wheel) has done
 * the work in which the unwanted thing would have happened.
 */
final class LoopTurns {
    private static final long WAIT_SECONDS = 10;

    private LoopTurns() {
    }

    /**
     * Returns once {@code loop} has run every task queued before this call, a whole IO turn (wait, dispatch of
     * its events, ready queue: {@link GoNetpollIoHandler#run}) that began after this call, and every task that
     * turn queued. {@code epollWaits} counts the loop's waits (its factory's
     * {@link GoNetpollLoopCounters#epollWaits()} in a one-loop group): a wait is counted as a turn begins, so two
     * more than now means a turn that began after this call has ended. That holds for a loop that does not spin
     * (the default): a spinning loop makes many waits in one turn. Each task submitted here also wakes a loop
     * that sleeps in its wait.
     */
    static void await(EventLoop loop, LongSupplier epollWaits) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long target = epollWaits.getAsLong() + 2;
        do {
            runTask(loop);
            if (System.nanoTime() - deadline > 0) {
                fail("the loop made no turn in " + WAIT_SECONDS + " s (waits: " + epollWaits.getAsLong() + ")");
            }
        } while (epollWaits.getAsLong() < target);
        runTask(loop);
    }

    /**
     * Returns once {@code wheel} has fired a probe due {@code delayNanos} from now and {@code loop} has run the
     * task the probe posted to it. A timer due no later than the probe and armed before this call fires no later
     * than the probe (the wheel expires its slots in order, and a slot's timeouts in the order they were added),
     * and what such a timer posts to {@code loop} runs before the probe's task: so whatever a deadline due by
     * then would have done to a channel of {@code loop}, it has done. The wheel also drops the timeouts cancelled
     * before this call at its first tick after it, so they no longer count in its pending timeouts.
     */
    static void awaitWheelPast(SharedDeadlineWheel wheel, EventLoop loop, long delayNanos) throws Exception {
        CompletableFuture<Void> probeRan = new CompletableFuture<>();
        Timeout probe = wheel.newTimeout(timeout -> loop.execute(() -> probeRan.complete(null)), delayNanos);
        try {
            probeRan.get(TimeUnit.NANOSECONDS.toSeconds(delayNanos) + WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            probe.cancel();
        }
    }

    private static void runTask(EventLoop loop) throws Exception {
        loop.submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
