package io.gonetpoll.channel;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * An event loop's IO: Go's netpoller for Netty (Go: {@code runtime/netpoll_epoll.go}). Use it through
 * {@link #newFactory()}:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(GoNetpollIoHandler.newFactory());
 * }</pre>
 *
 * <p>One epoll fd per loop. Every socket is added once with {@code EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLPRI|EPOLLET} when
 * it listens, starts to connect or is accepted, and deleted once before it is closed or leaves the loop; its
 * interest is never modified. {@code epoll_data} carries a slot and a generation ({@link EventData}), so an
 * event for a cancelled registration is dropped, never delivered to a socket that reused its fd. Each event
 * is turned into sides (read, write) and handed to the channel, whose {@link PollDesc} resumes a parked
 * operation or latches the edge. Operations that stopped with readiness left wait in a {@link ReadyQueue}
 * and run at the next turn, after the loop has polled (without blocking) for everyone else.
 *
 * <p>A turn of {@link #run}: the loop's {@link SelectStrategy} (Netty's default unless configured) is told
 * whether work is pending (ready-queue entries, or tasks Netty must run). With work pending the default polls
 * without waiting. Otherwise it selects: if spinning is configured and the loop has found IO since it last
 * parked, poll for up to the spin window ({@link SpinPolicy}); then publish "sleeping" ({@link Wakeup}), re-check, and wait until the
 * next scheduled task is due — with {@code epoll_pwait2} (nanoseconds) where the kernel has it, else
 * {@code epoll_wait} with the timeout rounded up to whole milliseconds so the loop never wakes early and spins.
 * {@code BUSY_WAIT} polls once and never blocks. Then dispatch the events, then run the ready queue.
 *
 * <p>Observability: what the loop did is counted in its {@link LoopCounters} (snapshots:
 * {@link GoNetpollIoHandlerFactory#loopCounters()}); its {@link LoopHeartbeat} times its turns for the utilisation
 * metrics and the factory's stall detector ({@link StallMonitor}).
 */
public final class GoNetpollIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(GoNetpollIoHandler.class);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final ThreadAwareExecutor executor;
    private final FileDescriptor epollFd;
    private final Wakeup wakeup;
    private final EventArray events;
    private final RegistrationTable<Registration> registrations = new RegistrationTable<>(64);
    private final ReadyQueue readyQueue = new ReadyQueue();
    private final LoopCounters counters = new LoopCounters();
    private final LoopHeartbeat heartbeat;
    /** Unique in the JVM: tells apart loops whose threads share a name (JMX). */
    private final long id;
    private final boolean jmxEnabled;
    /** This loop's MXBean while registered; loop thread only (initialize, destroy). */
    private LoopMXBean mxBean;
    /** Shared by the loop's channels for gathering writes; cleared before each use. */
    private final IovArray iovArray;
    /** The group's deadline wheel, held from this loop's creation to its destruction. */
    private final SharedDeadlineWheel deadlineWheel;
    /** The factory that made this loop; told when it is destroyed, so that its totals outlive it. */
    private final GoNetpollIoHandlerFactory factory;
    private final SelectStrategy selectStrategy;
    private final SpinPolicy spin;
    /** {@code epoll_wait} with a zero timeout, for the select strategy and the spin. */
    private final IntSupplier pollNow = () -> epollWait(0);

    GoNetpollIoHandler(ThreadAwareExecutor executor, GoNetpollIoHandlerConfig config,
                       GoNetpollIoHandlerFactory factory) {
        GoNetpoll.ensureAvailability();
        this.executor = executor;
        // Before any fd is opened: a strategy factory that throws leaves nothing to close.
        SelectStrategy strategy = config.getSelectStrategyFactory().newSelectStrategy();
        if (strategy == null) {
            throw new NullPointerException("the SelectStrategyFactory returned no SelectStrategy");
        }
        selectStrategy = strategy;
        spin = new SpinPolicy(TimeUnit.MICROSECONDS.toNanos(config.getSpinBudgetMicros()),
                config.spinCreditPerIoTurnNanos(), counters);
        FileDescriptor epoll = null;
        FileDescriptor eventFd = null;
        IovArray iov = null;
        EventArray eventArray = null;
        boolean success = false;
        // Everything that holds an fd or direct memory is made inside the try: if a later step fails (no fd, no
        // direct memory for the events), the earlier ones must not leak.
        try {
            epoll = Native.newEpollFd();
            eventFd = Native.newEventFd();
            Native.epollCtlAdd(epoll.intValue(), eventFd.intValue(), Native.EPOLLIN | Native.EPOLLET,
                    EventData.WAKEUP);
            iov = new IovArray();
            eventArray = new EventArray(config.getMaxEventsPerWait());
            success = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the epoll or eventfd file descriptor", e);
        } finally {
            if (!success) {
                closeQuietly(epoll);
                closeQuietly(eventFd);
                if (iov != null) {
                    iov.release();
                }
            }
        }
        iovArray = iov;
        epollFd = epoll;
        wakeup = new Wakeup(eventFd);
        events = eventArray;
        this.factory = factory;
        this.deadlineWheel = factory.deadlineWheel();
        this.id = factory.nextLoopId();
        this.jmxEnabled = config.isJmxEnabled();
        this.heartbeat = new LoopHeartbeat(counters, factory.longTurnNanos());
        deadlineWheel.acquire();
        JfrEvents.loopCreated(this);
    }

    /** A factory with the default {@link GoNetpollIoHandlerConfig}. */
    public static GoNetpollIoHandlerFactory newFactory() {
        return newFactory(new GoNetpollIoHandlerConfig());
    }

    /** A factory whose loops read at most {@code maxEventsPerWait} events per {@code epoll_wait}. */
    public static GoNetpollIoHandlerFactory newFactory(int maxEventsPerWait) {
        return newFactory(new GoNetpollIoHandlerConfig().setMaxEventsPerWait(maxEventsPerWait));
    }

    /**
     * A factory whose loops read at most {@code maxEvents} events per wait ({@code 0}: the default) and ask
     * {@code selectStrategyFactory}'s strategies how to wait, as {@code EpollIoHandler.newFactory(maxEvents,
     * selectStrategyFactory)} does: {@code SelectStrategy.BUSY_WAIT} makes them poll epoll without ever blocking.
     */
    public static GoNetpollIoHandlerFactory newFactory(int maxEvents, SelectStrategyFactory selectStrategyFactory) {
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + " (expected: >= 0)");
        }
        GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig()
                .setSelectStrategyFactory(selectStrategyFactory);
        return newFactory(maxEvents == 0 ? config : config.setMaxEventsPerWait(maxEvents));
    }

    /** A factory with a copy of {@code config}. Fails at once if GoNetpoll cannot run on this machine. */
    public static GoNetpollIoHandlerFactory newFactory(GoNetpollIoHandlerConfig config) {
        GoNetpoll.ensureAvailability();
        if (config == null) {
            throw new NullPointerException("config");
        }
        return new GoNetpollIoHandlerFactory(config.copy());
    }

    /** The loop's thread starts (or resumes): its turns begin, and its MXBean is registered under its name. */
    @Override
    public void initialize() {
        heartbeat.started();
        if (jmxEnabled && mxBean == null) {
            try {
                mxBean = LoopMXBean.register(this, Thread.currentThread().getName(), id);
            } catch (Exception | LinkageError e) {
                logger.warn("Cannot register the MXBean of GoNetpoll loop {}", Thread.currentThread().getName(), e);
            }
        }
    }

    @Override
    public int run(IoHandlerContext context) {
        heartbeat.turnBoundary();
        int handled = 0;
        try {
            int ready = waitForEvents(context);
            if (ready == SelectStrategy.CONTINUE) {
                if (context.shouldReportActiveIoTime()) {
                    context.reportActiveIoTime(0);
                }
                return 0;
            }
            long start = context.shouldReportActiveIoTime() ? System.nanoTime() : 0;
            handled = dispatch(ready);
            int ran = readyQueue.runQueued();
            counters.add(LoopCounters.READY_QUEUE_RUNS, ran);
            handled += ran;
            spin.turnEnded(handled > 0);
            if (context.shouldReportActiveIoTime()) {
                context.reportActiveIoTime(System.nanoTime() - start);
            }
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            handleLoopException(t);
        }
        return handled;
    }

    /**
     * Fills the event array as the select strategy says; returns the number of events, or
     * {@link SelectStrategy#CONTINUE} when the strategy skips this turn's IO.
     */
    private int waitForEvents(IoHandlerContext context) throws Exception {
        boolean workPending = !readyQueue.isEmpty() || !context.canBlock();
        int strategy = selectStrategy.calculateStrategy(pollNow, workPending);
        switch (strategy) {
            case SelectStrategy.CONTINUE:
                return SelectStrategy.CONTINUE;
            case SelectStrategy.BUSY_WAIT:
                int ready = epollWait(0);
                if (ready == 0) {
                    Thread.onSpinWait();
                }
                return ready;
            case SelectStrategy.SELECT:
                return workPending ? epollWait(0) : spinThenPark(context);
            default:
                // The strategy polled through pollNow: its events are in the array.
                return strategy;
        }
    }

    private int spinThenPark(IoHandlerContext context) throws Exception {
        int found = spin.spin(context, pollNow);
        if (found != SpinPolicy.PARK) {
            return found;
        }
        wakeup.prepareToSleep();
        try {
            // Re-check after publishing SLEEPING: a task queued before that point is seen here, one queued
            // after it finds SLEEPING and writes the eventfd (see Wakeup).
            if (!context.canBlock()) {
                return epollWait(0);
            }
            spin.parking();
            long now = heartbeat.beforeWait();
            try {
                return epollWait(context.delayNanos(now));
            } finally {
                heartbeat.afterWait();
                spin.parked();
            }
        } finally {
            wakeup.awake();
        }
    }

    /** Waits at most {@code timeoutNanos} ({@code 0}: poll). Go: {@code netpoll(delay)}. */
    private int epollWait(long timeoutNanos) throws IOException {
        counters.increment(LoopCounters.EPOLL_WAITS);
        if (timeoutNanos != 0) {
            counters.increment(LoopCounters.EPOLL_WAITS_BLOCKING);
        }
        int fd = epollFd.intValue();
        if (Native.EPOLL_PWAIT2_SUPPORTED) {
            return Native.epollPwait2(fd, events.address(), events.capacity(), timeoutNanos);
        }
        // Round up: a sub-millisecond delay must not become a 0 ms poll that spins until the task is due.
        long millis = timeoutNanos / NANOS_PER_MILLI + (timeoutNanos % NANOS_PER_MILLI == 0 ? 0 : 1);
        return Native.epollWait(fd, events.address(), events.capacity(), (int) Math.min(millis, Integer.MAX_VALUE));
    }

    /**
     * Hands each event to its channel. A failure in one channel must not drop the events behind it: with edge
     * triggering they would never be reported again. So each dispatch is isolated, and an {@link Error} is
     * rethrown only after the whole batch was delivered.
     */
    private int dispatch(int ready) {
        int handled = 0;
        Error error = null;
        for (int i = 0; i < ready; i++) {
            long data = events.data(i);
            if (data == EventData.WAKEUP) {
                counters.increment(LoopCounters.WAKEUP_EVENTS);
                continue;
            }
            Registration registration = registrations.lookup(data);
            if (registration == null) {
                counters.increment(LoopCounters.STALE_EVENTS_DROPPED);
                continue;
            }
            counters.increment(LoopCounters.EVENTS);
            handled++;
            try {
                registration.handle.handle(registration, GoNetpollIoEvent.ofEpoll(events.events(i)));
            } catch (Error e) {
                if (error == null) {
                    error = e;
                }
            } catch (Throwable t) {
                logger.warn("Unexpected exception from {} while handling an event", registration.handle, t);
            }
        }
        if (error != null) {
            throw error;
        }
        return handled;
    }

    private void handleLoopException(Throwable t) {
        logger.warn("Unexpected exception in the GoNetpoll event loop", t);
        try {
            // Do not spin if the failure repeats.
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof GoNetpollIoHandle)) {
            throw new IllegalArgumentException("a GoNetpoll event loop serves GoNetpoll channels only, not "
                    + handle.getClass().getName());
        }
        Registration registration = new Registration((GoNetpollIoHandle) handle);
        registration.eventData = registrations.add(registration);
        counters.increment(LoopCounters.REGISTERED);
        handle.registered();
        return registration;
    }

    /** {@code epoll_ctl(ADD)}, once per registration (Go: {@code netpollopen}). */
    private void epollAdd(Registration registration) {
        if (registration.inEpoll) {
            throw new IllegalStateException("fd " + registration.handle.fd().intValue()
                    + " is already in epoll: GoNetpoll adds each socket once and never modifies it");
        }
        try {
            Native.epollCtlAdd(epollFd.intValue(), registration.handle.fd().intValue(),
                    Native.EPOLL_REGISTRATION_EVENTS, registration.eventData);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registration.inEpoll = true;
        counters.increment(LoopCounters.EPOLL_CTL_ADDS);
    }

    /**
     * The loop-side half of {@link Registration#cancel()} (Go: {@code netpollclose} + {@code pollCache.free}):
     * DEL while the fd is still open, then free the slot so its generation moves on.
     */
    private void unregister(Registration registration) {
        FileDescriptor fd = registration.handle.fd();
        if (registration.inEpoll && fd.isOpen()) {
            try {
                Native.epollCtlDel(epollFd.intValue(), fd.intValue());
                counters.increment(LoopCounters.EPOLL_CTL_DELS);
            } catch (IOException e) {
                logger.debug("epoll_ctl(DEL) of fd {} failed", fd.intValue(), e);
            }
        }
        registration.inEpoll = false;
        registrations.remove(registration.eventData);
        counters.add(LoopCounters.REGISTERED, -1);
        registration.handle.unregistered();
    }

    /**
     * Closes every handle still registered. The handle first: a channel deregisters through the registration
     * Netty wrapped around ours, which keeps the loop's count of registrations; cancelling ours first would
     * leave Netty counting channels that are gone. Then ours, for a handle whose close does not deregister.
     */
    @Override
    public void prepareToDestroy() {
        for (Registration registration : registrations.snapshot()) {
            try {
                registration.handle.close();
            } catch (Exception e) {
                logger.debug("Exception while closing {}", registration.handle, e);
            }
            try {
                registration.cancel();
            } catch (Exception e) {
                logger.debug("Exception while cancelling {}", registration, e);
            }
        }
    }

    /**
     * Closes what is still registered first: Netty's SingleThreadIoEventLoop ends without calling
     * {@link #prepareToDestroy()} when the shutdown begins after its last IO turn checked for it (a shutdown with
     * no quiet period requested by a task on the loop), and the channels would stay open after the loop is gone.
     * Their pipelines' inactive events, queued as tasks, are no longer run then (Netty rejects them and logs a
     * warning, "Can't invoke task later"); the sockets leave epoll and close, and their close futures complete.
     */
    @Override
    public void destroy() {
        prepareToDestroy();
        heartbeat.stopped();
        if (mxBean != null) {
            try {
                mxBean.unregister();
            } catch (Exception e) {
                logger.warn("Cannot unregister the MXBean {}", mxBean.name(), e);
            }
            mxBean = null;
        }
        JfrEvents.loopDestroyed(this);
        try {
            wakeup.close();
        } catch (IOException e) {
            logger.warn("Failed to close the eventfd", e);
        }
        closeQuietly(epollFd);
        events.free();
        iovArray.release();
        deadlineWheel.release();
        factory.retire(this);
    }

    /**
     * Netty calls this for every task submitted, from the loop's own thread too; that one never needs waking (it
     * is not in epoll_wait while it submits), so only other threads go through {@link Wakeup}.
     */
    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread())) {
            wakeup.wakeup();
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return GoNetpollIoHandle.class.isAssignableFrom(handleType);
    }

    IovArray iovArray() {
        return iovArray;
    }

    SharedDeadlineWheel deadlineWheel() {
        return deadlineWheel;
    }

    LoopCounters counters() {
        return counters;
    }

    long wakeupsWritten() {
        return wakeup.writes();
    }

    long wakeupsSaved() {
        return wakeup.saved();
    }

    LoopHeartbeat heartbeat() {
        return heartbeat;
    }

    /** The name of the loop's thread, or null before it first ran. */
    String loopName() {
        Thread thread = heartbeat.thread();
        return thread == null ? null : thread.getName();
    }

    /** Whether Netty suspended the loop (it gave its thread back, with its heartbeat left in its last turn). */
    boolean isSuspended() {
        return executor instanceof SingleThreadEventExecutor && ((SingleThreadEventExecutor) executor).isSuspended();
    }

    /** A snapshot of this loop; {@code takeLongestTurn} starts a new longest-turn window. */
    GoNetpollLoopCounters snapshot(boolean takeLongestTurn) {
        long[] values = new long[LoopCounters.COUNT];
        counters.addTo(values);
        return new GoNetpollLoopCounters(loopName(), 1, values, wakeup.writes(), wakeup.saved(), heartbeat.stalls(),
                heartbeat.longestTurn(takeLongestTurn));
    }

    /**
     * One handle's place in this loop: its slot and generation ({@link EventData}), whether its fd is in epoll
     * yet, and whether it was cancelled. {@link #cancel()} may come from any thread (Netty's contract);
     * everything else runs on the loop.
     */
    private final class Registration implements IoRegistration, ReadyQueue.Entry {
        private final GoNetpollIoHandle handle;
        /** The epoll_data tag; set by {@link #register} right after construction. */
        private long eventData;
        /** The fd was added to epoll (once: it is never modified, only deleted at cancel). Loop thread. */
        private boolean inEpoll;
        /** 0 while valid, 1 once {@link #cancel()} won; any thread. */
        private volatile int cancelled;

        Registration(GoNetpollIoHandle handle) {
            this.handle = handle;
        }

        /** The {@link GoNetpollIoHandler} of the loop: its counters, its deadline wheel, its shared IovArray. */
        @SuppressWarnings("unchecked")
        @Override
        public <T> T attachment() {
            return (T) GoNetpollIoHandler.this;
        }

        /**
         * {@link GoNetpollIoOps#EPOLL_ADD} adds the fd to epoll; {@code QUEUE_*} put a side on the ready queue
         * for the next loop turn. Loop thread only. Returns {@code -1} if the registration was cancelled,
         * {@code 0} otherwise.
         */
        @Override
        public long submit(IoOps ops) {
            if (!(ops instanceof GoNetpollIoOps)) {
                throw new IllegalArgumentException("GoNetpoll registrations take GoNetpollIoOps, not "
                        + (ops == null ? "null" : ops.getClass().getName()));
            }
            assert executor.isExecutorThread(Thread.currentThread());
            if (!isValid()) {
                return -1;
            }
            GoNetpollIoOps op = (GoNetpollIoOps) ops;
            if (op == GoNetpollIoOps.EPOLL_ADD) {
                epollAdd(this);
            } else {
                readyQueue.add(this, op.sides);
            }
            return 0;
        }

        @Override
        public boolean isValid() {
            return cancelled == 0;
        }

        @Override
        public boolean cancel() {
            if (!CANCELLED.compareAndSet(this, 0, 1)) {
                return false;
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                unregister(this);
            } else {
                executor.execute(() -> unregister(this));
            }
            return true;
        }

        /** The ready queue reached this entry: run the queued sides if still registered. */
        @Override
        public boolean runQueued(int sides) {
            if (!isValid()) {
                return false;
            }
            handle.runQueued(sides);
            return true;
        }

        @Override
        public String toString() {
            return "GoNetpollIoHandler.Registration{slot=" + EventData.slot(eventData) + ", generation="
                    + EventData.generation(eventData) + ", inEpoll=" + inEpoll + ", valid=" + isValid() + '}';
        }
    }

    private static final AtomicIntegerFieldUpdater<Registration> CANCELLED =
            AtomicIntegerFieldUpdater.newUpdater(Registration.class, "cancelled");

    private static void closeQuietly(FileDescriptor fd) {
        if (fd != null) {
            try {
                fd.close();
            } catch (IOException e) {
                logger.debug("Failed to close {}", fd, e);
            }
        }
    }
}
