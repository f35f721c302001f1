package io.gonetpoll.channel;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Everything about one channel's read and write deadlines, in one place (Go: a {@code pollDesc}'s {@code rd},
 * {@code wd}, the {@code pollExpired*Deadline} bits of {@code atomicInfo}, and {@code netpolldeadlineimpl}),
 * plus what Go has no need for: how an expiry reaches a Netty pipeline. Every GoNetpoll channel has one; the
 * timers themselves (deadline values, sequence numbers, lazy re-arming) are its {@link DeadlineTimer}, made at
 * the first deadline, since most channels never have one.
 *
 * <p>Per side it keeps:
 * <pre>
 * expired     Go rd/wd = -1. The deadline passed; sticky until the deadline is set again. While set, the
 *             channel runs no operation on the side (Go's netpollcheckerr): reads wait, flushes fail.
 * explicit    The deadline was set by the user (GoNetpollDeadlineChannel); READ_TIMEOUT_MILLIS and
 *             WRITE_TIMEOUT_MILLIS leave it alone until it is cleared.
 * reported    The current expiry reached exceptionCaught: the pipeline hears of each expiry once.
 * read only:  readWantedWhileExpired  A read was requested while expired (Go: a Read call failed). Netty's read
 *             is a request whose answer comes later, so it is remembered and run once a deadline is set again.
 * write only: writeTimeoutArmed  The write deadline is WRITE_TIMEOUT_MILLIS's, armed while a flush is parked.
 * </pre>
 *
 * <p>How an expiry reaches the pipeline:
 * <ul>
 *   <li>Read (accept, for a listener): {@link ReadDeadlineExceededException} through {@code exceptionCaught},
 *   once per expiry: when a parked read fails, or at the first {@code read()} after an expiry that found no
 *   read waiting. The channel stays open. With auto-read, {@code read()} is requested again after the
 *   exception, as after every read: under {@code READ_TIMEOUT_MILLIS} that starts a new timeout.</li>
 *   <li>Write: a parked (or queued) flush fails: every flushed message fails with
 *   {@link WriteDeadlineExceededException}, which also goes to {@code exceptionCaught}, and the channel
 *   closes, because part of a message may have been written and a stream cannot be resumed (a datagram channel
 *   stays open: a datagram is sent whole or not at all). A flush made
 *   while expired writes nothing: its messages fail and the channel stays open. A connect in progress waits
 *   on the write side but is bounded by {@code CONNECT_TIMEOUT_MILLIS}: the side is only marked.</li>
 * </ul>
 *
 * <p>Threads. Once the channel is registered every method runs on its event loop; {@link #set} from other
 * threads posts itself there. Before the first registration there is no loop: {@link #set} then runs in the
 * caller's thread under this object's lock, which {@link #registered} takes too, so what was set before
 * registration is handed over to the loop whole (and armed there).
 */
final class Deadlines {
    private final AbstractGoNetpollChannel channel;
    /** The loop the channel is registered with; null before the first registration. Written under the lock. */
    private volatile EventLoop eventLoop;
    /** Null until a deadline is first set. */
    private DeadlineTimer timer;

    private boolean readExpired;
    private boolean writeExpired;
    private boolean readExplicit;
    private boolean writeExplicit;
    private boolean readReported;
    private boolean writeReported;
    private boolean readWantedWhileExpired;
    private boolean writeTimeoutArmed;

    Deadlines(AbstractGoNetpollChannel channel) {
        this.channel = channel;
    }

    /**
     * {@code now + timeout} on the nanoTime clock, for the {@code Duration} setters: negative and zero durations
     * give a deadline that has passed (Go: {@code SetDeadline(time.Now())}), huge ones are capped at about 73
     * years so that differences of nanoTime values cannot overflow; never {@code 0}, which would clear.
     */
    static long nanoTimeAfter(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            nanos = timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long cap = Long.MAX_VALUE >> 2;
        nanos = Math.max(-cap, Math.min(cap, nanos));
        long deadline = System.nanoTime() + nanos;
        return deadline == 0 ? 1 : deadline;
    }

    /**
     * The channel joined a loop (on that loop): from now on everything runs there, and deadlines set before
     * are armed on its wheel.
     */
    synchronized void registered(EventLoop eventLoop, GoNetpollIoHandler ioHandler) {
        this.eventLoop = eventLoop;
        if (timer != null) {
            timer.attach(ioHandler.deadlineWheel(), ioHandler.counters());
        }
    }

    /**
     * The channel left its loop (on that loop). Until it joins another, setters run under the lock as before the
     * first registration, tasks already posted to this loop follow the channel instead of running here, and the
     * timers wait for the next loop's wheel. The loop left behind may shut down meanwhile.
     */
    synchronized void deregistered() {
        eventLoop = null;
        if (timer != null) {
            timer.detach();
        }
    }

    /**
     * Go's {@code SetReadDeadline} / {@code SetWriteDeadline} / {@code SetDeadline}: sets the deadline of
     * {@code sides} to the absolute {@link System#nanoTime()} value {@code deadline} ({@code 0} clears), from
     * any thread.
     */
    void set(int sides, long deadline) {
        EventLoop owner = eventLoop;
        if (owner == null) {
            synchronized (this) {
                owner = eventLoop;
                if (owner == null) {
                    setOnOwner(sides, deadline);
                    return;
                }
            }
        }
        if (owner.inEventLoop()) {
            setOnOwner(sides, deadline);
        } else {
            EventLoop postedTo = owner;
            owner.execute(() -> {
                if (eventLoop == postedTo) {
                    setOnOwner(sides, deadline);
                } else {
                    set(sides, deadline); // the channel moved on meanwhile: follow it
                }
            });
        }
    }

    /** {@link #set}, on the loop (or, before registration, under the lock). */
    private void setOnOwner(int sides, long deadline) {
        if (!channel.isOpen()) {
            return;
        }
        if ((sides & Sides.READ) != 0) {
            readExplicit = deadline != 0;
            clearReadExpiry();
        }
        if ((sides & Sides.WRITE) != 0) {
            writeExplicit = deadline != 0;
            writeExpired = false;
            writeReported = false;
            writeTimeoutArmed = false;
        }
        if (timer != null || deadline != 0) {
            timer().set(sides, deadline);
        }
        if (readWantedWhileExpired && (sides & Sides.READ) != 0) {
            readWantedWhileExpired = false;
            channel.beginReadIfRegistered();
        }
    }

    /**
     * A read was requested (loop thread). Under {@code READ_TIMEOUT_MILLIS} ({@code timeoutMillis > 0}) the
     * read deadline first moves to now + timeout (Go's {@code SetReadDeadline(time.Now().Add(d))} before each
     * {@code Read}), unless the user set one. Returns whether the read may run; if the side is expired the
     * request is remembered instead, and reported once.
     */
    boolean readRequested(int timeoutMillis) {
        if (timeoutMillis > 0 && !readExplicit) {
            clearReadExpiry();
            timer().set(Sides.READ, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
        if (!readExpired) {
            readWantedWhileExpired = false;
            return true;
        }
        readWantedWhileExpired = true;
        if (!readReported) {
            readReported = true;
            // Not from inside read(): that would re-enter the pipeline from an outbound call.
            channel.eventLoop().execute(this::reportReadExpiry);
        }
        return false;
    }

    /** autoRead was turned off: a read remembered while expired is no longer wanted. */
    void readCancelled() {
        readWantedWhileExpired = false;
    }

    boolean isReadExpired() {
        return readExpired;
    }

    boolean isWriteExpired() {
        return writeExpired;
    }

    /**
     * {@code WRITE_TIMEOUT_MILLIS}: a flush parked, so the write deadline is now + timeout, unless the user set
     * one. Each park after progress moves it later (lazily, see {@link DeadlineTimer}): it measures time
     * without progress.
     */
    void flushParked(int timeoutMillis) {
        if (timeoutMillis > 0 && !writeExplicit) {
            writeTimeoutArmed = true;
            timer().set(Sides.WRITE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
    }

    /** The outbound buffer drained: the {@code WRITE_TIMEOUT_MILLIS} deadline, if armed, is no longer needed. */
    void flushDrained() {
        if (writeTimeoutArmed) {
            writeTimeoutArmed = false;
            timer().set(Sides.WRITE, 0);
        }
    }

    /**
     * A flush while the write deadline has passed (Go: {@code Write} fails before the syscall): the flushed
     * messages fail with {@link WriteDeadlineExceededException}; nothing of them was written, so the channel
     * stays open. {@code exceptionCaught} hears of it once per expiry.
     */
    void failFlushWhileExpired() {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        if (outbound == null || outbound.isEmpty()) {
            return;
        }
        WriteDeadlineExceededException cause = new WriteDeadlineExceededException("write deadline exceeded");
        failFlushed(outbound, cause);
        if (!writeReported) {
            writeReported = true;
            channel.pipeline().fireExceptionCaught(cause);
        }
    }

    /** The channel closed: no timer of it may fire any more. */
    void closed() {
        if (timer != null) {
            timer.cancelAll();
        }
    }

    private DeadlineTimer timer() {
        DeadlineTimer t = timer;
        if (t == null) {
            t = new DeadlineTimer() {
                @Override
                void runOnChannelLoop(Runnable task) {
                    EventLoop owner = eventLoop;
                    if (owner == null) {
                        return; // between loops: the next registration arms every deadline again
                    }
                    owner.execute(() -> {
                        if (eventLoop == owner) {
                            task.run();
                        }
                    });
                }

                @Override
                void expired(int sides) {
                    deadlinesPassed(sides);
                }
            };
            timer = t;
            if (channel.isRegisteredWithLoop()) {
                GoNetpollIoHandler ioHandler = channel.ioHandler();
                t.attach(ioHandler.deadlineWheel(), ioHandler.counters());
            }
        }
        return t;
    }

    private void clearReadExpiry() {
        readExpired = false;
        readReported = false;
    }

    /** Deadlines of {@code sides} passed (on the loop; Go: {@code netpolldeadlineimpl}). */
    private void deadlinesPassed(int sides) {
        if (!channel.isOpen()) {
            return;
        }
        if ((sides & Sides.READ) != 0) {
            readExpired = true;
            if (channel.pollDesc.expire(Sides.READ)) {
                readWantedWhileExpired = true;
                readReported = true;
                reportReadExpiry();
            }
        }
        if ((sides & Sides.WRITE) != 0 && channel.isOpen()) {
            writeExpired = true;
            if (!channel.isConnectPending() && channel.pollDesc.expire(Sides.WRITE)) {
                failParkedFlush();
            }
        }
    }

    private void reportReadExpiry() {
        if (!channel.isOpen()) {
            return;
        }
        channel.pipeline().fireExceptionCaught(new ReadDeadlineExceededException(channel.readDeadlineMessage()));
        // Auto-read asks again, as after any read; a deadline still expired keeps the request waiting.
        if (channel.isOpen() && channel.config().isAutoRead()) {
            channel.read();
        }
    }

    /**
     * A parked or queued flush outlived the write deadline: fail it and close (see the class comment), unless the
     * channel writes whole messages (datagrams), where nothing was half-sent and the channel stays open.
     */
    private void failParkedFlush() {
        writeReported = true;
        boolean close = !channel.writesWholeMessages();
        WriteDeadlineExceededException cause = new WriteDeadlineExceededException(close
                ? "write deadline exceeded with a flush pending; closing the channel"
                : "write deadline exceeded with a flush pending");
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        if (outbound != null) {
            failFlushed(outbound, cause);
        }
        channel.pipeline().fireExceptionCaught(cause);
        if (close) {
            channel.unsafe().close(channel.unsafe().voidPromise());
        }
    }

    /** Fails the flushed messages, in order, leaving unflushed ones (Netty's own failFlushed is not public). */
    private static void failFlushed(ChannelOutboundBuffer outbound, Throwable cause) {
        while (outbound.remove(cause)) {
            // Each call fails the oldest flushed message.
        }
    }
}
