package io.gonetpoll.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loop's heartbeat (Go: the {@code schedtick}/{@code schedwhen} that {@code sysmon} reads to find a goroutine
 * that has held its P too long) and its time accounting: busy against waiting, and the longest turn.
 *
 * <p>A turn is what a loop does between two looks at the kernel: dispatching events and the ready queue inside
 * {@link GoNetpollIoHandler#run}, and then — outside {@code run}, where the handler cannot see it — the tasks
 * Netty runs before it calls {@code run} again. So a turn is measured from one entry to {@code run} to the next,
 * minus the time blocked in {@code epoll_wait}: what a handler that blocks, whether called from an event or from
 * a task, keeps from every other channel of the loop.
 *
 * <p>The heartbeat is {@link #turnStart}, written only by the loop thread and read by the {@link StallMonitor}:
 * <pre>
 * WAITING     turnStart = 0. The loop is blocked in epoll_wait, or not running at all: made but never started,
 *             or destroyed. Never a stall, however long.
 *             Left by: the loop thread starting ({@link #started}, Netty's IoHandler.initialize) or the wait
 *             returning ({@link #afterWait}) → BUSY(now).
 *
 * BUSY(t)     turnStart = t, the nanoTime at which the current turn began (0 is never used: see {@link #mark}).
 *             The loop is dispatching events or the ready queue, polling without blocking, or running Netty's
 *             tasks after run() returned. A stall is a BUSY(t) with now - t past the threshold.
 *             Left by: run() entered again ({@link #turnBoundary}) → BUSY(now): the turn is over and the next
 *             begins; a blocking wait ({@link #beforeWait}) → WAITING; destroy ({@link #stopped}) → WAITING.
 * </pre>
 * A loop that Netty suspends (a group that lets idle loops give their thread back) leaves {@code run} in BUSY; the
 * monitor asks the executor instead ({@link GoNetpollIoHandler#isSuspended}), and {@link #started} begins a new
 * turn when the loop resumes, without counting the suspension as one.
 *
 * <p>Every turn that ends adds its length to {@link LoopCounters#BUSY_NANOS} and may raise {@link #longestTurn};
 * every blocking wait adds to {@link LoopCounters#WAIT_NANOS}. A turn that lasted at least the stall threshold is
 * published as {@link #lastLongTurn} before the heartbeat moves on (release, then the monitor's acquire of
 * {@link #turnStart}), so a monitor that sees a stalled turn end also sees its exact length. That record is the
 * only allocation, and only for turns past the threshold.
 *
 * <p>Cost per turn: one {@link System#nanoTime()} (two more around a blocking wait, one of which the wait needed
 * anyway), a few plain or release stores; no lock, no fence on x86.
 */
final class LoopHeartbeat {
    static final long WAITING = 0;

    private static final VarHandle TURN_START;
    private static final VarHandle LONGEST_TURN;
    private static final VarHandle LAST_LONG_TURN;
    private static final VarHandle THREAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TURN_START = lookup.findVarHandle(LoopHeartbeat.class, "turnStart", long.class);
            LONGEST_TURN = lookup.findVarHandle(LoopHeartbeat.class, "longestTurn", long.class);
            LAST_LONG_TURN = lookup.findVarHandle(LoopHeartbeat.class, "lastLongTurn", LongTurn.class);
            THREAD = lookup.findVarHandle(LoopHeartbeat.class, "thread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopCounters counters;
    /** Turns at least this long are published as {@link #lastLongTurn}; {@link Long#MAX_VALUE} when nobody watches. */
    private final long longTurnNanos;

    /** The state above. Loop thread writes (release), the monitor reads (acquire). */
    private long turnStart;
    /** When the current blocking wait began. Loop thread only. */
    private long waitStart;
    /** Longest turn since a snapshot took it; raised by the loop, taken (reset to 0) by snapshots. */
    private long longestTurn;
    /** The last turn that lasted at least {@link #longTurnNanos}. Loop thread writes, monitor reads. */
    private LongTurn lastLongTurn;
    /** The thread running the loop since it last started, or null before; for the loop's name and its stack. */
    private Thread thread;
    /** Stalls reported; written by the {@link StallMonitor} only. */
    private final AtomicLong stalls = new AtomicLong();

    LoopHeartbeat(LoopCounters counters, long longTurnNanos) {
        this.counters = counters;
        this.longTurnNanos = longTurnNanos;
    }

    /** Loop thread, when it starts or resumes running the loop: WAITING or a stale BUSY → BUSY(now). */
    void started() {
        Thread current = Thread.currentThread();
        if (THREAD.getOpaque(this) != current) {
            THREAD.setRelease(this, current);
        }
        TURN_START.setRelease(this, mark(System.nanoTime()));
    }

    /** Loop thread, at each entry to run(): the turn that began at the last mark is over, a new one begins. */
    void turnBoundary() {
        long now = System.nanoTime();
        long start = turnStart;
        if (start != WAITING) {
            turnEnded(start, now);
        }
        TURN_START.setRelease(this, mark(now));
    }

    /** Loop thread, right before a blocking wait: BUSY → WAITING. Returns the time, for the wait's timeout. */
    long beforeWait() {
        long now = System.nanoTime();
        long start = turnStart;
        if (start != WAITING) {
            turnEnded(start, now);
        }
        TURN_START.setRelease(this, WAITING);
        waitStart = now;
        return now;
    }

    /** Loop thread, when the blocking wait returned: WAITING → BUSY(now). */
    void afterWait() {
        long now = System.nanoTime();
        counters.add(LoopCounters.WAIT_NANOS, now - waitStart);
        TURN_START.setRelease(this, mark(now));
    }

    /** Loop thread, at destroy: the last turn ends, the loop waits for ever. */
    void stopped() {
        long start = turnStart;
        if (start != WAITING) {
            turnEnded(start, System.nanoTime());
        }
        TURN_START.setRelease(this, WAITING);
    }

    private void turnEnded(long start, long now) {
        long length = now - start;
        counters.add(LoopCounters.BUSY_NANOS, length);
        if (length > (long) LONGEST_TURN.getOpaque(this)) {
            // Races with a snapshot taking the value: at worst this turn counts in the next window instead.
            LONGEST_TURN.setOpaque(this, length);
        }
        if (length >= longTurnNanos) {
            LAST_LONG_TURN.setRelease(this, new LongTurn(start, length));
        }
    }

    /** 0 means WAITING, so a turn that begins at nanoTime 0 is recorded as beginning 1 ns later. */
    private static long mark(long now) {
        return now == WAITING ? 1 : now;
    }

    /** Any thread: the start of the current turn, or {@link #WAITING}. */
    long turnStart() {
        return (long) TURN_START.getAcquire(this);
    }

    /** Any thread: the last turn of at least the long-turn length, or null. Read after {@link #turnStart()}. */
    LongTurn lastLongTurn() {
        return (LongTurn) LAST_LONG_TURN.getAcquire(this);
    }

    Thread thread() {
        return (Thread) THREAD.getAcquire(this);
    }

    /** Any thread: the longest turn since the last call that reset it ({@code reset}), in nanoseconds. */
    long longestTurn(boolean reset) {
        return reset ? (long) LONGEST_TURN.getAndSet(this, 0L) : (long) LONGEST_TURN.getOpaque(this);
    }

    /** Monitor thread: a stall of this loop was reported. */
    void stallDetected() {
        stalls.incrementAndGet();
    }

    long stalls() {
        return stalls.get();
    }

    /** A turn that ended after lasting at least the long-turn length. */
    static final class LongTurn {
        final long start;
        final long length;

        LongTurn(long start, long length) {
            this.start = start;
            this.length = length;
        }
    }
}
