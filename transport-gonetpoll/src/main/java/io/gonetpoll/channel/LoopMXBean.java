package io.gonetpoll.channel;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * The {@link GoNetpollLoopMXBean} of one loop, and its registration with the platform MBean server: made when the
 * loop's thread starts (the name is the thread's), removed when the loop is destroyed. Only touched when the
 * config enables JMX, so that {@code java.management} is needed only then.
 */
final class LoopMXBean implements GoNetpollLoopMXBean {
    private final GoNetpollIoHandler loop;
    private final ObjectName name;

    private LoopMXBean(GoNetpollIoHandler loop, ObjectName name) {
        this.loop = loop;
        this.name = name;
    }

    /** Registers the loop's MXBean under its thread's name; returns it, to be {@link #unregister()}ed. */
    static LoopMXBean register(GoNetpollIoHandler loop, String threadName, long id) throws JMException {
        ObjectName name = new ObjectName("io.gonetpoll:type=EventLoop,name=" + ObjectName.quote(threadName)
                + ",id=" + id);
        LoopMXBean bean = new LoopMXBean(loop, name);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(bean, name);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("an MBean named " + name + " is already registered", e);
        }
        return bean;
    }

    ObjectName name() {
        return name;
    }

    void unregister() throws JMException {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException alreadyGone) {
            // Somebody else unregistered it: nothing left to do.
        }
    }

    /** A snapshot that leaves the longest-turn window alone: only {@link #getLongestTurnNanos()} takes it. */
    private GoNetpollLoopCounters snapshot() {
        return loop.snapshot(false);
    }

    @Override
    public String getLoopName() {
        return loop.loopName();
    }

    @Override
    public long getRegisteredChannels() {
        return snapshot().registeredChannels();
    }

    @Override
    public long getReadersParked() {
        return snapshot().readersParked();
    }

    @Override
    public long getWritersParked() {
        return snapshot().writersParked();
    }

    @Override
    public long getEpollWaits() {
        return snapshot().epollWaits();
    }

    @Override
    public long getBlockingEpollWaits() {
        return snapshot().blockingEpollWaits();
    }

    @Override
    public long getEvents() {
        return snapshot().events();
    }

    @Override
    public long getStaleEventsDropped() {
        return snapshot().staleEventsDropped();
    }

    @Override
    public long getWakeupEvents() {
        return snapshot().wakeupEvents();
    }

    @Override
    public long getWakeupsWritten() {
        return snapshot().wakeupsWritten();
    }

    @Override
    public long getWakeupsSaved() {
        return snapshot().wakeupsSaved();
    }

    @Override
    public long getEpollCtlAdds() {
        return snapshot().epollCtlAdds();
    }

    @Override
    public long getEpollCtlDels() {
        return snapshot().epollCtlDels();
    }

    @Override
    public long getReadyQueueRuns() {
        return snapshot().readyQueueRuns();
    }

    @Override
    public long getReadSyscalls() {
        return snapshot().readSyscalls();
    }

    @Override
    public long getReadsWouldBlock() {
        return snapshot().readsWouldBlock();
    }

    @Override
    public long getBytesRead() {
        return snapshot().bytesRead();
    }

    @Override
    public long getReceiveQueueQueries() {
        return snapshot().receiveQueueQueries();
    }

    @Override
    public long getWriteSyscalls() {
        return snapshot().writeSyscalls();
    }

    @Override
    public long getWritesWouldBlock() {
        return snapshot().writesWouldBlock();
    }

    @Override
    public long getBytesWritten() {
        return snapshot().bytesWritten();
    }

    @Override
    public long getAcceptSyscalls() {
        return snapshot().acceptSyscalls();
    }

    @Override
    public long getAcceptsWouldBlock() {
        return snapshot().acceptsWouldBlock();
    }

    @Override
    public long getAccepts() {
        return snapshot().accepts();
    }

    @Override
    public long getAcceptBackoffs() {
        return snapshot().acceptBackoffs();
    }

    @Override
    public long getAcceptQueueQueries() {
        return snapshot().acceptQueueQueries();
    }

    @Override
    public long getDeadlineTimerArms() {
        return snapshot().deadlineTimerArms();
    }

    @Override
    public long getDeadlineMoves() {
        return snapshot().deadlineMoves();
    }

    @Override
    public long getDeadlineTimerCancels() {
        return snapshot().deadlineTimerCancels();
    }

    @Override
    public long getDeadlineExpiries() {
        return snapshot().deadlineExpiries();
    }

    @Override
    public long getBusyNanos() {
        return snapshot().busyNanos();
    }

    @Override
    public long getWaitNanos() {
        return snapshot().waitNanos();
    }

    @Override
    public long getLongestTurnNanos() {
        return loop.snapshot(true).longestTurnNanos();
    }

    @Override
    public long getStalls() {
        return snapshot().stalls();
    }
}
