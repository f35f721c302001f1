package io.gonetpoll.channel;

import io.netty.channel.IoHandlerContext;
import io.netty.util.IntSupplier;

/**
 * Spin, then park: after a loop turn that found IO, the next wait that could block first polls epoll with a zero
 * timeout for up to a window, so a request that arrives within it is served without the loop parking in the
 * kernel and being woken again. Go's scheduler does the same in {@code findRunnable}: an M out of work spins
 * (polling the network with {@code netpoll(0)} among other places) before it parks, and it stops spinning as
 * soon as spinning finds nothing. Configured by {@link GoNetpollIoHandlerConfig#setSpinBudgetMicros(long)};
 * one instance per loop, used by the loop thread only.
 *
 * <p>The policy adapts the window W between a floor F ({@code budget / 16}) and the budget B, and learns from the
 * waits it times how far apart the IO is: the gap from the moment a wait began (the spin, or the park when there
 * was no spin) to the IO that ended it. Its states:
 * <dl>
 *   <dt>OFF</dt>
 *   <dd>B is 0 (the default). {@link #spin} returns {@link #PARK} at once: the loop waits exactly as it did
 *   without this class. No state below is ever entered.</dd>
 *   <dt>COLD</dt>
 *   <dd>The loop has found no IO since it last parked: its last park ended in a turn without IO (a task, a
 *   timer, a wakeup or the timeout woke it). The next wait parks at once, untimed: nothing suggests IO is near,
 *   and an idle loop must cost nothing. The loop starts here, with W = B. A turn that finds IO (socket events or
 *   ready-queue runs) moves to WARM, or to BACKED_OFF if W is 0.</dd>
 *   <dt>WARM</dt>
 *   <dd>A turn has found IO since the loop last parked, and W &gt; 0. Turns that only run tasks (their wait
 *   polled because tasks were pending, or a task ended their spin) keep this state: a response written by a
 *   task from another thread is as good a sign of the next request as a read. The next wait that could block
 *   spins up to W (and the credit, below), polling, and leaves the spin when
 *   <ul>
 *     <li>a poll returns events: W doubles (at most B), since spinning pays; the turn dispatches them;</li>
 *     <li>a task becomes runnable ({@link IoHandlerContext#canBlock()} turns false: a task was submitted, a
 *     scheduled task fell due, or the loop is shutting down): W stays; the turn ends and Netty runs it;</li>
 *     <li>W (or the credit) has passed with nothing found (a miss): the loop parks as it would have without
 *     spinning, and the park is timed from the start of the spin (TIMED_WAIT).</li>
 *   </ul></dd>
 *   <dt>BACKED_OFF</dt>
 *   <dd>As WARM, but W is 0: spinning stopped paying, as a spinning Go M stops when it finds nothing. The next
 *   wait parks at once, and its park is timed from its start (TIMED_WAIT).</dd>
 *   <dt>TIMED_WAIT</dt>
 *   <dd>A park after a miss, or in BACKED_OFF. Its turn decides W from the gap G (start of the wait to the end
 *   of the park):
 *   <ul>
 *     <li>the turn found IO and G &lt;= B: a window of G would have caught it, so W = 1.5 G, at least F and at
 *     most B (WARM). A window sized to the gap, not merely halved or doubled, is what lets a steady request
 *     rate just beyond the window be caught from the next request on;</li>
 *     <li>the turn found IO and G &gt; B: no window within the budget would have caught it; W halves, and below
 *     F it becomes 0 (BACKED_OFF);</li>
 *     <li>the turn found no IO: W halves as above, and the loop is COLD.</li>
 *   </ul>
 *   A miss whose turn does not park (a task became runnable between the spin and the park) halves W the same
 *   way.</dd>
 * </dl>
 *
 * <p>Spinning is paid for by IO (Go bounds spinning too, to half as many spinning Ms as busy Ps; here the bound
 * is per loop). A credit C, at most B, starts full; every turn that found IO adds E
 * ({@link #CREDIT_PER_IO_TURN_NANOS}, 50 µs), and spinning spends it. A spin lasts at most min(W, C); below F of
 * credit the loop does not spin (it parks at once, untimed, and W stays). So over any stretch the loop spins at
 * most E per turn that found IO, plus B. Request/response whose next request mostly comes within E keeps C full
 * and can wait out a rare late request with a whole budget; a load whose every gap is longer than E spends C and
 * then spins about E per request before it parks, so a large budget does not become busy-waiting at a moderate
 * rate. E must exceed the time a client takes to send its next request once it has the answer, or a ping-pong
 * would drain C (docs/benchmarks/analysis.md, "Spinning paid for by IO").
 *
 * <p>A spinning loop is awake: it never publishes SLEEPING ({@link Wakeup}), so other threads do not write the
 * eventfd for it; it sees their tasks through {@code canBlock()} at every poll instead. The time spent spinning,
 * the spins, their polls, the events they found and the misses are counted ({@link LoopCounters}); each poll
 * also counts as an epoll wait.
 */
