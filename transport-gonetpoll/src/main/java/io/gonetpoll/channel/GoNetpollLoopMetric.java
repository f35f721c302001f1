package io.gonetpoll.channel;

import java.util.function.ToLongFunction;

/**
 * Every value of a {@link GoNetpollLoopCounters} snapshot, with what an exporter needs (a dotted name, counter or
 * gauge, unit, description), so that Micrometer, Prometheus text, JMX or a log line list the same metrics under
 * the same names. What each one means, in Go's terms where Go has one: the accessor named by
 * {@link #accessorName()}.
 */
public enum GoNetpollLoopMetric {
    REGISTERED_CHANNELS("channels.registered", Kind.GAUGE, null, "Channels registered with the loop",
            GoNetpollLoopCounters::registeredChannels, "registeredChannels"),
    READERS_PARKED("readers.parked", Kind.GAUGE, null, "Reads (and accepts) parked waiting for an edge",
            GoNetpollLoopCounters::readersParked, "readersParked"),
    WRITERS_PARKED("writers.parked", Kind.GAUGE, null, "Flushes and connects parked waiting for the socket",
            GoNetpollLoopCounters::writersParked, "writersParked"),
    EPOLL_WAITS("epoll.waits", Kind.COUNTER, null, "epoll_wait calls, blocking or not",
            GoNetpollLoopCounters::epollWaits, "epollWaits"),
    BLOCKING_EPOLL_WAITS("epoll.waits.blocking", Kind.COUNTER, null, "epoll_wait calls with a timeout other than 0",
            GoNetpollLoopCounters::blockingEpollWaits, "blockingEpollWaits"),
    SPINS("spins", Kind.COUNTER, null, "Waits that polled for up to the spin window before parking",
            GoNetpollLoopCounters::spins, "spins"),
    SPIN_POLLS("spin.polls", Kind.COUNTER, null, "Zero-timeout polls made while spinning",
            GoNetpollLoopCounters::spinPolls, "spinPolls"),
    SPIN_TIME("spin.time", Kind.COUNTER, "nanoseconds", "Time spent spinning",
            GoNetpollLoopCounters::spinNanos, "spinNanos"),
    SPIN_EVENTS("spin.events", Kind.COUNTER, null, "Events found by the polls of a spin",
            GoNetpollLoopCounters::spinEvents, "spinEvents"),
    SPIN_MISSES("spin.misses", Kind.COUNTER, null, "Spins that found nothing and parked",
            GoNetpollLoopCounters::spinMisses, "spinMisses"),
    EVENTS("events", Kind.COUNTER, null, "Socket events returned by epoll_wait",
            GoNetpollLoopCounters::events, "events"),
    STALE_EVENTS_DROPPED("events.stale", Kind.COUNTER, null, "Events of cancelled registrations, dropped",
            GoNetpollLoopCounters::staleEventsDropped, "staleEventsDropped"),
    WAKEUP_EVENTS("wakeup.events", Kind.COUNTER, null, "eventfd edges seen by the loop",
            GoNetpollLoopCounters::wakeupEvents, "wakeupEvents"),
    WAKEUPS_WRITTEN("wakeups.written", Kind.COUNTER, null, "eventfd writes by other threads to wake the loop",
            GoNetpollLoopCounters::wakeupsWritten, "wakeupsWritten"),
    WAKEUPS_SAVED("wakeups.saved", Kind.COUNTER, null, "Wakeups that needed no eventfd write (coalesced)",
            GoNetpollLoopCounters::wakeupsSaved, "wakeupsSaved"),
    EPOLL_CTL_ADDS("epoll.ctl.adds", Kind.COUNTER, null, "epoll_ctl(ADD) calls",
            GoNetpollLoopCounters::epollCtlAdds, "epollCtlAdds"),
    EPOLL_CTL_DELS("epoll.ctl.dels", Kind.COUNTER, null, "epoll_ctl(DEL) calls",
            GoNetpollLoopCounters::epollCtlDels, "epollCtlDels"),
    READY_QUEUE_RUNS("ready.queue.runs", Kind.COUNTER, null, "Operations resumed from the ready queue",
            GoNetpollLoopCounters::readyQueueRuns, "readyQueueRuns"),
    READS("reads", Kind.COUNTER, null, "read/recv calls",
            GoNetpollLoopCounters::readSyscalls, "readSyscalls"),
    READS_WOULD_BLOCK("reads.would.block", Kind.COUNTER, null, "Reads that found nothing (EAGAIN)",
            GoNetpollLoopCounters::readsWouldBlock, "readsWouldBlock"),
    BYTES_READ("bytes.read", Kind.COUNTER, "bytes", "Bytes read",
            GoNetpollLoopCounters::bytesRead, "bytesRead"),
    RECEIVE_QUEUE_QUERIES("receive.queue.queries", Kind.COUNTER, null, "ioctl(FIONREAD) calls",
            GoNetpollLoopCounters::receiveQueueQueries, "receiveQueueQueries"),
    WRITES("writes", Kind.COUNTER, null, "write/writev/sendfile calls",
            GoNetpollLoopCounters::writeSyscalls, "writeSyscalls"),
    WRITES_WOULD_BLOCK("writes.would.block", Kind.COUNTER, null, "Writes that sent nothing (EAGAIN) and parked",
            GoNetpollLoopCounters::writesWouldBlock, "writesWouldBlock"),
    BYTES_WRITTEN("bytes.written", Kind.COUNTER, "bytes", "Bytes written",
            GoNetpollLoopCounters::bytesWritten, "bytesWritten"),
    ACCEPT_SYSCALLS("accept.calls", Kind.COUNTER, null, "accept4 calls",
            GoNetpollLoopCounters::acceptSyscalls, "acceptSyscalls"),
    ACCEPTS_WOULD_BLOCK("accept.calls.would.block", Kind.COUNTER, null, "accept4 calls that found no connection",
            GoNetpollLoopCounters::acceptsWouldBlock, "acceptsWouldBlock"),
    ACCEPTS("accepts", Kind.COUNTER, null, "Connections accepted",
            GoNetpollLoopCounters::accepts, "accepts"),
    ACCEPT_BACKOFFS("accept.backoffs", Kind.COUNTER, null, "Accept retries after running out of fds or memory",
            GoNetpollLoopCounters::acceptBackoffs, "acceptBackoffs"),
    ACCEPT_QUEUE_QUERIES("accept.queue.queries", Kind.COUNTER, null, "Accept-queue lengths asked (TCP_INFO)",
            GoNetpollLoopCounters::acceptQueueQueries, "acceptQueueQueries"),
    DEADLINES_ARMED("deadlines.armed", Kind.COUNTER, null, "Deadline timers armed",
            GoNetpollLoopCounters::deadlineTimerArms, "deadlineTimerArms"),
    DEADLINES_MOVED("deadlines.moved", Kind.COUNTER, null, "Deadlines moved later without a timer operation",
            GoNetpollLoopCounters::deadlineMoves, "deadlineMoves"),
    DEADLINES_CANCELLED("deadlines.cancelled", Kind.COUNTER, null, "Deadline timers cancelled before firing",
            GoNetpollLoopCounters::deadlineTimerCancels, "deadlineTimerCancels"),
    DEADLINES_FIRED("deadlines.fired", Kind.COUNTER, null, "Deadlines that expired",
            GoNetpollLoopCounters::deadlineExpiries, "deadlineExpiries"),
    BUSY_TIME("busy.time", Kind.COUNTER, "nanoseconds", "Time in turns (events, ready queue, tasks)",
            GoNetpollLoopCounters::busyNanos, "busyNanos"),
    WAIT_TIME("wait.time", Kind.COUNTER, "nanoseconds", "Time blocked in epoll_wait",
            GoNetpollLoopCounters::waitNanos, "waitNanos"),
    LONGEST_TURN("turn.longest", Kind.GAUGE, "nanoseconds", "Longest turn since the previous snapshot",
            GoNetpollLoopCounters::longestTurnNanos, "longestTurnNanos"),
    STALLS("stalls", Kind.COUNTER, null, "Turns reported past the stall threshold",
            GoNetpollLoopCounters::stalls, "stalls");

