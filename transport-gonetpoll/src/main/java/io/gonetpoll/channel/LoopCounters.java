package io.gonetpoll.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop did, counted where it happens: every Go-style invariant we claim (one ADD and one DEL per
 * socket, stale events dropped, reads that found nothing) has a counter a test can check, and every metric of
 * {@link GoNetpollLoopCounters} that the loop itself produces lives here (what each means: there).
 *
 * <p>Single writer: only the loop thread writes (wakeups are counted by {@link Wakeup} itself, because other
 * threads make them; stalls by the {@link StallMonitor}). Writes are opaque stores of {@code value + n} — plain
 * moves on x86 and ARM, no fence on the hot path — and readers on other threads use opaque loads, which never
 * tear and see every write eventually. That is all a metric needs.
 *
 * <p>Most entries are counters that only grow. The gauges ({@link #REGISTERED}, {@link #READERS_PARKED},
 * {@link #WRITERS_PARKED}) go up and down and are back at 0 once the loop has unregistered every channel, so
 * the factory's totals of destroyed loops can sum them like the rest.
 *
 * <p>Channel code counts its syscalls through {@link #readSyscall} and {@link #writeSyscall}, whatever the
 * socket type, so that every channel's reads and writes land in the same counters.
 */
final class LoopCounters {
    static final int EPOLL_WAITS = 0;
    static final int EVENTS = 1;
    static final int STALE_EVENTS_DROPPED = 2;
    static final int WAKEUP_EVENTS = 3;
    static final int EPOLL_CTL_ADDS = 4;
    static final int EPOLL_CTL_DELS = 5;
    static final int READY_QUEUE_RUNS = 6;
    static final int READ_SYSCALLS = 7;
    static final int READS_WOULD_BLOCK = 8;
    static final int WRITE_SYSCALLS = 9;
    static final int WRITES_WOULD_BLOCK = 10;
    static final int ACCEPT_SYSCALLS = 11;
    static final int ACCEPTS_WOULD_BLOCK = 12;
    static final int DEADLINE_TIMER_ARMS = 13;
    static final int DEADLINE_TIMER_CANCELS = 14;
    static final int DEADLINE_EXPIRIES = 15;
    static final int RECEIVE_QUEUE_QUERIES = 16;
    static final int ACCEPT_QUEUE_QUERIES = 17;
    /** Waits with a timeout other than 0 (the loop meant to sleep); {@link #EPOLL_WAITS} counts every wait. */
    static final int EPOLL_WAITS_BLOCKING = 18;
    static final int BYTES_READ = 19;
    static final int BYTES_WRITTEN = 20;
    /** Connections accepted (an accept4 that returned a socket). */
    static final int ACCEPTS = 21;
    /** Accept retries scheduled after EMFILE, ENFILE, ENOBUFS or ENOMEM. */
    static final int ACCEPT_BACKOFFS = 22;
    /** Deadlines moved later while their timer stays armed (no wheel operation). */
    static final int DEADLINE_MOVES = 23;
    /** Time in turns (see {@link LoopHeartbeat}). */
    static final int BUSY_NANOS = 24;
    /** Time blocked in epoll_wait. */
    static final int WAIT_NANOS = 25;
    /** Gauge: registrations alive on the loop. */
    static final int REGISTERED = 26;
    /** Gauge: read sides PARKED ({@link PollDesc}). */
    static final int READERS_PARKED = 27;
    /** Gauge: write sides PARKED. */
    static final int WRITERS_PARKED = 28;
    /** Spins begun, their zero-timeout polls (also in {@link #EPOLL_WAITS}), time, events found, misses. */
    static final int SPINS = 29;
    static final int SPIN_POLLS = 30;
    static final int SPIN_NANOS = 31;
    static final int SPIN_EVENTS = 32;
    static final int SPIN_MISSES = 33;
    static final int COUNT = 34;

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[COUNT];

    void increment(int counter) {
        add(counter, 1);
    }

    void add(int counter, long n) {
        ELEMENT.setOpaque(values, counter, (long) ELEMENT.getOpaque(values, counter) + n);
    }

    /**
     * One read syscall returned {@code result}: bytes read if positive, {@code 0} if it would have blocked, negative
     * (EOF) otherwise. Stream and datagram channels alike.
     */
    void readSyscall(long result) {
        increment(READ_SYSCALLS);
        if (result > 0) {
            add(BYTES_READ, result);
        } else if (result == 0) {
            increment(READS_WOULD_BLOCK);
        }
    }

    /** One write syscall returned {@code result}: bytes written if positive, else it wrote nothing and parks. */
    void writeSyscall(long result) {
        increment(WRITE_SYSCALLS);
        if (result > 0) {
            add(BYTES_WRITTEN, result);
        } else {
            increment(WRITES_WOULD_BLOCK);
        }
    }

    long get(int counter) {
        return (long) ELEMENT.getOpaque(values, counter);
    }

    void addTo(long[] sums) {
        for (int i = 0; i < COUNT; i++) {
            sums[i] += get(i);
        }
    }
}
