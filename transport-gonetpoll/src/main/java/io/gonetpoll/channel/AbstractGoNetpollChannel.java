package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
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
 * What every GoNetpoll channel shares: the socket, its {@link PollDesc}, the registration with its loop, and
 * the dispatch of loop events to the operations of a channel (Go: {@code internal/poll.FD}).
 *
 * <p>Registration and epoll. Registering with a loop takes a slot ({@link GoNetpollIoHandler#register}); the
 * fd enters epoll ({@link #arm()}) once the socket can report meaningful readiness — at registration if it is
 * already active (accepted, or created from a connected fd), otherwise when it starts listening or
 * connecting, because an unbound or unconnected socket reports {@code EPOLLHUP} at once
 * (TRANSPORT-SURVEY §7 #7). Deregistration deletes it again; re-registration on another loop adds it there.
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

    /** Channel.read(): park the read until an edge, or queue it if readiness is already latched. */
    @Override
    protected void doBeginRead() {
        if (isRegisteredWithLoop() && pollDesc.request(PollDesc.READ)) {
            registration.submit(GoNetpollIoOps.SCHEDULE_READ);
        }
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
            pollDesc.cancel(PollDesc.READ);
        } else {
            loop.execute(() -> pollDesc.cancel(PollDesc.READ));
        }
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
                    doDeregister();
                } else {
                    loop.execute(this::doDeregister);
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

        /** A flush while the write side is parked waits for its edge instead of making an EAGAIN write. */
        @Override
        protected final void flush0() {
            if (!pollDesc.isParked(PollDesc.WRITE)) {
                super.flush0();
            }
        }
    }
}
