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
 * <p>The policy adapts the window W between a floor F ({@code budget / 16}) and the budget B. Its states:
 * <dl>
 *   <dt>OFF</dt>
 *   <dd>B is 0 (the default). {@link #spin} returns {@link #PARK} at once: the loop waits exactly as it did
 *   without this class. No state below is ever entered.</dd>
 *   <dt>COLD</dt>
 *   <dd>The loop has found no IO since it last parked: its last park ended in a turn without IO (a task, a
 *   timer, a wakeup or the timeout woke it). The next wait parks at once: nothing suggests IO is near, and an
 *   idle loop must cost nothing. The loop starts here, with W = B. A turn that finds IO (socket events or
 *   ready-queue runs) moves to WARM, or to BACKED_OFF if W is 0.</dd>
 *   <dt>WARM</dt>
 *   <dd>A turn has found IO since the loop last parked, and W &gt; 0. Turns that only run tasks (their wait
 *   polled because tasks were pending, or a task ended their spin) keep this state: a response written by a
 *   task from another thread is as good a sign of the next request as a read. The next wait that could block
 *   spins up to W, polling, and leaves the spin when
 *   <ul>
 *     <li>a poll returns events: W doubles (at most B), since spinning pays; the turn dispatches them;</li>
 *     <li>a task becomes runnable ({@link IoHandlerContext#canBlock()} turns false: a task was submitted, a
 *     scheduled task fell due, or the loop is shutting down): W stays; the turn ends and Netty runs it;</li>
 *     <li>W has passed with nothing found (a miss): W halves, and below F it becomes 0 (BACKED_OFF); the
 *     loop parks as it would have without spinning.</li>
 *   </ul></dd>
 *   <dt>BACKED_OFF</dt>
 *   <dd>As WARM, but W is 0: spinning stopped paying, as a spinning Go M stops when it finds
 *   nothing. The next wait parks at once, and its park is timed ({@link #parking()} / {@link #parked()}): if
 *   the park ends in a turn that finds IO no later than B after it began, a spin would have caught that IO,
 *   so W becomes F (WARM: the next wait spins again). A longer park leaves W at 0.</dd>
 * </dl>
 *
 * <p>A spinning loop is awake: it never publishes SLEEPING ({@link Wakeup}), so other threads do not write the
 * eventfd for it; it sees their tasks through {@code canBlock()} at every poll instead. The time spent spinning,
 * the spins, their polls, the events they found and the misses are counted ({@link LoopCounters}); each poll
 * also counts as an epoll wait.
 */
final class SpinPolicy {
    /** {@link #spin}'s answer when the loop must park (block in epoll) now. */
    static final int PARK = -1;

    private final long budgetNanos;
    private final long floorNanos;
    private final LoopCounters counters;
    /** W; 0 in BACKED_OFF (and always when OFF). */
    private long windowNanos;
    /** A turn found IO since the loop last parked: WARM or BACKED_OFF, else COLD (or OFF). */
    private boolean warm;
    /** This turn's wait parked (blocked in epoll). */
    private boolean parkedThisTurn;
    /** BACKED_OFF: the park now under way is timed, from {@link #parkStartNanos}. */
    private boolean timingPark;
    private long parkStartNanos;
    /** The timed park's length, once it ended; -1 if this turn's park was not timed. */
    private long parkedNanos = -1;

    SpinPolicy(long budgetNanos, LoopCounters counters) {
        if (budgetNanos < 0) {
            throw new IllegalArgumentException("budgetNanos: " + budgetNanos + " (expected: >= 0)");
        }
        this.budgetNanos = budgetNanos;
        this.floorNanos = Math.max(1, budgetNanos / 16);
        this.counters = counters;
        this.windowNanos = budgetNanos;
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
        counters.increment(LoopCounters.SPINS);
        long start = System.nanoTime();
        try {
            while (true) {
                int ready = pollNow.get();
                counters.increment(LoopCounters.SPIN_POLLS);
                if (ready > 0) {
                    counters.add(LoopCounters.SPIN_EVENTS, ready);
                    windowNanos = Math.min(windowNanos * 2, budgetNanos);
                    return ready;
                }
                if (!context.canBlock()) {
                    return 0;
                }
                if (System.nanoTime() - start >= windowNanos) {
                    counters.increment(LoopCounters.SPIN_MISSES);
                    long half = windowNanos / 2;
                    windowNanos = half < floorNanos ? 0 : half;
                    return PARK;
                }
                Thread.onSpinWait();
            }
        } finally {
            counters.add(LoopCounters.SPIN_NANOS, System.nanoTime() - start);
        }
    }

    /** Right before the loop blocks in epoll. */
    void parking() {
        if (budgetNanos == 0) {
            return;
        }
        parkedThisTurn = true;
        timingPark = warm && windowNanos == 0;
        if (timingPark) {
            parkStartNanos = System.nanoTime();
        }
    }

    /** Right after the blocking wait returned. */
    void parked() {
        if (timingPark) {
            parkedNanos = System.nanoTime() - parkStartNanos;
            timingPark = false;
        }
    }

    /** At the end of every turn that waited: whether it found IO (socket events or ready-queue runs). */
    void turnEnded(boolean foundIo) {
        if (budgetNanos == 0) {
            return;
        }
        if (foundIo) {
            if (windowNanos == 0 && parkedNanos >= 0 && parkedNanos <= budgetNanos) {
                windowNanos = floorNanos;
            }
            warm = true;
        } else if (parkedThisTurn) {
            warm = false;
        }
        parkedThisTurn = false;
        parkedNanos = -1;
    }

    @Override
    public String toString() {
        return "SpinPolicy{budgetNanos=" + budgetNanos + ", windowNanos=" + windowNanos + ", warm=" + warm + '}';
    }
}