final class SpinPolicy {
    /** {@link #spin}'s answer when the loop must park (block in epoll) now. */
    static final int PARK = -1;
    /** E: the spin credit each turn that found IO earns. */
    static final long CREDIT_PER_IO_TURN_NANOS = 50_000;

    private final long budgetNanos;
    private final long floorNanos;
    private final LoopCounters counters;
    /** W; 0 in BACKED_OFF (and always when OFF). */
    private long windowNanos;
    /** A turn found IO since the loop last parked: WARM or BACKED_OFF, else COLD (or OFF). */
    private boolean warm;
    /** This turn's wait parked (blocked in epoll). */
    private boolean parkedThisTurn;
    /** This turn's spin missed; {@link #waitStartNanos} is when it began. */
    private boolean missedThisTurn;
    /** TIMED_WAIT: the park now under way is timed, from {@link #waitStartNanos}. */
    private boolean timingPark;
    private long waitStartNanos;
    /** G, once the timed park ended; -1 if this turn's park was not timed. */
    private long gapNanos = -1;
    /** E. */
    private final long creditPerIoTurnNanos;
    /** C: how long the loop may still spin; at most B. */
    private long creditNanos;

    SpinPolicy(long budgetNanos, long creditPerIoTurnNanos, LoopCounters counters) {
        if (budgetNanos < 0) {
            throw new IllegalArgumentException("budgetNanos: " + budgetNanos + " (expected: >= 0)");
        }
        this.budgetNanos = budgetNanos;
        this.creditPerIoTurnNanos = creditPerIoTurnNanos;
        this.floorNanos = Math.max(1, budgetNanos / 16);
        this.counters = counters;
        this.windowNanos = budgetNanos;
        this.creditNanos = budgetNanos;
    }

    /**
     * At a wait that may block (the ready queue is empty and Netty allows blocking): spins if WARM. Returns
     * the number of events a poll found (&gt; 0, in the loop's event array), {@code 0} if a task became runnable
     * (the turn must not block), or {@link #PARK}.
     */
    int spin(IoHandlerContext context, IntSupplier pollNow) throws Exception {
        if (!warm || windowNanos == 0) {
            return PARK;
        }
        long limit = Math.min(windowNanos, creditNanos);
        if (limit < floorNanos) {
            return PARK;
        }
        long start = System.nanoTime();
        counters.increment(LoopCounters.SPINS);
        long end = start;
        try {
            while (true) {
                int ready = pollNow.get();
                end = System.nanoTime();
                counters.increment(LoopCounters.SPIN_POLLS);
                if (ready > 0) {
                    counters.add(LoopCounters.SPIN_EVENTS, ready);
                    windowNanos = Math.min(windowNanos * 2, budgetNanos);
                    return ready;
                }
                if (!context.canBlock()) {
                    return 0;
                }
                if (end - start >= limit) {
                    counters.increment(LoopCounters.SPIN_MISSES);
                    missedThisTurn = true;
                    waitStartNanos = start;
                    return PARK;
                }
                Thread.onSpinWait();
            }
        } finally {
            creditNanos = Math.max(0, creditNanos - (end - start));
            counters.add(LoopCounters.SPIN_NANOS, end - start);
        }
    }

    /** Right before the loop blocks in epoll. */
    void parking() {
        if (budgetNanos == 0) {
            return;
        }
        parkedThisTurn = true;
        if (missedThisTurn) {
            timingPark = true;
        } else if (warm && windowNanos == 0) {
            timingPark = true;
            waitStartNanos = System.nanoTime();
        }
    }

    /** Right after the blocking wait returned. */
    void parked() {
        if (budgetNanos == 0) {
            return;
        }
        if (timingPark) {
            gapNanos = System.nanoTime() - waitStartNanos;
            timingPark = false;
        }
    }

    /** At the end of every turn that waited: whether it found IO (socket events or ready-queue runs). */
    void turnEnded(boolean foundIo) {
        if (budgetNanos == 0) {
            return;
        }
        if (gapNanos >= 0) {
            if (foundIo && gapNanos <= budgetNanos) {
                windowNanos = Math.min(budgetNanos, Math.max(floorNanos, gapNanos + gapNanos / 2));
            } else {
                halveWindow();
            }
        } else if (missedThisTurn) {
            halveWindow();
        }
        if (foundIo) {
            creditNanos = Math.min(budgetNanos, creditNanos + creditPerIoTurnNanos);
            warm = true;
        } else if (parkedThisTurn) {
            warm = false;
        }
        parkedThisTurn = false;
        missedThisTurn = false;
        gapNanos = -1;
    }

    private void halveWindow() {
        long half = windowNanos / 2;
        windowNanos = half < floorNanos ? 0 : half;
    }

    @Override
    public String toString() {
        return "SpinPolicy{budgetNanos=" + budgetNanos + ", windowNanos=" + windowNanos + ", creditNanos="
                + creditNanos + ", warm=" + warm + '}';
    }
}
