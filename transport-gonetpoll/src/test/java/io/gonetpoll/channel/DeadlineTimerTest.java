package io.gonetpoll.channel;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link DeadlineTimer} against a real {@link io.netty.util.HashedWheelTimer} (1 ms tick) and a
 * real event loop standing in for the channel's: stale timers never expire anything, a past deadline expires
 * at once but never inside the setter, one timer serves equal read and write deadlines, lazy extension does
 * not touch the wheel, and cancelAll silences everything.
 *
 * <p>No assertion depends on how fast the threads run. A deadline never expires before it is due, so "not
 * early" is compared with the deadline itself; "nothing more happened" is checked once the wheel has passed
 * the time at which it would have happened and the loop has run what the wheel posted by then
 * ({@link LoopTurns#awaitWheelPast}); and where the outcome depends on timing (whether a timer moved later
 * fires before or after the later deadline), the test records when the loop handled the firing and expects
 * what the rules say for that moment.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlineTimerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * The wheel's idle check, out of the way: while it runs it is briefly missing from the wheel's pending count,
     * which {@link SharedDeadlineWheel#pendingTimeouts()} otherwise corrects for, and these tests read that
     * count. A test's wheel is stopped by its tear-down.
     */
    private static final long NO_IDLE_CHECK = TimeUnit.HOURS.toNanos(1);

    private EventLoop loop;
    private SharedDeadlineWheel wheel;
    private LoopCounters counters;
    /** Sides passed to each expiry, in order. */
    private final List<Integer> expiries = new CopyOnWriteArrayList<>();
    /** For each timer firing, when the loop started and finished handling it ({@link System#nanoTime()}). */
    private final List<long[]> firingsHandled = new CopyOnWriteArrayList<>();
    private DeadlineTimer timer;

    @BeforeEach
    void setUp() throws Exception {
        loop = new DefaultEventLoop();
        wheel = new SharedDeadlineWheel(MS, NO_IDLE_CHECK);
        wheel.acquire();
        counters = new LoopCounters();
        timer = newTimer();
        onLoop(() -> {
            timer.attach(wheel, counters);
            return null;
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        wheel.release();
    }

    @Test
    void aDeadlineExpiresOnceAtItsTime() throws Exception {
        long deadline = onLoop(() -> {
            long at = System.nanoTime() + 50 * MS;
            timer.set(Sides.READ, at);
            return at;
        });
        awaitExpiries(1);
        assertTrue(System.nanoTime() - deadline >= 0, "expired early");
        awaitWheelPast(100 * MS);
        assertEquals(List.of(Sides.READ), expiries);
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_ARMS));
        assertEquals(1, counters.get(LoopCounters.DEADLINE_EXPIRIES));
    }

    @Test
    void aPastDeadlineExpiresAtOnceButNotInsideTheSetter() throws Exception {
        int seenInsideSetter = onLoop(() -> {
            timer.set(Sides.WRITE, System.nanoTime() - MS);
            return expiries.size();
        });
        assertEquals(0, seenInsideSetter, "expiry ran inside the setter");
        awaitExpiries(1);
        assertEquals(List.of(Sides.WRITE), expiries);
        assertEquals(0, counters.get(LoopCounters.DEADLINE_TIMER_ARMS), "a past deadline needs no timer");
    }

    /** Go's rseq: a deadline replaced (here by none, or by an earlier one) must not expire at the old time. */
    @Test
    void replacedDeadlinesNeverExpire() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            timer.set(Sides.READ, 0);
            // A past deadline posts its expiry to the loop; replacing it in the same task makes that post stale.
            timer.set(Sides.WRITE, System.nanoTime() - MS);
            timer.set(Sides.WRITE, 0);
            return null;
        });
        // Past the replaced read deadline; the stale expiry of the past write deadline was posted before the probe.
        awaitWheelPast(40 * MS);
        assertEquals(List.of(), expiries);
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS));

        long farDeadline = onLoop(() -> {
            long far = System.nanoTime() + 60_000 * MS;
            timer.set(Sides.READ, far);
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            return far;
        });
        awaitExpiries(1);
        // The far deadline's timer cannot fire before it is due: an expiry before then is the earlier deadline's.
        assertTrue(System.nanoTime() - farDeadline < 0, "the earlier deadline was not armed");
        awaitWheelPast(50 * MS);
        assertEquals(List.of(Sides.READ), expiries);
    }

    /**
     * A deadline moved later expires at the later time, once, without a cancel: the timer of the earlier one
     * fires, finds the deadline moved and re-arms for the remainder. If the loop gets to that firing only after the
     * later deadline (a stalled machine), the rules say it expires at once instead, with no re-arm: the number of
     * arms is checked against when the loop really handled the firing.
     */
    @Test
    void aDeadlineMovedLaterExpiresAtTheLaterTime() throws Exception {
        long later = onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            long at = System.nanoTime() + 80 * MS;
            timer.set(Sides.READ, at);
            return at;
        });
        awaitExpiries(1);
        assertTrue(System.nanoTime() - later >= 0, "expired at the earlier deadline");
        awaitWheelPast(50 * MS);
        assertEquals(List.of(Sides.READ), expiries);
        assertEquals(0, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS), "moving later cancels nothing");

        long[] first = firingsHandled.get(0);
        long arms = counters.get(LoopCounters.DEADLINE_TIMER_ARMS);
        if (first[1] - later < 0) {
            assertEquals(2, arms, "the earlier timer fired before the later deadline: one arm, one re-arm for "
                    + "the remainder");
        } else if (first[0] - later >= 0) {
            assertEquals(1, arms, "the loop handled the earlier timer after the later deadline: it expires, "
                    + "no re-arm");
        } else {
            assertTrue(arms == 1 || arms == 2, "the firing was handled across the later deadline: " + arms);
        }
    }

    @Test
    void equalReadAndWriteDeadlinesShareOneTimer() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ | Sides.WRITE, System.nanoTime() + 30 * MS);
            return null;
        });
        awaitExpiries(1);
        awaitWheelPast(50 * MS);
        assertEquals(List.of(Sides.READ | Sides.WRITE), expiries, "one expiry for both sides");
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_ARMS));
    }

    /** Changing one side of a shared timer gives the other side a timer of its own, still for its deadline. */
    @Test
    void changingOneSideOfASharedTimerKeepsTheOther() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ | Sides.WRITE, System.nanoTime() + 30 * MS);
            timer.set(Sides.READ, 0);
            return null;
        });
        awaitExpiries(1);
        awaitWheelPast(50 * MS);
        assertEquals(List.of(Sides.WRITE), expiries);
    }

    /**
     * 100,000 moves of a deadline to later (what READ_TIMEOUT_MILLIS does on every read request) make no wheel
     * operation: one arm, no cancel, one timeout pending. The deadlines lie an hour ahead, so the timer cannot
     * fire while the moves run, however slowly, and the counts are exact; what the kept timer does when it fires
     * (re-arm for the remainder) is {@link #aDeadlineMovedLaterExpiresAtTheLaterTime}'s subject.
     */
    @Test
    void movingLaterIsLazyAndDoesNotGrowTheWheel() throws Exception {
        long first = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        onLoop(() -> {
            for (int i = 0; i < 100_000; i++) {
                timer.set(Sides.READ, first + i * MS);
            }
            return null;
        });
        assertEquals(1, wheel.pendingTimeouts(), "pending timeouts on the wheel");
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_ARMS));
        assertEquals(0, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS));
        assertEquals(first + 99_999 * MS, (long) onLoop(() -> timer.deadline(Sides.READ)), "the last move counts");
    }

    @Test
    void cancelAllSilencesArmedAndPostedExpiries() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            timer.set(Sides.WRITE, System.nanoTime() - MS);
            timer.cancelAll();
            return null;
        });
        // Past the cancelled deadline. A cancelled timeout still counts in the wheel's pending timeouts until the
        // wheel's next tick drops it; the probe fires ticks later.
        awaitWheelPast(40 * MS);
        assertEquals(List.of(), expiries);
        assertEquals(0, wheel.pendingTimeouts());
    }

    /** Deadlines set before registration are armed by attach; a re-attach (another loop) re-arms them. */
    @Test
    void deadlinesSetBeforeAttachAreArmedByIt() throws Exception {
        DeadlineTimer detached = newTimer();
        detached.set(Sides.READ, System.nanoTime() + 20 * MS);
        awaitWheelPast(50 * MS);
        assertEquals(List.of(), expiries, "no wheel yet: nothing can fire");
        onLoop(() -> {
            detached.attach(wheel, counters);
            detached.attach(wheel, counters);
            return null;
        });
        awaitExpiries(1);
        awaitWheelPast(50 * MS);
        assertEquals(List.of(Sides.READ), expiries, "the timer of the first attach is stale");
    }

    /**
     * A timer whose expiries run on {@link #loop} and are recorded in {@link #expiries}; a task from the wheel's
     * thread is a firing, and when the loop handled it is recorded in {@link #firingsHandled}.
     */
    private DeadlineTimer newTimer() {
        return new DeadlineTimer() {
            @Override
            void runOnChannelLoop(Runnable task) {
                if (loop.inEventLoop()) {
                    loop.execute(task);
                    return;
                }
                loop.execute(() -> {
                    long started = System.nanoTime();
                    task.run();
                    firingsHandled.add(new long[] {started, System.nanoTime()});
                });
            }

            @Override
            void expired(int sides) {
                assertTrue(loop.inEventLoop(), "expiry off the loop");
                expiries.add(sides);
            }
        };
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    /** See {@link LoopTurns#awaitWheelPast}: what a deadline due by then would do on {@link #loop} is done. */
    private void awaitWheelPast(long delayNanos) throws Exception {
        LoopTurns.awaitWheelPast(wheel, loop, delayNanos);
    }

    private void awaitExpiries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (expiries.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(expiries.size() >= count, "expiries: " + expiries);
    }
}
