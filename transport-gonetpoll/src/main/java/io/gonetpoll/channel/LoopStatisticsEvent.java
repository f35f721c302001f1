package io.gonetpoll.channel;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One loop's {@link GoNetpollLoopCounters}, periodically (every 10 s unless the recording says otherwise): the
 * counters are totals since the loop was made, as JDK's own periodic statistics are; the gauges are values of the
 * moment. It does not take the longest-turn window, which belongs to the application's snapshots.
 */
@Name("io.gonetpoll.LoopStatistics")
@Category({"Netty", "GoNetpoll"})
@Label("GoNetpoll Loop Statistics")
@Description("What one GoNetpoll event loop did since it was made")
@Period("10 s")
@StackTrace(false)
final class LoopStatisticsEvent extends jdk.jfr.Event {
    @Label("Loop")
    @Description("The loop's thread")
    String loop;

    @Label("Registered Channels")
    long registeredChannels;

    @Label("Readers Parked")
    long readersParked;

    @Label("Writers Parked")
    long writersParked;

    @Label("epoll Waits")
    long epollWaits;

    @Label("Blocking epoll Waits")
    long blockingEpollWaits;

    @Label("Events")
    long events;

    @Label("Stale Events Dropped")
    long staleEventsDropped;

    @Label("Wakeups Written")
    long wakeupsWritten;

    @Label("Wakeups Saved")
    long wakeupsSaved;

    @Label("Ready Queue Runs")
    long readyQueueRuns;

    @Label("Reads")
    long readSyscalls;

    @Label("Reads Would Block")
    long readsWouldBlock;

    @Label("Bytes Read")
    @DataAmount
    long bytesRead;

    @Label("Writes")
    long writeSyscalls;

    @Label("Writes Would Block")
    long writesWouldBlock;

    @Label("Bytes Written")
    @DataAmount
    long bytesWritten;

    @Label("Accepts")
    long accepts;

    @Label("Accept Backoffs")
    long acceptBackoffs;

    @Label("Deadlines Armed")
    long deadlineTimerArms;

    @Label("Deadlines Moved")
    long deadlineMoves;

    @Label("Deadlines Fired")
    long deadlineExpiries;

    @Label("Deadlines Cancelled")
    long deadlineTimerCancels;

    @Label("Busy Time")
    @Timespan(Timespan.NANOSECONDS)
    long busyNanos;

    @Label("Wait Time")
    @Timespan(Timespan.NANOSECONDS)
    long waitNanos;

    @Label("Stalls")
    long stalls;

    void fill(String loopName, GoNetpollLoopCounters counters) {
        loop = loopName;
        registeredChannels = counters.registeredChannels();
        readersParked = counters.readersParked();
        writersParked = counters.writersParked();
        epollWaits = counters.epollWaits();
        blockingEpollWaits = counters.blockingEpollWaits();
        events = counters.events();
        staleEventsDropped = counters.staleEventsDropped();
        wakeupsWritten = counters.wakeupsWritten();
        wakeupsSaved = counters.wakeupsSaved();
        readyQueueRuns = counters.readyQueueRuns();
        readSyscalls = counters.readSyscalls();
        readsWouldBlock = counters.readsWouldBlock();
        bytesRead = counters.bytesRead();
        writeSyscalls = counters.writeSyscalls();
        writesWouldBlock = counters.writesWouldBlock();
        bytesWritten = counters.bytesWritten();
        accepts = counters.accepts();
        acceptBackoffs = counters.acceptBackoffs();
        deadlineTimerArms = counters.deadlineTimerArms();
        deadlineMoves = counters.deadlineMoves();
        deadlineExpiries = counters.deadlineExpiries();
        deadlineTimerCancels = counters.deadlineTimerCancels();
        busyNanos = counters.busyNanos();
        waitNanos = counters.waitNanos();
        stalls = counters.stalls();
    }
}
