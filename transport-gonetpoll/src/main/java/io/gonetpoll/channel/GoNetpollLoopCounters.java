package io.gonetpoll.channel;

/**
 * A snapshot of what GoNetpoll event loops did: of one loop ({@link GoNetpollIoHandlerFactory#loopCounters()},
 * {@link #loopName()} names its thread), or summed over the loops of a {@link GoNetpollIoHandlerFactory}
 * ({@link GoNetpollIoHandlerFactory#counters()}, loops that have shut down included).
 *
 * <p>Counters only grow; compare two snapshots for rates. Gauges ({@link #registeredChannels()},
 * {@link #readersParked()}, {@link #writersParked()}) are values of the moment, and {@link #longestTurnNanos()}
 * covers the time since the previous snapshot. Each value is read on its own, without stopping the loop, so two
 * values of one snapshot may be a few events apart. Where Go's netpoller or scheduler has the same notion, the
 * accessor names it. {@link GoNetpollLoopMetric} lists them all for exporters.
 *
 * <p>These counters are also how GoNetpoll's Go-style claims are checked: one {@code epoll_ctl(ADD)} and one
 * {@code epoll_ctl(DEL)} per socket and loop it was registered with; events for cancelled registrations
 * dropped by generation; and reads that found nothing ({@link #readsWouldBlock()}) staying far below one
 * per request. There is no counter for {@code EPOLL_CTL_MOD}: GoNetpoll has no code path that issues it
 * (the native library has no binding for it).
 */
public final class GoNetpollLoopCounters {
    private final String loopName;
    private final int loops;
    private final long[] values;
    private final long wakeupsWritten;
    private final long wakeupsSaved;
    private final long stalls;
    private final long longestTurnNanos;

    GoNetpollLoopCounters(String loopName, int loops, long[] values, long wakeupsWritten, long wakeupsSaved,
                          long stalls, long longestTurnNanos) {
        this.loopName = loopName;
        this.loops = loops;
        this.values = values;
        this.wakeupsWritten = wakeupsWritten;
        this.wakeupsSaved = wakeupsSaved;
        this.stalls = stalls;
        this.longestTurnNanos = longestTurnNanos;
    }

    /**
     * The name of the loop's thread for a snapshot of one loop ({@code null} if the loop has not started yet);
     * {@code null} for a factory's totals.
     */
    public String loopName() {
        return loopName;
    }

    /** Loops summed in this snapshot: 1 for one loop; for a factory's totals, the loops alive now. */
    public int loops() {
        return loops;
    }

    /** Gauge: channels registered with the loop(s) now (Go: the pollDescs in use in {@code pollcache}). */
    public long registeredChannels() {
        return values[LoopCounters.REGISTERED];
    }

    /**
     * Gauge: reads parked now, waiting for an edge (Go: goroutines parked in {@code netpollblock} on {@code rg};
     * with {@link #writersParked()}, Go's {@code netpollWaiters}). Accepts waiting for a connection count here.
     */
    public long readersParked() {
        return values[LoopCounters.READERS_PARKED];
    }

    /** Gauge: flushes (and connects in progress) parked now, waiting for room in the socket (Go: on {@code wg}). */
    public long writersParked() {
        return values[LoopCounters.WRITERS_PARKED];
    }

    /**
     * Calls to {@code epoll_wait}/{@code epoll_pwait2}, blocking or not (Go: {@code netpoll(delay)} calls): one per
     * loop turn, plus the polls of a spin ({@link #spinPolls()}) when the loop spins before it parks.
     */
    public long epollWaits() {
        return values[LoopCounters.EPOLL_WAITS];
    }

