package io.gonetpoll.channel;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.util.concurrent.RejectedExecutionException;

/**
 * The read and write deadlines of one channel (Go: {@code rd}, {@code wd}, {@code rseq}, {@code wseq} and the
 * {@code rt}/{@code wt} timers of a {@code pollDesc}; {@code poll_runtime_pollSetDeadline} and
 * {@code netpolldeadlineimpl}). NOT thread safe: every method runs on the channel's event loop; its owner,
 * {@link Deadlines}, marshals calls from other threads there. Timers live on the loop group's shared
 * {@link io.netty.util.HashedWheelTimer} ({@link SharedDeadlineWheel}); a fired timer only posts
 * {@link #timerFired} to the channel's loop of that moment, which decides. The timer task is this object, so
 * a deadline costs the wheel's timeout and nothing else.
 *
 * <p>Rules, as Go's:
 * <ul>
 *   <li>A deadline is an absolute {@link System#nanoTime()}; {@code 0} means none. Times are compared by
 *   difference, so the clock may be negative or wrap.</li>
 *   <li>Setting a deadline makes the side's armed timer stale: it is cancelled, and if it fires anyway (the
 *   cancel raced with the wheel) it is ignored, because only the side's current {@link Timeout} counts. Go
 *   needs {@code rseq}/{@code wseq} for this because it reuses its timers; a wheel timeout is never reused, so
 *   its identity serves. A deadline already past has no timer: its expiry is posted with the side's sequence
 *   number, which every setting bumps. Either way a stale expiry never expires anything. Except when the new deadline is not earlier
 *   than the armed timer: then the timer stays, and when it fires it finds the deadline moved and re-arms
 *   for the remainder (Go calls {@code modtimer} instead). A connection that moves its deadline on every read
 *   (READ_TIMEOUT_MILLIS, or Go's {@code SetReadDeadline(now+d)} before each {@code Read}) once a millisecond
 *   with a one-second timeout costs about one wheel operation per second, not one per read, and the wheel
 *   holds one timeout for it, not one per move.</li>
 *   <li>A deadline that has already passed expires at once (on the loop, never inside the setter, so a
 *   setter called from a handler does not re-enter the pipeline).</li>
 *   <li>When both sides get the same deadline ({@link #set} with both) one timer serves both (Go:
 *   {@code netpollDeadline}).</li>
 * </ul>
 *
 * <p>Caveats: precision is the wheel's tick (see {@link GoNetpollIoHandlerConfig}); expiry is delivered by a
 * task on the loop, so a loop busy with other work delivers it late, as Go's timers are late on a busy P.
 */
abstract class DeadlineTimer implements TimerTask {
    /** The group's wheel and the counters of the loop the channel is registered with; null before that. */
    private SharedDeadlineWheel wheel;
    private LoopCounters counters;

    /** Absolute deadlines on the nanoTime clock; 0 = none (Go: rd, wd). */
    private long readDeadline;
    private long writeDeadline;
    /** Bumped on every change: an expiry posted for a past deadline under an older number is stale (Go: rseq, wseq). */
    private int readSeq;
    private int writeSeq;
    /** Armed timers; the same object when one timer serves both sides. */
    private Timeout readTimer;
    private Timeout writeTimer;
    /** When the armed timers fire: a deadline moved past that needs no new timer (see the class comment). */
    private long readTimerAt;
    private long writeTimerAt;

    /**
     * Runs {@code task} on the channel's event loop of the moment: a channel may move between loops, and a
     * timer armed on one must not run its expiry on another thread.
     */
    abstract void runOnChannelLoop(Runnable task);

    /** What a deadline expiry does to the channel; called on its loop with the sides that expired. */
    abstract void expired(int sides);

    /** The channel joined a loop: deadlines set before now are armed (again). */
    void attach(SharedDeadlineWheel wheel, LoopCounters counters) {
        if (this.wheel != null) {
            // Timers of the previous registration count there; from now on they are stale.
            readSeq++;
            writeSeq++;
            cancel(Sides.BOTH);
        }
        this.wheel = wheel;
        this.counters = counters;
        if (readDeadline != 0 && readDeadline == writeDeadline) {
            arm(Sides.BOTH, readDeadline);
        } else {
            if (readDeadline != 0) {
                arm(Sides.READ, readDeadline);
            }
            if (writeDeadline != 0) {
                arm(Sides.WRITE, writeDeadline);
            }
        }
    }

    long deadline(int side) {
        return side == Sides.READ ? readDeadline : writeDeadline;
    }

