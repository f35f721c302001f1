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

/**
 * What every GoNetpoll channel shares: the socket, its {@link PollDesc}, its {@link Deadlines}, the
 * registration with its loop, and the dispatch of loop events to the operations of a channel (Go:
 * {@code internal/poll.FD}). Subclasses add the operations: {@link AbstractGoNetpollStreamChannel} reads,
 * writes and connects a byte stream, {@link AbstractGoNetpollServerChannel} accepts.
 *
 * <p>Registration and epoll. Registering with a loop takes a slot ({@link GoNetpollIoHandler#register}); the
 * fd enters epoll ({@link #addToEpoll()}) once the socket can report meaningful readiness: at registration if
 * it is already active (accepted, or created from a connected fd), otherwise when it starts listening or
 * connecting, because an unbound or unconnected socket reports {@code EPOLLHUP} at once
 * (docs/epoll-pitfalls.md#an-unconnected-socket-reports-epollhup). Deregistration deletes it again;
 * re-registration on another loop adds it there.
 */
abstract class AbstractGoNetpollChannel extends AbstractChannel implements UnixChannel {
    final GoNetpollSocket socket;
    final PollDesc pollDesc = new PollDesc();
    final Deadlines deadlines = new Deadlines(this);

    /** The current registration (Netty wraps ours), or {@code null} before the first one. Loop thread. */
    private IoRegistration registration;
    /** The loop's IO handler for {@link #registration}: counters, deadline wheel, shared IovArray. Loop thread. */
    private GoNetpollIoHandler ioHandler;

