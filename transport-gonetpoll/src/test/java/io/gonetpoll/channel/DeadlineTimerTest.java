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
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlineTimerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private EventLoop loop;
    private SharedDeadlineWheel wheel;
    private LoopCounters counters;
    /** Sides passed to each expiry, in order. */
    private final List<Integer> expiries = new CopyOnWriteArrayList<>();
    private DeadlineTimer timer;

    @BeforeEach
    void setUp() throws Exception {
        loop = new DefaultEventLoop();
        wheel = new SharedDeadlineWheel(MS);
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
        long start = System.nanoTime();
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 50 * MS);
            return null;
        });
        awaitExpiries(1);
        assertTrue(System.nanoTime() - start >= 50 * MS, "expired early");
        Thread.sleep(100);
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
        Thread.sleep(150);
        assertEquals(List.of(), expiries);
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS));

        long start = System.nanoTime();
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 10_000 * MS);
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            return null;
        });
        awaitExpiries(1);
        assertTrue(System.nanoTime() - start < 5_000 * MS, "the earlier deadline was not armed");
        Thread.sleep(50);
        assertEquals(List.of(Sides.READ), expiries);
    }

    /** A deadline moved later expires at the later time, once; the timer of the earlier one re-arms. */
    @Test
    void aDeadlineMovedLaterExpiresAtTheLaterTime() throws Exception {
        long[] later = new long[1];
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            later[0] = System.nanoTime() + 80 * MS;
            timer.set(Sides.READ, later[0]);
            return null;
        });
        awaitExpiries(1);
        assertTrue(System.nanoTime() - later[0] >= 0, "expired at the earlier deadline");
        Thread.sleep(50);
        assertEquals(List.of(Sides.READ), expiries);
        assertEquals(2, counters.get(LoopCounters.DEADLINE_TIMER_ARMS), "one arm, one re-arm for the remainder");
        assertEquals(0, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS));
    }

    @Test
    void equalReadAndWriteDeadlinesShareOneTimer() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ | Sides.WRITE, System.nanoTime() + 30 * MS);
            return null;
        });
        awaitExpiries(1);
        Thread.sleep(50);
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
        Thread.sleep(50);
        assertEquals(List.of(Sides.WRITE), expiries);
    }

    /**
     * 100,000 moves of a deadline to later (what READ_TIMEOUT_MILLIS does on every read request) make no wheel
     * operation: one timer stays pending, and when it fires it re-arms for the remainder instead of expiring.
     */
    @Test
    void movingLaterIsLazyAndDoesNotGrowTheWheel() throws Exception {
        long[] deadline = new long[1];
        onLoop(() -> {
            for (int i = 0; i < 100_000; i++) {
                deadline[0] = System.nanoTime() + 40 * MS;
                timer.set(Sides.READ, deadline[0]);
            }
            return null;
        });
        assertEquals(1, wheel.pendingTimeouts(), "pending timeouts on the wheel");
        assertEquals(1, counters.get(LoopCounters.DEADLINE_TIMER_ARMS));
        assertEquals(0, counters.get(LoopCounters.DEADLINE_TIMER_CANCELS));
        awaitExpiries(1);
        assertTrue(System.nanoTime() - deadline[0] >= 0, "expired before the extended deadline");
        assertTrue(counters.get(LoopCounters.DEADLINE_TIMER_ARMS) <= 2,
                "one re-arm for the remainder at most: " + counters.get(LoopCounters.DEADLINE_TIMER_ARMS));
    }

    @Test
    void cancelAllSilencesArmedAndPostedExpiries() throws Exception {
        onLoop(() -> {
            timer.set(Sides.READ, System.nanoTime() + 20 * MS);
            timer.set(Sides.WRITE, System.nanoTime() - MS);
            timer.cancelAll();
            return null;
        });
        Thread.sleep(100);
        assertEquals(List.of(), expiries);
        assertEquals(0, wheel.pendingTimeouts());
    }

    /** Deadlines set before registration are armed by attach; a re-attach (another loop) re-arms them. */
    @Test
    void deadlinesSetBeforeAttachAreArmedByIt() throws Exception {
        DeadlineTimer detached = newTimer();
        detached.set(Sides.READ, System.nanoTime() + 20 * MS);
        Thread.sleep(50);
        assertEquals(List.of(), expiries, "no wheel yet: nothing can fire");
        onLoop(() -> {
            detached.attach(wheel, counters);
            detached.attach(wheel, counters);
            return null;
        });
        awaitExpiries(1);
        Thread.sleep(50);
        assertEquals(List.of(Sides.READ), expiries, "the timer of the first attach is stale");
    }

    /** A timer whose expiries run on {@link #loop} and are recorded in {@link #expiries}. */
    private DeadlineTimer newTimer() {
        return new DeadlineTimer() {
            @Override
            void runOnChannelLoop(Runnable task) {
                loop.execute(task);
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

    private void awaitExpiries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (expiries.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(expiries.size() >= count, "expiries: " + expiries);
    }
}
