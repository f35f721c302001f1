package io.gonetpoll.channel;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SpinPolicy}'s adaptation on a real loop driven by hand ({@link ManualIoEventLoop}, as in
 * {@link GoNetpollIoHandlerTest}), with a real eventfd in its epoll set as the IO: the test writes the eventfd to
 * make IO arrive, and runs the loop with a bounded wait to let it find none. Every turn runs on the test thread,
 * so each step's effect on the counters is known exactly. The budget is 10 ms, far above the few microseconds a
 * park for an eventfd already written takes, so the one step that depends on a park being short cannot miss.
 * Spinning is paid for by IO; but for {@link #spinningIsPaidForByIo}, each turn that finds IO earns a whole budget
 * of credit here, so that the credit never cuts a window short.
 */
class SpinPolicyTest {
    private static final long BUDGET_MICROS = 10_000;
    /** How long a turn with no IO may wait: longer than the budget, so that such a park is never "short". */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Misses that take the window from the budget to zero: B, B/2, B/4, B/8, B/16 = the floor, then below it. */
    private static final int MISSES_TO_BACK_OFF = 5;

    private GoNetpollIoHandlerFactory factory;
    private ManualIoEventLoop loop;
    private FileDescriptor eventFd;

    @BeforeEach
    void setUp() throws Exception {
        open(BUDGET_MICROS);
    }

    private void open(long budgetMicros) throws Exception {
        open(budgetMicros, budgetMicros);
    }

    private void open(long budgetMicros, long creditPerIoTurnMicros) throws Exception {
        if (loop != null) {
            tearDown();
        }
        factory = GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setSpinBudgetMicros(budgetMicros)
                .setSpinCreditPerIoTurnNanos(TimeUnit.MICROSECONDS.toNanos(creditPerIoTurnMicros)));
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        eventFd = Native.newEventFd();
        IoRegistration registration = loop.register(new EventFdHandle(eventFd)).sync().getNow();
        // The ADD's writable edge is found with the first io(), by the loop's first turn (it starts COLD).
        registration.submit(GoNetpollIoOps.EPOLL_ADD);
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        while (!loop.isTerminated()) {
            loop.runNow();
        }
        eventFd.close();
    }

    @Test
    void missesBackTheWindowOffToNothingAndAShortParkBringsSpinningBack() throws Exception {
        // IO (found by a park: the loop is COLD), then nothing (a spin that misses, then a park), each time.
        for (int miss = 1; miss <= MISSES_TO_BACK_OFF; miss++) {
            io();
            GoNetpollLoopCounters before = factory.counters();
            idle();
            GoNetpollLoopCounters after = factory.counters();
            assertEquals(miss, after.spins(), "a spin after each IO turn: " + after);
            assertEquals(miss, after.spinMisses(), after.toString());
            assertEquals(before.blockingEpollWaits() + 1, after.blockingEpollWaits(), "a miss parks: " + after);
        }

        // BACKED_OFF: IO, then a wait that parks at once (no spin), timed, and long: the window stays at zero.
        io();
        idle();
        GoNetpollLoopCounters backedOff = factory.counters();
        assertEquals(MISSES_TO_BACK_OFF, backedOff.spins(), "no spin once the window is zero: " + backedOff);

        // IO, then IO again at once: the (timed) park that finds it is far shorter than the budget, so a spin
        // would have caught it, and the loop spins again: the next IO is found by a spin, without parking.
        io();
        io();
        GoNetpollLoopCounters rearmed = factory.counters();
        assertEquals(MISSES_TO_BACK_OFF, rearmed.spins(), rearmed.toString());
        io();
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(MISSES_TO_BACK_OFF + 1, after.spins(), "spinning again: " + after);
        assertEquals(rearmed.blockingEpollWaits(), after.blockingEpollWaits(), "found by the spin: " + after);
        assertEquals(rearmed.spinEvents() + 1, after.spinEvents(), after.toString());
        assertEquals(MISSES_TO_BACK_OFF, after.spinMisses(), after.toString());
    }

    @Test
    void aTurnThatOnlyRunsTasksKeepsTheLoopSpinning() throws Exception {
        io();
        io(); // the second is found by a spin
        GoNetpollLoopCounters warm = factory.counters();
        assertEquals(1, warm.spins(), warm.toString());
        loop.execute(() -> { });
        loop.run(IDLE_WAIT_NANOS); // polls (a task is pending), finds no IO, runs the task
        io();
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(2, after.spins(), "still spinning after a tasks-only turn: " + after);
        assertEquals(warm.blockingEpollWaits(), after.blockingEpollWaits(), after.toString());
        assertEquals(0, after.spinMisses(), after.toString());
    }

    @Test
    void aParkThatEndsWithoutIoMakesTheLoopPark() throws Exception {
        io();
        idle(); // spins, misses, parks until the wait ends: no IO
        GoNetpollLoopCounters cold = factory.counters();
        assertEquals(1, cold.spinMisses(), cold.toString());
        io(); // parks at once and finds the IO
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(cold.spins(), after.spins(), "no spin after a park without IO: " + after);
        assertEquals(cold.blockingEpollWaits() + 1, after.blockingEpollWaits(), after.toString());
        assertTrue(after.spinNanos() >= TimeUnit.MICROSECONDS.toNanos(BUDGET_MICROS),
                "the missed spin ran its whole first window: " + after);
    }

    @Test
    void aMissThatTheBudgetCoversWidensTheWindowToTheGap() throws Exception {
        // A budget of 400 ms and gaps of 100-200 ms: scheduling noise of a loaded CI host (milliseconds) cannot
        // move a wait across a boundary. The floor is 25 ms.
        open(400_000);
        // Two misses whose parks end without IO: W = 400 ms -> 200 ms -> 100 ms.
        for (int i = 0; i < 2; i++) {
            io();
            loop.run(TimeUnit.MILLISECONDS.toNanos(450));
        }
        io();
        GoNetpollLoopCounters before = factory.counters();
        // IO 150 ms after the turn begins: the 100 ms spin misses, the park finds it. The gap is within the
        // budget, so W = 1.5 x 150 ms = 225 ms. (Halving would have made it 50 ms.)
        ioAfter(TimeUnit.MILLISECONDS.toNanos(150));
        GoNetpollLoopCounters missed = factory.counters();
        assertEquals(before.spinMisses() + 1, missed.spinMisses(), "the 100 ms window missed: " + missed);
        assertEquals(before.blockingEpollWaits() + 1, missed.blockingEpollWaits(), missed.toString());
        // IO 120 ms after the turn begins: within the learnt window, found by the spin.
        ioAfter(TimeUnit.MILLISECONDS.toNanos(120));
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(missed.spinMisses(), after.spinMisses(), "no miss: " + after);
        assertEquals(missed.blockingEpollWaits(), after.blockingEpollWaits(), "found by the spin: " + after);
        assertEquals(missed.spinEvents() + 1, after.spinEvents(), after.toString());
    }

    @Test
    void spinningIsPaidForByIo() throws Exception {
        // A budget of 800 ms (floor 50 ms) and 100 ms of credit per turn that finds IO: time on a loaded CI host
        // (milliseconds) cannot move a spin across a boundary.
        open(800_000, 100_000);
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(900);
        io();
        GoNetpollLoopCounters start = factory.counters();
        loop.run(waitNanos); // the credit starts full: the whole 800 ms window, a miss
        GoNetpollLoopCounters spent = factory.counters();
        assertEquals(start.spinMisses() + 1, spent.spinMisses(), spent.toString());
        assertTrue(spent.spinNanos() - start.spinNanos() >= TimeUnit.MILLISECONDS.toNanos(800), spent.toString());

        // One turn with IO since: W is 400 ms, but the credit is that turn's 100 ms.
        io();
        loop.run(waitNanos);
        GoNetpollLoopCounters oneTurn = factory.counters();
        long oneTurnSpin = oneTurn.spinNanos() - spent.spinNanos();
        assertEquals(spent.spins() + 1, oneTurn.spins(), oneTurn.toString());
        assertTrue(oneTurnSpin >= TimeUnit.MILLISECONDS.toNanos(100) && oneTurnSpin < TimeUnit.MILLISECONDS.toNanos(200),
                "a spin stops at its credit, far short of its window: " + oneTurn);

        // Four turns with IO (the last three found by short spins) earn about 400 ms; W is back at the budget.
        for (int i = 0; i < 4; i++) {
            io();
        }
        GoNetpollLoopCounters earned = factory.counters();
        loop.run(waitNanos);
        GoNetpollLoopCounters paid = factory.counters();
        long paidSpin = paid.spinNanos() - earned.spinNanos();
        assertEquals(earned.spinMisses() + 1, paid.spinMisses(), paid.toString());
        assertTrue(paidSpin >= TimeUnit.MILLISECONDS.toNanos(300) && paidSpin < TimeUnit.MILLISECONDS.toNanos(600),
                "four turns of IO pay for about 400 ms: " + paid);
    }

    /** IO arrives {@code delayNanos} after the turn begins, written by another thread; the turn finds it. */
    private void ioAfter(long delayNanos) throws Exception {
        long events = factory.counters().events();
        int fd = eventFd.intValue();
        Thread writer = new Thread(() -> {
            long due = System.nanoTime() + delayNanos;
            for (long left = delayNanos; left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            try {
                Native.eventFdWrite(fd, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "spin-policy-test-writer");
        writer.start();
        loop.run(TimeUnit.SECONDS.toNanos(10));
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(events + 1, factory.counters().events(), "the turn found the edge");
    }

    /** IO arrives (an eventfd write: a new edge), then one turn that may wait as long as it needs finds it. */
    private void io() throws IOException {
        long events = factory.counters().events();
        Native.eventFdWrite(eventFd.intValue(), 1);
        loop.run(TimeUnit.SECONDS.toNanos(10));
        assertEquals(events + 1, factory.counters().events(), "the turn found the edge");
    }

    /** One turn with nothing to find, whose wait ends after {@link #IDLE_WAIT_NANOS}. */
    private void idle() {
        long events = factory.counters().events();
        loop.run(IDLE_WAIT_NANOS);
        assertEquals(events, factory.counters().events(), "no IO");
    }

    /** An eventfd in the loop's epoll set; its edges are the IO, nothing else is done with them. */
    private static final class EventFdHandle implements GoNetpollIoHandle {
        private final FileDescriptor fd;

        EventFdHandle(FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
        }

        @Override
        public void runQueued(int sides) {
        }

        @Override
        public void close() {
        }
    }
}