    /** How a value behaves over time. */
    public enum Kind {
        /** Only grows (while the loop lives; a factory's totals keep what destroyed loops counted). */
        COUNTER,
        /** A value of the moment. */
        GAUGE
    }

    private final String metricName;
    private final Kind kind;
    private final String unit;
    private final String description;
    private final ToLongFunction<GoNetpollLoopCounters> value;
    private final String accessorName;

    GoNetpollLoopMetric(String metricName, Kind kind, String unit, String description,
                        ToLongFunction<GoNetpollLoopCounters> value, String accessorName) {
        this.metricName = metricName;
        this.kind = kind;
        this.unit = unit;
        this.description = description;
        this.value = value;
        this.accessorName = accessorName;
    }

    /** Dotted, lower case, without a prefix: {@code epoll.waits}. */
    public String metricName() {
        return metricName;
    }

    public Kind kind() {
        return kind;
    }

    /** {@code "bytes"}, {@code "nanoseconds"}, or {@code null} for a plain count. */
    public String unit() {
        return unit;
    }

    /** One line, for HELP texts and meter descriptions. */
    public String description() {
        return description;
    }

    /** The {@link GoNetpollLoopCounters} accessor that returns it, where its meaning is documented. */
    public String accessorName() {
        return accessorName;
    }

    public long valueOf(GoNetpollLoopCounters counters) {
        return value.applyAsLong(counters);
    }
}
