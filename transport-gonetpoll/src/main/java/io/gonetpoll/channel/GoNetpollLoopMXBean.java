package io.gonetpoll.channel;

/**
 * One GoNetpoll event loop's metrics over JMX ({@link GoNetpollIoHandlerConfig#setJmxEnabled(boolean)}): the values
 * of a {@link GoNetpollLoopCounters} snapshot of the loop, each documented by the accessor it reads. Registered as
 * {@code io.gonetpoll:type=EventLoop,name="<thread name>",id=<loop id>} (the name quoted by
 * {@code ObjectName.quote}) while the loop lives. Each attribute is read when asked for; reading
 * {@link #getLongestTurnNanos()} starts a new window, as a snapshot does.
 */
public interface GoNetpollLoopMXBean {
    /** The name of the loop's thread. */
    String getLoopName();

    /** Channels registered with the loop: {@link GoNetpollLoopCounters#registeredChannels()}. */
    long getRegisteredChannels();

    /** Reads (and accepts) parked waiting for an edge: {@link GoNetpollLoopCounters#readersParked()}. */
    long getReadersParked();

    /** Flushes and connects parked waiting for the socket: {@link GoNetpollLoopCounters#writersParked()}. */
    long getWritersParked();

    /** epoll_wait calls, blocking or not: {@link GoNetpollLoopCounters#epollWaits()}. */
    long getEpollWaits();

    /** epoll_wait calls with a timeout other than 0: {@link GoNetpollLoopCounters#blockingEpollWaits()}. */
    long getBlockingEpollWaits();

    /** Socket events returned by epoll_wait: {@link GoNetpollLoopCounters#events()}. */
    long getEvents();

    /** Events of cancelled registrations, dropped: {@link GoNetpollLoopCounters#staleEventsDropped()}. */
    long getStaleEventsDropped();

    /** eventfd edges seen by the loop: {@link GoNetpollLoopCounters#wakeupEvents()}. */
    long getWakeupEvents();

    /** eventfd writes by other threads to wake the loop: {@link GoNetpollLoopCounters#wakeupsWritten()}. */
    long getWakeupsWritten();

    /** Wakeups that needed no eventfd write (coalesced): {@link GoNetpollLoopCounters#wakeupsSaved()}. */
    long getWakeupsSaved();

    /** epoll_ctl(ADD) calls: {@link GoNetpollLoopCounters#epollCtlAdds()}. */
    long getEpollCtlAdds();

    /** epoll_ctl(DEL) calls: {@link GoNetpollLoopCounters#epollCtlDels()}. */
    long getEpollCtlDels();

    /** Operations resumed from the ready queue: {@link GoNetpollLoopCounters#readyQueueRuns()}. */
    long getReadyQueueRuns();

    /** read/recv calls: {@link GoNetpollLoopCounters#readSyscalls()}. */
    long getReadSyscalls();

    /** Reads that found nothing (EAGAIN): {@link GoNetpollLoopCounters#readsWouldBlock()}. */
    long getReadsWouldBlock();

    /** Bytes read: {@link GoNetpollLoopCounters#bytesRead()}. */
    long getBytesRead();

    /** ioctl(FIONREAD) calls: {@link GoNetpollLoopCounters#receiveQueueQueries()}. */
    long getReceiveQueueQueries();

    /** write/writev/sendfile calls: {@link GoNetpollLoopCounters#writeSyscalls()}. */
    long getWriteSyscalls();

    /** Writes that sent nothing (EAGAIN) and parked: {@link GoNetpollLoopCounters#writesWouldBlock()}. */
    long getWritesWouldBlock();

    /** Bytes written: {@link GoNetpollLoopCounters#bytesWritten()}. */
    long getBytesWritten();

    /** accept4 calls: {@link GoNetpollLoopCounters#acceptSyscalls()}. */
    long getAcceptSyscalls();

    /** accept4 calls that found no connection: {@link GoNetpollLoopCounters#acceptsWouldBlock()}. */
    long getAcceptsWouldBlock();

    /** Connections accepted: {@link GoNetpollLoopCounters#accepts()}. */
    long getAccepts();

    /** Accept retries after running out of fds or memory: {@link GoNetpollLoopCounters#acceptBackoffs()}. */
    long getAcceptBackoffs();

    /** Accept-queue lengths asked (TCP_INFO): {@link GoNetpollLoopCounters#acceptQueueQueries()}. */
    long getAcceptQueueQueries();

    /** Deadline timers armed: {@link GoNetpollLoopCounters#deadlineTimerArms()}. */
    long getDeadlineTimerArms();

    /** Deadlines moved later without a timer operation: {@link GoNetpollLoopCounters#deadlineMoves()}. */
    long getDeadlineMoves();

    /** Deadline timers cancelled before firing: {@link GoNetpollLoopCounters#deadlineTimerCancels()}. */
    long getDeadlineTimerCancels();

    /** Deadlines that expired: {@link GoNetpollLoopCounters#deadlineExpiries()}. */
    long getDeadlineExpiries();

    /** Time in turns (events, ready queue, tasks): {@link GoNetpollLoopCounters#busyNanos()}. */
    long getBusyNanos();

    /** Time blocked in epoll_wait: {@link GoNetpollLoopCounters#waitNanos()}. */
    long getWaitNanos();

    /** Longest turn since the previous snapshot: {@link GoNetpollLoopCounters#longestTurnNanos()}. */
    long getLongestTurnNanos();

    /** Turns reported past the stall threshold: {@link GoNetpollLoopCounters#stalls()}. */
    long getStalls();
}
