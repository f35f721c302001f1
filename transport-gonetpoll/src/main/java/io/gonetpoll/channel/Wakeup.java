package io.gonetpoll.channel;

import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Breaks a blocked {@code epoll_wait} from other threads (Go: {@code netpollBreak} + {@code netpollWakeSig}).
 *
 * <p>Protocol. The loop calls {@link #prepareToSleep()} (publishes SLEEPING), then re-checks for work, then
 * waits, then calls {@link #awake()}. A waker that finds SLEEPING and wins the CAS to AWAKE writes the eventfd;
 * every other waker returns at once, so a sleep costs at most one eventfd write however many threads wake it.
 * A task queued before a waker's check is seen by the loop's re-check (both sides use volatile accesses, so
 * at least one of them sees the other's write): no wakeup is lost (docs/epoll-pitfalls.md#lost-wake-ups).
 *
 * <p>The eventfd is registered {@code EPOLLIN|EPOLLET} and never read on the normal path: every write is a new
 * edge, and with at most one write per sleep its 64-bit counter cannot saturate in practice; if it ever would,
 * the native write drains it first (docs/epoll-pitfalls.md#eventfd-counter-saturation). A write that lands after the loop stopped sleeping only makes the
 * next wait return once early.
 *
 * <p>After {@link #close()} nothing writes the eventfd again: writers pass a gate that counts them, close
 * shuts the gate and waits for the writers inside before the fd is closed, so a late wakeup can never write
 * into a recycled fd number (docs/epoll-pitfalls.md#writing-to-a-closed-eventfd).
 */
final class Wakeup {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Wakeup.class);

    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    /** Gate bit: set once by {@link #close()}; the bits below it count writers inside the gate. */
    private static final int CLOSED = 1 << 30;

    private final FileDescriptor eventFd;
    /** AWAKE or SLEEPING; written by the loop and CASed SLEEPING → AWAKE by wakers. */
    private final AtomicInteger sleepState = new AtomicInteger(AWAKE);
    private final AtomicInteger gate = new AtomicInteger();
    /** eventfd writes, from any thread. */
    private final AtomicLong writes = new AtomicLong();
    /**
     * Wakeups that wrote nothing because the loop was awake or another waker had written: what coalescing saved.
     * Striped, because many threads may wake one loop at once and this must not become their point of contention.
     */
    private final LongAdder saved = new LongAdder();

    Wakeup(FileDescriptor eventFd) {
        this.eventFd = eventFd;
    }

    FileDescriptor eventFd() {
        return eventFd;
    }

    /** Loop thread, before the final check for work and the blocking wait. */
    void prepareToSleep() {
        sleepState.set(SLEEPING);
    }

    /** Loop thread, after the wait (or instead of it). */
    void awake() {
        sleepState.set(AWAKE);
    }

    /**
     * Another thread than the loop's. Writes the eventfd only if the loop may be sleeping and nobody else did
     * already; otherwise counts a wakeup saved.
     */
    void wakeup() {
        if (sleepState.get() == SLEEPING && sleepState.compareAndSet(SLEEPING, AWAKE)) {
            write();
        } else {
            saved.increment();
        }
    }

    long writes() {
        return writes.get();
    }

    long saved() {
        return saved.sum();
    }

    private void write() {
        if ((gate.getAndIncrement() & CLOSED) != 0) {
            gate.decrementAndGet();
            return;
        }
        try {
            Native.eventFdWrite(eventFd.intValue(), 1L);
            writes.incrementAndGet();
        } catch (IOException e) {
            logger.warn("eventfd write failed; the loop wakes at its next deadline instead", e);
        } finally {
            gate.decrementAndGet();
        }
    }

    /** Loop thread, once, at destroy: shuts the gate, waits for writers inside it, closes the eventfd. */
    void close() throws IOException {
        gate.getAndAdd(CLOSED);
        while ((gate.get() & ~CLOSED) != 0) {
            Thread.onSpinWait();
        }
        eventFd.close();
    }
}
