package io.gonetpoll.channel;

/**
 * A snapshot of what GoNetpoll event loops did, summed over the loops of a
 * {@link GoNetpollIoHandlerFactory} (see {@link GoNetpollIoHandlerFactory#counters()}).
 *
 * <p>These counters are how GoNetpoll's Go-style claims are checked: one {@code epoll_ctl(ADD)} and one
 * {@code epoll_ctl(DEL)} per socket and loop it was registered with; events for cancelled registrations
 * dropped by generation; and reads that found nothing ({@link #readsWouldBlock()}) staying far below one
 * per request. There is no counter for {@code EPOLL_CTL_MOD}: GoNetpoll has no code path that issues it
 * (the native library has no binding for it).
 */
public final class GoNetpollLoopCounters {
    private final long[] values;
    private final long wakeupsWritten;

    GoNetpollLoopCounters(long[] values, long wakeupsWritten) {
        this.values = values;
        this.wakeupsWritten = wakeupsWritten;
    }

    /**
     * Calls to {@code epoll_wait}/{@code epoll_pwait2}: one per loop turn, plus the polls of a spin
     * ({@link #spinPolls()}) when the loop spins before it parks.
     */
    public long epollWaits() {
        return values[LoopCounters.EPOLL_WAITS];
    }

    /**
     * Waits with a timeout, in which the loop may have parked in the kernel until an event, a wakeup or its next
     * scheduled task; the other waits are polls (a zero timeout). A loop under Netty's
     * {@code SelectStrategy.BUSY_WAIT} makes none.
     */
    public long blockingWaits() {
        return values[LoopCounters.BLOCKING_WAITS];
    }

    /**
     * Spins begun: waits that polled for up to the spin window before parking
     * ({@link GoNetpollIoHandlerConfig#setSpinBudgetMicros(long)}); always 0 with spinning off.
     */
    public long spins() {
        return values[LoopCounters.SPINS];
    }

    /** Zero-timeout polls made while spinning (included in {@link #epollWaits()}). */
    public long spinPolls() {
        return values[LoopCounters.SPIN_POLLS];
    }

    /** Nanoseconds spent spinning, in all. */
    public long spinNanos() {
        return values[LoopCounters.SPIN_NANOS];
    }

    /** Epoll events returned by the polls of a spin: IO that a parked loop would have been woken for. */
    public long spinEvents() {
        return values[LoopCounters.SPIN_EVENTS];
    }

    /** Spins that found nothing within their window and parked (each halves the window; see the config). */
    public long spinMisses() {
        return values[LoopCounters.SPIN_MISSES];
    }

    /** Events returned by the waits for sockets (the eventfd's are in {@link #wakeupEvents()}). */
    public long events() {
        return values[LoopCounters.EVENTS];
    }

    /** Events dropped because their registration had been cancelled (generation mismatch). */
    public long staleEventsDropped() {
        return values[LoopCounters.STALE_EVENTS_DROPPED];
    }

    /** eventfd edges seen by the loops. */
    public long wakeupEvents() {
        return values[LoopCounters.WAKEUP_EVENTS];
    }

    /** eventfd writes made by other threads to wake a sleeping loop (at most one per sleep). */
    public long wakeupsWritten() {
        return wakeupsWritten;
    }

    /** {@code epoll_ctl(EPOLL_CTL_ADD)} calls: one per socket and loop it was registered with. */
    public long epollCtlAdds() {
        return values[LoopCounters.EPOLL_CTL_ADDS];
    }

    /** {@code epoll_ctl(EPOLL_CTL_DEL)} calls: one per socket, before it is closed or leaves the loop. */
    public long epollCtlDels() {
        return values[LoopCounters.EPOLL_CTL_DELS];
    }

    /** Operations resumed from the ready queue (reads or flushes that stopped at their quota while ready). */
    public long readyQueueRuns() {
        return values[LoopCounters.READY_QUEUE_RUNS];
    }

    /** {@code read}/{@code recv} calls on stream sockets. */
    public long readSyscalls() {
        return values[LoopCounters.READ_SYSCALLS];
    }

    /** Reads that returned {@code EAGAIN}: reads a short-read-aware loop should almost never make. */
    public long readsWouldBlock() {
        return values[LoopCounters.READS_WOULD_BLOCK];
    }

    /**
     * {@code ioctl(FIONREAD)} calls: an explicit read that filled its buffer exactly asks whether the socket is
     * now empty, instead of leaving the next read to find EAGAIN.
     */
    public long receiveQueueQueries() {
        return values[LoopCounters.RECEIVE_QUEUE_QUERIES];
    }

    /** {@code write}/{@code writev}/{@code sendfile} calls. */
    public long writeSyscalls() {
        return values[LoopCounters.WRITE_SYSCALLS];
    }

    /** Writes that could not send anything ({@code EAGAIN}) and parked the flush. */
    public long writesWouldBlock() {
        return values[LoopCounters.WRITES_WOULD_BLOCK];
    }

    /** {@code accept4} calls. */
    public long acceptSyscalls() {
        return values[LoopCounters.ACCEPT_SYSCALLS];
    }

    /** {@code accept4} calls that returned {@code EAGAIN}. */
    public long acceptsWouldBlock() {
        return values[LoopCounters.ACCEPTS_WOULD_BLOCK];
    }

    /**
     * Accept-queue lengths asked of a listener ({@code getsockopt(TCP_INFO)}) instead of an {@code accept4}
     * that would find the queue empty.
     */
    public long acceptQueueQueries() {
        return values[LoopCounters.ACCEPT_QUEUE_QUERIES];
    }

    /** Timers put on the deadline wheel (including re-arms for the remainder of a deadline moved later). */
    public long deadlineTimerArms() {
        return values[LoopCounters.DEADLINE_TIMER_ARMS];
    }

    /** Deadline timers cancelled before they fired. */
    public long deadlineTimerCancels() {
        return values[LoopCounters.DEADLINE_TIMER_CANCELS];
    }

    /** Deadlines that expired (a shared read/write deadline counts once). */
    public long deadlineExpiries() {
        return values[LoopCounters.DEADLINE_EXPIRIES];
    }

    @Override
    public String toString() {
        return "GoNetpollLoopCounters{epollWaits=" + epollWaits() + ", blockingWaits=" + blockingWaits()
                + ", spins=" + spins() + ", spinPolls=" + spinPolls() + ", spinNanos=" + spinNanos()
                + ", spinEvents=" + spinEvents() + ", spinMisses=" + spinMisses() + ", events=" + events()
                + ", staleEventsDropped=" + staleEventsDropped() + ", wakeupEvents=" + wakeupEvents()
                + ", wakeupsWritten=" + wakeupsWritten + ", epollCtlAdds=" + epollCtlAdds()
                + ", epollCtlDels=" + epollCtlDels() + ", readyQueueRuns=" + readyQueueRuns()
                + ", readSyscalls=" + readSyscalls() + ", readsWouldBlock=" + readsWouldBlock()
                + ", writeSyscalls=" + writeSyscalls() + ", writesWouldBlock=" + writesWouldBlock()
                + ", acceptSyscalls=" + acceptSyscalls() + ", acceptsWouldBlock=" + acceptsWouldBlock()
                + ", acceptQueueQueries=" + acceptQueueQueries()
                + ", deadlineTimerArms=" + deadlineTimerArms() + ", deadlineTimerCancels=" + deadlineTimerCancels()
                + ", deadlineExpiries=" + deadlineExpiries() + ", receiveQueueQueries=" + receiveQueueQueries() + '}';
    }
}