    private volatile SocketAddress local;
    private volatile SocketAddress remote;
    volatile boolean active;
    /** EOF or a read error was seen (or the channel closed): no read is attempted any more. Loop thread. */
    boolean inputClosedSeenErrorOnRead;

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
     * Always {@code true}, and {@link #doRegister} checks instead: Netty's own refusal only names the loop class,
     * {@code SingleThreadIoEventLoop}, which says nothing about what is wrong, while ours names this channel's
     * type and the loop's IoHandler. The price is that Netty hands the channel to the foreign loop before
     * {@code doRegister} runs there; what runs there is only that check, which fails the promise before
     * anything touches the loop, and Netty's close of a channel that failed to register, which closes the
     * socket (nothing of ours is registered anywhere). {@code IncompatibleEventLoopTest} checks this on NIO,
     * epoll and io_uring loops: the channel ends closed, its fd released, the loop unharmed.
     */
    @Override
    protected boolean isCompatible(EventLoop eventLoop) {
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
            ioHandler = registration.attachment();
            pollDesc.registered();
            pollDesc.attach(ioHandler.counters());
            deadlines.registered(eventLoop, ioHandler);
            if (addToEpollAtRegistration()) {
                try {
                    addToEpoll();
                } catch (UncheckedIOException e) {
                    registration.cancel();
                    promise.setFailure(e.getCause());
                    return;
                }
            }
            promise.setSuccess();
        });
    }

    /**
     * Whether the fd enters epoll at registration. A stream socket does if it is active, or has a connect in
     * progress that moved here from another loop: then it has something to report (before that, an unconnected
     * socket would report EPOLLHUP at once); otherwise when it starts listening or connecting. A datagram socket
     * always does.
     */
    boolean addToEpollAtRegistration() {
        return isActive() || isConnectPending();
    }

    /**
     * Whether every write puts a whole message on the wire or nothing (datagrams): then a flush failed by the write
     * deadline leaves nothing half-sent, and the channel stays open. A byte stream cannot say so.
     */
    boolean writesWholeMessages() {
        return false;
    }

    /** Adds the fd to the loop's epoll, once per registration (Go: {@code netpollopen}). */
    final void addToEpoll() {
        registration.submit(GoNetpollIoOps.EPOLL_ADD);
    }

    @Override
    protected void doDeregister() {
        deadlines.deregistered();
        IoRegistration registration = this.registration;
        if (registration != null) {
            registration.cancel();
        }
    }

    final boolean isRegisteredWithLoop() {
        return registration != null && registration.isValid();
    }

    /** The IO handler of the loop this channel is (or was last) registered with. Loop thread. */
    final GoNetpollIoHandler ioHandler() {
        return ioHandler;
    }

    final LoopCounters counters() {
        return ioHandler.counters();
    }

    /**
     * Channel.read(): park the read until an edge, or queue it if readiness is already latched; past an expired
     * read deadline the request waits in {@link Deadlines} instead.
     */
    @Override
    protected void doBeginRead() {
        if (!isRegisteredWithLoop() || !deadlines.readRequested(readTimeoutMillis())) {
            return;
        }
        if (pollDesc.request(Sides.READ)) {
            registration.submit(GoNetpollIoOps.QUEUE_READ);
        }
    }

    /** A read remembered while the read deadline was expired may run now. */
    final void beginReadIfRegistered() {
        if (isActive() && isRegisteredWithLoop()) {
            doBeginRead();
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

    /** A connect is in progress: it waits on the write side, but a write deadline does not bound it. */
    boolean isConnectPending() {
        return false;
    }

    /** Runs the write side again at the next loop turn (a flush whose write quantum ran out). */
    final void queueWrite() {
        if (pollDesc.schedule(Sides.WRITE)) {
            registration.submit(GoNetpollIoOps.QUEUE_WRITE);
        }
    }

    /** autoRead was turned off: a read parked or queued on its behalf is no longer wanted. */
    final void cancelRead() {
        if (!isRegistered()) {
            return;
        }
        EventLoop eventLoop = eventLoop();
        if (eventLoop.inEventLoop()) {
            cancelReadOnLoop();
        } else {
            eventLoop.execute(this::cancelReadOnLoop);
        }
    }

    private void cancelReadOnLoop() {
        pollDesc.cancel(Sides.READ);
        deadlines.readCancelled();
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

    /** Forget the peer (a datagram channel's disconnect), and the addresses Netty caches. */
    @SuppressWarnings("deprecation") // AbstractChannel's caches have no other way to be cleared.
    final void forgetRemote() {
        remote = null;
        invalidateRemoteAddress();
        local = socket.localAddress();
        invalidateLocalAddress();
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
                EventLoop eventLoop = eventLoop();
                if (eventLoop.inEventLoop()) {
                    deadlines.closed();
                    doDeregister();
                } else {
                    eventLoop.execute(() -> {
                        deadlines.closed();
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

    /** The channel's side of the loop: edges and ready-queue runs arrive here, on the loop thread. */
    abstract class AbstractGoNetpollUnsafe extends AbstractUnsafe implements GoNetpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        /** The loop let go of the registration (on the loop): parked sides stop counting there. */
        @Override
        public void unregistered() {
            pollDesc.detach();
        }

        /** An epoll edge: resume the parked sides ({@link PollDesc#ready}); the others latch READY. */
        @Override
        public final void handle(IoRegistration registration, IoEvent event) {
            GoNetpollIoEvent edge = (GoNetpollIoEvent) event;
            if (edge.hasUrgentData()) {
                pollDesc.urgentDataAnnounced();
            }
            resume(pollDesc.ready(edge.sides(), edge.isPeerClosed()), edge.isPeerClosed());
        }

        /** The ready queue reached the sides this channel queued: run those still wanted. */
        @Override
        public final void runQueued(int sides) {
            int run = 0;
            if ((sides & Sides.READ) != 0 && pollDesc.isScheduled(Sides.READ)) {
                run |= Sides.READ;
            }
            if ((sides & Sides.WRITE) != 0 && pollDesc.isScheduled(Sides.WRITE)) {
                run |= Sides.WRITE;
            }
            resume(run, false);
        }

        /**
         * The write side goes first: a refused connect arrives as EPOLLERR|EPOLLOUT and must fail the connect
         * promise before any read is tried (netty#3785, #3848). The read side then reads what is queued before
         * it acts on a FIN, because the read loop runs to EOF (netty#4317).
         */
        private void resume(int sides, boolean peerClosedEdge) {
            if ((sides & Sides.WRITE) != 0) {
                writeReady();
            }
            if (isOpen()) {
                if ((sides & Sides.READ) != 0) {
                    readReady();
                } else if (peerClosedEdge) {
                    peerClosedWhileNotReading();
                }
            }
        }

        /** An edge says the peer closed, and no read was parked to see it. */
        void peerClosedWhileNotReading() {
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
            if (deadlines.isWriteExpired() && isActive()) {
                deadlines.failFlushWhileExpired();
            } else if (!pollDesc.isParked(Sides.WRITE)) {
                super.flush0();
            }
        }
    }
}
