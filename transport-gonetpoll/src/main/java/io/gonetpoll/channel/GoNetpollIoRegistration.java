package io.gonetpoll.channel;

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One handle's place in one loop: its slot and generation ({@link EventData}), whether its fd has been added
 * to epoll yet, and whether it was cancelled. {@link #cancel()} may come from any thread (Netty's contract);
 * everything else runs on the loop.
 */
final class GoNetpollIoRegistration implements IoRegistration {
    private static final AtomicIntegerFieldUpdater<GoNetpollIoRegistration> CANCELLED =
            AtomicIntegerFieldUpdater.newUpdater(GoNetpollIoRegistration.class, "cancelled");

    private final GoNetpollIoHandler handler;
    private final ThreadAwareExecutor executor;
    final GoNetpollIoHandle handle;
    /** The epoll_data tag; set once by {@link GoNetpollIoHandler#register} right after construction. */
    long eventData;
    /** The fd was added to epoll (once: it is never modified, only deleted at cancel). Loop thread. */
    boolean armed;
    /** 0 while valid, 1 once {@link #cancel()} won; any thread. */
    private volatile int cancelled;

    GoNetpollIoRegistration(GoNetpollIoHandler handler, ThreadAwareExecutor executor, GoNetpollIoHandle handle) {
        this.handler = handler;
        this.executor = executor;
        this.handle = handle;
    }

    /** The {@link GoNetpollIoHandler} of the loop: its counters and its shared IovArray. */
    @SuppressWarnings("unchecked")
    @Override
    public <T> T attachment() {
        return (T) handler;
    }

    /**
     * {@link GoNetpollIoOps#ARM} adds the fd to epoll; {@code SCHEDULE_*} queue a side for the next loop turn.
     * Loop thread only. Returns {@code -1} if the registration was cancelled, {@code 0} otherwise.
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
        if (op == GoNetpollIoOps.ARM) {
            handler.arm(this);
        } else {
            handler.schedule(this, op.sides);
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
            handler.unregister(this);
        } else {
            executor.execute(() -> handler.unregister(this));
        }
        return true;
    }

    /** Ready queue: run the scheduled sides if still registered. */
    boolean runScheduled(int sides) {
        if (!isValid()) {
            return false;
        }
        handle.handle(this, GoNetpollIoEvent.scheduled(sides));
        return true;
    }

    @Override
    public String toString() {
        return "GoNetpollIoRegistration{slot=" + EventData.slot(eventData) + ", generation="
                + EventData.generation(eventData) + ", armed=" + armed + ", valid=" + isValid() + '}';
    }
}
