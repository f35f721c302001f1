package io.gonetpoll.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop did, counted where it happens: every Go-style invariant we claim (one ADD and one DEL per
 * socket, stale events dropped, reads that found nothing) has a counter a test can check.
 *
 * <p>Single writer: only the loop thread increments (wakeup writes are counted by {@link Wakeup} itself,
 * because other threads make them). Increments are opaque stores of {@code value + 1} — plain moves on x86
 * and ARM, no fence on the hot path — and readers on other threads use opaque loads, which never tear and
 * see every increment eventually. That is all a metric needs.
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
    /** Waits with a timeout: the loop may have parked in the kernel (a subset of {@link #EPOLL_WAITS}). */
    static final int BLOCKING_WAITS = 18;
    /** Spins begun, their zero-timeout polls (also in {@link #EPOLL_WAITS}), time, events found, misses. */
    static final int SPINS = 19;
    static final int SPIN_POLLS = 20;
    static final int SPIN_NANOS = 21;
    static final int SPIN_EVENTS = 22;
    static final int SPIN_MISSES = 23;
    static final int COUNT = 24;

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[COUNT];

    void increment(int counter) {
        add(counter, 1);
    }

    void add(int counter, long n) {
        ELEMENT.setOpaque(values, counter, (long) ELEMENT.getOpaque(values, counter) + n);
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