    /**
     * Waits that could sleep (a timeout other than 0; Go: {@code netpoll(delay)} with {@code delay != 0}): the loop
     * may have parked in the kernel until an event, a wakeup or its next scheduled task; the other waits are polls.
     * A loop under Netty's {@code SelectStrategy.BUSY_WAIT} makes none.
     */
    public long blockingEpollWaits() {
        return values[LoopCounters.EPOLL_WAITS_BLOCKING];
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

    /**
     * eventfd writes made by other threads to wake a sleeping loop, at most one per sleep (Go: {@code netpollBreak}
     * calls that wrote).
     */
    public long wakeupsWritten() {
        return wakeupsWritten;
    }

    /**
     * Wakeups from other threads that wrote nothing, because the loop was awake or another thread had already
     * woken it (Go: {@code netpollBreak} calls that lost the {@code netpollWakeSig} CAS).
     */
    public long wakeupsSaved() {
        return wakeupsSaved;
    }

    /** {@code epoll_ctl(EPOLL_CTL_ADD)} calls: one per socket and loop it was registered with. */
    public long epollCtlAdds() {
        return values[LoopCounters.EPOLL_CTL_ADDS];
    }

    /** {@code epoll_ctl(EPOLL_CTL_DEL)} calls: one per socket, before it is closed or leaves the loop. */
    public long epollCtlDels() {
        return values[LoopCounters.EPOLL_CTL_DELS];
    }

    /**
     * Operations resumed from the ready queue (reads or flushes that stopped at their quota while ready; Go: the
     * goroutines {@code netpoll} made runnable, run from the run queue).
     */
    public long readyQueueRuns() {
        return values[LoopCounters.READY_QUEUE_RUNS];
    }

    /** {@code read}/{@code recv} calls. */
    public long readSyscalls() {
        return values[LoopCounters.READ_SYSCALLS];
    }

    /** Reads that returned {@code EAGAIN}: reads a short-read-aware loop should almost never make. */
    public long readsWouldBlock() {
        return values[LoopCounters.READS_WOULD_BLOCK];
    }

    /** Bytes the reads returned. */
    public long bytesRead() {
        return values[LoopCounters.BYTES_READ];
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

    /** Writes that sent nothing ({@code EAGAIN}) and parked the flush (Go: a Write that parks on {@code wg}). */
    public long writesWouldBlock() {
        return values[LoopCounters.WRITES_WOULD_BLOCK];
    }

    /** Bytes the writes sent. */
    public long bytesWritten() {
        return values[LoopCounters.BYTES_WRITTEN];
    }

    /** {@code accept4} calls. */
    public long acceptSyscalls() {
        return values[LoopCounters.ACCEPT_SYSCALLS];
    }

    /** {@code accept4} calls that returned {@code EAGAIN}. */
    public long acceptsWouldBlock() {
        return values[LoopCounters.ACCEPTS_WOULD_BLOCK];
    }

    /** Connections accepted. */
    public long accepts() {
        return values[LoopCounters.ACCEPTS];
    }

    /**
     * Accept retries scheduled because the process or the system was out of file descriptors or memory (EMFILE,
     * ENFILE, ENOBUFS, ENOMEM; Go's {@code net/http} backs off the same way). Any is worth an alert.
     */
    public long acceptBackoffs() {
        return values[LoopCounters.ACCEPT_BACKOFFS];
    }

    /**
     * Accept-queue lengths asked of a listener ({@code getsockopt(TCP_INFO)}) instead of an {@code accept4}
     * that would find the queue empty.
     */
    public long acceptQueueQueries() {
        return values[LoopCounters.ACCEPT_QUEUE_QUERIES];
    }

    /**
     * Timers put on the deadline wheel, including re-arms for the remainder of a deadline moved later (Go: the
     * {@code addtimer}/{@code modtimer} calls of {@code poll_runtime_pollSetDeadline}).
     */
    public long deadlineTimerArms() {
        return values[LoopCounters.DEADLINE_TIMER_ARMS];
    }

    /** Deadlines moved later while their armed timer stays (no wheel operation; the timer re-arms when it fires). */
    public long deadlineMoves() {
        return values[LoopCounters.DEADLINE_MOVES];
    }

    /** Deadline timers cancelled before they fired (Go: {@code deltimer}). */
    public long deadlineTimerCancels() {
        return values[LoopCounters.DEADLINE_TIMER_CANCELS];
    }

    /**
     * Deadlines that expired (a shared read/write deadline counts once; Go: {@code netpolldeadlineimpl} calls that
     * expired a side).
     */
    public long deadlineExpiries() {
        return values[LoopCounters.DEADLINE_EXPIRIES];
    }

    /**
     * Nanoseconds the loop(s) spent in turns: dispatching events, running the ready queue and Netty's tasks — all
     * but the time blocked in the kernel.
     */
    public long busyNanos() {
        return values[LoopCounters.BUSY_NANOS];
    }

    /** Nanoseconds the loop(s) spent blocked in {@code epoll_wait}. */
    public long waitNanos() {
        return values[LoopCounters.WAIT_NANOS];
    }

    /**
     * The share of time spent busy between {@code earlier} and this snapshot of the same loop or factory, 0 to 1
     * ({@code NaN} if no time was accounted in between). 1 means the loop never waited: it is saturated.
     */
    public double utilisationSince(GoNetpollLoopCounters earlier) {
        long busy = busyNanos() - earlier.busyNanos();
        long total = busy + waitNanos() - earlier.waitNanos();
        return total <= 0 ? Double.NaN : (double) busy / total;
    }

    /**
     * The longest turn since the previous snapshot of the loop, in nanoseconds (Go: what {@code sysmon} watches
     * through {@code schedtick}). Every per-loop snapshot starts a new window, whoever takes it; a factory's totals
     * report the longest of the loops' current windows without starting new ones.
     */
    public long longestTurnNanos() {
        return longestTurnNanos;
    }

    /** Stalls reported ({@link GoNetpollIoHandlerConfig#setStallThresholdMillis(long)}; 0 with the detector off). */
    public long stalls() {
        return stalls;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("GoNetpollLoopCounters{");
        if (loopName != null) {
            b.append("loop=").append(loopName).append(", ");
        }
        b.append("loops=").append(loops);
        for (GoNetpollLoopMetric metric : GoNetpollLoopMetric.values()) {
            b.append(", ").append(metric.accessorName()).append('=').append(metric.valueOf(this));
        }
        return b.append('}').toString();
    }
}