    /** Sets the deadline of {@code sides} (READ, WRITE or both: then one timer serves both); 0 clears. */
    void set(int sides, long deadline) {
        if (sides == Sides.READ && movesLaterThanTimer(readTimer, readTimerAt, deadline)) {
            readDeadline = deadline;
            counters.increment(LoopCounters.DEADLINE_MOVES);
            return;
        }
        if (sides == Sides.WRITE && movesLaterThanTimer(writeTimer, writeTimerAt, deadline)) {
            writeDeadline = deadline;
            counters.increment(LoopCounters.DEADLINE_MOVES);
            return;
        }
        if ((sides & Sides.READ) != 0) {
            readSeq++;
            readDeadline = deadline;
        }
        if ((sides & Sides.WRITE) != 0) {
            writeSeq++;
            writeDeadline = deadline;
        }
        // A shared timer serves both sides: if only one side changes, the other needs a timer of its own.
        boolean wasShared = readTimer != null && readTimer == writeTimer;
        cancel(sides);
        if (wasShared && sides != Sides.BOTH) {
            int other = Sides.other(sides);
            cancel(other);
            if (deadline(other) != 0) {
                arm(other, deadline(other));
            }
        }
        if (deadline != 0 && wheel != null) {
            arm(sides, deadline);
        }
    }

    /** The side has a timer of its own that fires no later than {@code deadline}: it can serve it. */
    private boolean movesLaterThanTimer(Timeout timer, long timerAt, long deadline) {
        return timer != null && readTimer != writeTimer && deadline != 0 && deadline - timerAt >= 0;
    }

    /**
     * The channel left its loop: its timers are cancelled (and, should one fire anyway, stale) and the deadlines
     * kept; the next {@link #attach} arms them on the new loop's wheel.
     */
    void detach() {
        if (wheel == null) {
            return;
        }
        readSeq++;
        writeSeq++;
        cancel(Sides.BOTH);
        wheel = null;
        counters = null;
    }

    /** The channel closed: no timer of it may fire any more. */
    void cancelAll() {
        readSeq++;
        writeSeq++;
        cancel(Sides.BOTH);
        readDeadline = 0;
        writeDeadline = 0;
    }

    private void cancel(int sides) {
        if ((sides & Sides.READ) != 0 && readTimer != null) {
            cancelTimer(readTimer);
            if (writeTimer == readTimer) {
                writeTimer = null;
            }
            readTimer = null;
        }
        if ((sides & Sides.WRITE) != 0 && writeTimer != null) {
            cancelTimer(writeTimer);
            writeTimer = null;
        }
    }

    private void cancelTimer(Timeout timer) {
        if (timer.cancel()) {
            counters.increment(LoopCounters.DEADLINE_TIMER_CANCELS);
        }
    }

    /** Arms one timer for {@code sides} at {@code deadline}; a deadline already past fires at once. */
    private void arm(int sides, long deadline) {
        long delay = deadline - System.nanoTime();
        if (delay <= 0) {
            int rseq = readSeq;
            int wseq = writeSeq;
            // Never inline: the setter may be running inside a handler.
            runOnChannelLoop(() -> passed(sides, rseq, wseq));
            return;
        }
        counters.increment(LoopCounters.DEADLINE_TIMER_ARMS);
        Timeout timer = wheel.newTimeout(this, delay);
        if ((sides & Sides.READ) != 0) {
            readTimer = timer;
            readTimerAt = deadline;
        }
        if ((sides & Sides.WRITE) != 0) {
            writeTimer = timer;
            writeTimerAt = deadline;
        }
    }

    /** On the wheel's thread: hand over to the channel's loop. */
    @Override
    public final void run(Timeout timeout) {
        try {
            runOnChannelLoop(() -> timerFired(timeout));
        } catch (RejectedExecutionException loopShutDown) {
            // The loop is gone, so is the channel (a loop closes its channels when it shuts down).
        }
    }

    /** A timer fired (Go: {@code netpolldeadlineimpl}); it counts for the sides whose current timer it is. */
    private void timerFired(Timeout timer) {
        int sides = 0;
        if (timer == readTimer) {
            readTimer = null;
            sides |= Sides.READ;
        }
        if (timer == writeTimer) {
            writeTimer = null;
            sides |= Sides.WRITE;
        }
        expireOrRearm(sides);
    }

    /** The expiry posted for a deadline set in the past; sides set again since then are stale. */
    private void passed(int sides, int rseq, int wseq) {
        if (rseq != readSeq) {
            sides &= ~Sides.READ;
        }
        if (wseq != writeSeq) {
            sides &= ~Sides.WRITE;
        }
        expireOrRearm(sides);
    }

    /** A deadline moved later lazily is re-armed for the remainder; the rest expire. */
    private void expireOrRearm(int sides) {
        int expired = 0;
        long now = System.nanoTime();
        if ((sides & Sides.READ) != 0) {
            expired |= rearmOrExpire(Sides.READ, readDeadline, now);
        }
        if ((sides & Sides.WRITE) != 0) {
            expired |= rearmOrExpire(Sides.WRITE, writeDeadline, now);
        }
        if (expired != 0) {
            counters.increment(LoopCounters.DEADLINE_EXPIRIES);
            expired(expired);
        }
    }

    private int rearmOrExpire(int side, long deadline, long now) {
        if (deadline == 0) {
            return 0;
        }
        if (deadline - now > 0) {
            arm(side, deadline);
            return 0;
        }
        return side;
    }
}
