package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every GoNetpoll channel shares: the socket, its {@link PollDesc}, the registration with its loop, and
 * the dispatch of loop events to the operations of a channel (Go: {@code internal/poll.FD}).
 *
 * <p>Registration and epoll. Registering with a loop takes a slot ({@link GoNetpollIoHandler#register}); the
 * fd enters epoll ({@link #arm()}) once the socket can report meaningful readiness — at registration if it is
 * already active (accepted, or created from a connected fd), otherwise when it starts listening or
 * connecting, because an unbound or unconnected socket reports {@code EPOLLHUP} at once
 * (TRANSPORT-SURVEY §7 #7). Deregistration deletes it again; re-registration on another loop adds it there.
 *
 * <p>Deadlines (DESIGN §4; Go: {@code pollDesc.rd/wd}). A {@link DeadlineTimer} keeps them on the group's wheel;
 * when one passes, the waiting operation of that side fails ({@link PollDesc#expire}) and the side stays
 * expired until a deadline is set again. How a failure reaches the pipeline:
 * <ul>
 *   <li>Read (accept, for a listener): {@link ReadDeadlineExceededException} through {@code exceptionCaught},
 *   once per expiry: when a parked read fails, or at the first {@code read()} after an expiry that found no
 *   read waiting. Go fails every {@code Read} call; a Netty read is a request whose answer comes later, so
 *   the requests made while expired are remembered instead and run as soon as a deadline is set again. The
 *   channel stays open. With auto-read, {@code read()} is requested again after the exception, as after
 *   every read: under {@code READ_TIMEOUT_MILLIS} that starts a new timeout.</li>
 *   <li>Write: see {@link GoNetpollSocketChannel}.</li>
 * </ul>
 */
abstract class AbstractGoNetpollChannel extends AbstractChannel implements UnixChannel {
    final GoNetpollSocket socket;
    final PollDesc pollDesc = new PollDesc();

    /** The current registration (Netty wraps ours), or {@code null} before the first one. Loop thread. */
    private IoRegistration registration;
    /** The loop that owns {@link #registration}: counters and the shared IovArray. Loop thread. */
    GoNetpollIoHandler loop;

    private volatile SocketAddress local;
    private volatile SocketAddress remote;
    volatile boolean active;
    /** EOF or a read error was seen (or the channel closed): no read is attempted any more. Loop thread. */
    boolean inputClosedSeenErrorOnRead;

    /**
     * Read and write deadlines, created when first used (most channels never have one); expiries run
     * {@link #deadlinesExpired} on the channel's loop. Loop thread, or the registering thread before that.
     */
    private DeadlineTimer deadlines;
    /** The deadline of the side was set by the user, not by a *_TIMEOUT_MILLIS option. Loop thread. */
    private boolean readDeadlineExplicit;
    private boolean writeDeadlineExplicit;
    /** A read was wanted while the read side was expired (Go: a Read call failed); it runs once a deadline is set. */
    private boolean readWantedWhileExpired;
    /** The current read / write expiry was reported to the pipeline. */
    private boolean readExpiryReported;
    private boolean writeExpiryReported;
    /** The write deadline is WRITE_TIMEOUT_MILLIS's, armed while a flush is parked. */
    private boolean writeTimeoutArmed;

    AbstractGoNetpollChannel(Channel parent, GoNetpollSocket socket, boolean active) {
        super(parent);
        this.socket = socket;
        this.active = active;
        if (active) {
            // Cache both addresses now: getsockname/getpeername fail once the socket is closed (netty#2359).
            local = socket.localAddress();
            remote = socket.remoteAddress();
        }
    }

    AbstractGoNetpollChannel(Channel parent, GoNetpollSocket socket, SocketAddress remote) {
        super(parent);
        this.socket = socket;
        this.active = true;
        this.remote = remote;
        this.local = socket.localAddress();
    }

    @Override
    public final FileDescriptor fd() {
        return socket;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /**
     * Always {@code true}: compatibility is checked in {@link #doRegister}, which fails the registration promise
     * with a message naming this channel's type and the loop's (Netty's own check only names the loop class,
     * {@code SingleThreadIoEventLoop}, which says nothing about what is wrong).
     */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        EventLoop eventLoop = eventLoop();
        if (!(eventLoop instanceof IoEventLoop)
                || !((IoEventLoop) eventLoop).isCompatible(AbstractGoNetpollUnsafe.class)) {
            promise.setFailure(new IllegalStateException(IncompatibleEventLoop.message(this, eventLoop)));
            return;
        }
        ((IoEventLoop) eventLoop).register((AbstractGoNetpollUnsafe) unsafe()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            registration = (IoRegistration) f.getNow();
            loop = registration.attachment();
            pollDesc.reset();
            if (deadlines != null) {
                deadlines.attach(loop.deadlineWheel(), loop.counters());
            }
            if (isActive()) {
                try {
                    arm();
                } catch (UncheckedIOException e) {
                    registration.cancel();
                    promise.setFailure(e.getCause());
                    return;
                }
            }
            promise.setSuccess();
        });
    }

    /** Adds the fd to the loop's epoll, once per registration (Go: {@code netpollopen}). */
    final void arm() {
        registration.submit(GoNetpollIoOps.ARM);
    }

    @Override
    protected void doDeregister() {
        IoRegistration registration = this.registration;
        if (registration != null) {
            registration.cancel();
        }
    }

    final boolean isRegisteredWithLoop() {
        return registration != null && registration.isValid();
    }

    /**
     * Channel.read(): park the read until an edge, or queue it if readiness is already latched. Under
     * {@code READ_TIMEOUT_MILLIS} each read request first moves the read deadline to now + timeout (Go's
     * {@code SetReadDeadline(time.Now().Add(d))} before each {@code Read}); past an expired deadline the
     * request is remembered, and reported once.
     */
    @Override
    protected void doBeginRead() {
        if (!isRegisteredWithLoop()) {
            return;
        }
        int timeoutMillis = readTimeoutMillis();
        if (timeoutMillis > 0 && !readDeadlineExplicit) {
            clearReadExpiry();
            deadlines().set(PollDesc.READ, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
        if (pollDesc.isExpired(PollDesc.READ)) {
            readWantedWhileExpired = true;
            if (!readExpiryReported) {
                readExpiryReported = true;
                // Not from inside read(): that would re-enter the pipeline from an outbound call.
                eventLoop().execute(this::fireReadDeadlineExceeded);
            }
            return;
        }
        readWantedWhileExpired = false;
        if (pollDesc.request(PollDesc.READ)) {
            registration.submit(GoNetpollIoOps.SCHEDULE_READ);
        }
    }

    /** {@code READ_TIMEOUT_MILLIS} of this channel; 0 (off) unless the channel type has the option. */
    int readTimeoutMillis() {
        return 0;
    }

    /** What {@link ReadDeadlineExceededException} says: a read, or an accept for a listener. */
    String readDeadlineMessage() {
        return "read deadline exceeded";
    }

    private DeadlineTimer deadlines() {
        DeadlineTimer timer = deadlines;
        if (timer == null) {
            timer = new DeadlineTimer() {
                @Override
                void runOnChannelLoop(Runnable task) {
                    eventLoop().execute(task);
                }

                @Override
                void expired(int sides) {
                    deadlinesExpired(sides);
                }
            };
            deadlines = timer;
            if (isRegisteredWithLoop()) {
                timer.attach(loop.deadlineWheel(), loop.counters());
            }
        }
        return timer;
    }

    private void cancelDeadlines() {
        if (deadlines != null) {
            deadlines.cancelAll();
        }
    }

    /** A deadline passed (on the loop). */
    private void deadlinesExpired(int sides) {
        if (!isOpen()) {
            return;
        }
        if ((sides & PollDesc.READ) != 0 && pollDesc.expire(PollDesc.READ)) {
            readWantedWhileExpired = true;
            readExpiryReported = true;
            fireReadDeadlineExceeded();
        }
        if ((sides & PollDesc.WRITE) != 0 && isOpen()) {
            writeDeadlineExpired();
        }
    }

    private void fireReadDeadlineExceeded() {
        if (!isOpen()) {
            return;
        }
        pipeline().fireExceptionCaught(new ReadDeadlineExceededException(readDeadlineMessage()));
        // Auto-read asks again, as after any read; a deadline still expired keeps the request waiting.
        if (isOpen() && config().isAutoRead()) {
            read();
        }
    }

    /**
     * The write deadline passed (on the loop). A parked (or queued) flush fails: every flushed message fails
     * with {@link WriteDeadlineExceededException}, which also goes to {@code exceptionCaught}, and the channel
     * closes, because part of a message may have been written and the stream cannot be resumed.
     */
    void writeDeadlineExpired() {
        if (!pollDesc.expire(PollDesc.WRITE)) {
            return;
        }
        writeExpiryReported = true;
        WriteDeadlineExceededException cause = new WriteDeadlineExceededException(
                "write deadline exceeded with a flush pending; closing the channel");
        failFlushed(cause);
        pipeline().fireExceptionCaught(cause);
        unsafe().close(unsafe().voidPromise());
    }

    /**
     * A flush while the write deadline has passed (Go: {@code Write} fails before the syscall): the flushed
     * messages fail with {@link WriteDeadlineExceededException}; nothing of them was written, so the channel
     * stays open and writes again once a deadline is set. {@code exceptionCaught} hears of it once per expiry.
     */
    private void failFlushedWhileWriteExpired() {
        ChannelOutboundBuffer outbound = unsafe().outboundBuffer();
        if (outbound == null || outbound.isEmpty()) {
            return;
        }
        WriteDeadlineExceededException cause = new WriteDeadlineExceededException("write deadline exceeded");
        failFlushed(cause);
        if (!writeExpiryReported) {
            writeExpiryReported = true;
            pipeline().fireExceptionCaught(cause);
        }
    }

    /** Fails the flushed messages, in order, leaving unflushed ones (Netty's own failFlushed is not public). */
    private void failFlushed(Throwable cause) {
        ChannelOutboundBuffer outbound = unsafe().outboundBuffer();
        if (outbound != null) {
            while (outbound.remove(cause)) {
                // Each call fails the oldest flushed message.
            }
        }
    }

    /**
     * {@code WRITE_TIMEOUT_MILLIS}: a flush parked, so the write deadline is now + timeout, unless the user set
     * one. Each park after progress moves it later (lazily, see {@link DeadlineTimer}): it measures time without
     * progress.
     */
    final void armWriteTimeout(int timeoutMillis) {
        if (!writeDeadlineExplicit) {
            writeTimeoutArmed = true;
            deadlines().set(PollDesc.WRITE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        }
    }

    /** The outbound buffer drained: the {@code WRITE_TIMEOUT_MILLIS} deadline, if armed, is no longer needed. */
    final void clearWriteTimeout() {
        if (writeTimeoutArmed) {
            writeTimeoutArmed = false;
            deadlines().set(PollDesc.WRITE, 0);
        }
    }

    private void clearReadExpiry() {
        pollDesc.clearExpired(PollDesc.READ);
        readExpiryReported = false;
    }

    /**
     * Sets the deadline of {@code sides} to the absolute {@link System#nanoTime()} value {@code deadline}
     * ({@code 0} clears), from any thread: on the loop, or before registration in the caller's thread.
     */
    final void setDeadline(int sides, long deadline) {
        EventLoop eventLoop;
        try {
            eventLoop = eventLoop();
        } catch (IllegalStateException notRegistered) {
            // Not yet given to a loop: the registration arms what is set here (same thread, or handed over
            // by the registering thread's submission to the loop).
            setDeadline0(sides, deadline);
            return;
        }
        if (eventLoop.inEventLoop()) {
            setDeadline0(sides, deadline);
        } else {
            eventLoop.execute(() -> setDeadline0(sides, deadline));
        }
    }

    private void setDeadline0(int sides, long deadline) {
        if (!isOpen()) {
            return;
        }
        if ((sides & PollDesc.READ) != 0) {
            readDeadlineExplicit = deadline != 0;
            clearReadExpiry();
        }
        if ((sides & PollDesc.WRITE) != 0) {
            writeDeadlineExplicit = deadline != 0;
            clearWriteExpiry();
        }
        if (deadlines != null || deadline != 0) {
            deadlines().set(sides, deadline);
        }
        if (readWantedWhileExpired && (sides & PollDesc.READ) != 0) {
            readWantedWhileExpired = false;
            if (isActive() && isRegisteredWithLoop()) {
                doBeginRead();
            }
        }
    }

    /** A new write deadline was set: writes may run again. */
    private void clearWriteExpiry() {
        pollDesc.clearExpired(PollDesc.WRITE);
        writeExpiryReported = false;
        writeTimeoutArmed = false;
    }

    /**
     * {@code now + timeout} on the nanoTime clock, for the {@code Duration} setters: negative and zero durations
     * give a deadline that has passed (Go: {@code SetDeadline(time.Now())}), huge ones are capped at about 73
     * years so that differences of nanoTime values cannot overflow; never {@code 0}, which would clear.
     */
    static long deadlineAfter(Duration timeout) {
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

    /** Runs the write side again at the next loop turn (a flush whose write quantum ran out). */
    final void scheduleWrite() {
        if (pollDesc.schedule(PollDesc.WRITE)) {
            registration.submit(GoNetpollIoOps.SCHEDULE_WRITE);
        }
    }

    /** autoRead was turned off: a read parked or queued on its behalf is no longer wanted. */
    final void cancelRead() {
        if (!isRegistered()) {
            return;
        }
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            cancelRead0();
        } else {
            loop.execute(this::cancelRead0);
        }
    }

    private void cancelRead0() {
        pollDesc.cancel(PollDesc.READ);
        readWantedWhileExpired = false;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) localAddress);
        }
        socket.bind(localAddress);
        local = socket.localAddress();
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    /**
     * Close order (Go: {@code destroy}): stop reading, take the fd out of epoll while it is still open, then
     * close it. {@code doClose} may run on another executor when SO_LINGER is set; then the deregistration is
     * posted to the loop and skips the DEL if the fd is already closed (netty#7159).
     */
    @Override
    protected void doClose() throws Exception {
        active = false;
        inputClosedSeenErrorOnRead = true;
        try {
            closeOperations();
            if (isRegistered()) {
                EventLoop loop = eventLoop();
                if (loop.inEventLoop()) {
                    cancelDeadlines();
                    doDeregister();
                } else {
                    loop.execute(() -> {
                        cancelDeadlines();
                        doDeregister();
                    });
                }
            }
        } finally {
            socket.close();
        }
    }

    /** Fails what is pending on this channel beyond the outbound buffer (a connect); called by {@link #doClose}. */
    void closeOperations() {
    }

    final void cacheLocalAddress() {
        local = socket.localAddress();
    }

    final void remote(SocketAddress remote) {
        this.remote = remote;
    }

    final SocketAddress remote() {
        return remote;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    static void checkResolvable(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    /** A direct copy of {@code buf} (released), for writes of heap buffers: the syscalls need native memory. */
    final ByteBuf newDirectBuffer(ByteBuf buf) {
        int readable = buf.readableBytes();
        if (readable == 0) {
            ReferenceCountUtil.release(buf);
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBufAllocator alloc = alloc();
        ByteBuf direct = alloc.isDirectBufferPooled() ? null : ByteBufUtil.threadLocalDirectBuffer();
        if (direct == null) {
            direct = alloc.directBuffer(readable);
        }
        direct.writeBytes(buf, buf.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(buf);
        return direct;
    }

    @Override
    public abstract ChannelMetadata metadata();

    @Override
    protected abstract AbstractGoNetpollUnsafe newUnsafe();

    /** The channel's side of the loop: events and ready-queue runs arrive here, on the loop thread. */
    abstract class AbstractGoNetpollUnsafe extends AbstractUnsafe implements GoNetpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        /**
         * An edge resumes the parked sides ({@link PollDesc#ready}); a ready-queue run resumes the scheduled
         * ones. The write side goes first: a refused connect arrives as EPOLLERR|EPOLLOUT and must fail the
         * connect promise before any read is tried (netty#3785, #3848). The read side then reads what is
         * queued before it acts on a FIN, because the read loop runs to EOF (netty#4317).
         */
        @Override
        public final void handle(IoRegistration registration, IoEvent event) {
            GoNetpollIoEvent ioEvent = (GoNetpollIoEvent) event;
            int resume = ioEvent.isScheduled()
                    ? runScheduled(ioEvent.sides())
                    : pollDesc.ready(ioEvent.sides(), ioEvent.isPeerClosed());
            if ((resume & PollDesc.WRITE) != 0) {
                writeReady();
            }
            if (isOpen()) {
                if ((resume & PollDesc.READ) != 0) {
                    readReady();
                } else if (ioEvent.isPeerClosed()) {
                    peerClosedWhileNotReading();
                }
            }
        }

        /** An edge says the peer closed, and no read was parked to see it. */
        void peerClosedWhileNotReading() {
        }

        private int runScheduled(int sides) {
            int run = 0;
            if ((sides & PollDesc.READ) != 0 && pollDesc.runScheduled(PollDesc.READ)) {
                run |= PollDesc.READ;
            }
            if ((sides & PollDesc.WRITE) != 0 && pollDesc.runScheduled(PollDesc.WRITE)) {
                run |= PollDesc.WRITE;
            }
            return run;
        }

        /** The read side may run: the read loop, or the accept loop (Go: the goroutine parked in Read). */
        abstract void readReady();

        /** The write side may run: finish a connect, or flush what is pending. */
        void writeReady() {
            super.flush0();
        }

        /**
         * A flush while the write side is parked waits for its edge instead of making an EAGAIN write; past the
         * write deadline it fails at once.
         */
        @Override
        protected final void flush0() {
            if (pollDesc.isExpired(PollDesc.WRITE) && isActive()) {
                failFlushedWhileWriteExpired();
            } else if (!pollDesc.isParked(PollDesc.WRITE)) {
                super.flush0();
            }
        }
    }
}
