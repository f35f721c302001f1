package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.PreferredDirectByteBufAllocator;
import io.netty.channel.unix.UnixChannelUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A TCP {@link SocketChannel} on a GoNetpoll event loop: a drop-in for {@code NioSocketChannel} and
 * {@code EpollSocketChannel}.
 *
 * <p>Reads run until the socket would block, the allocator says stop, or EOF. A short read (fewer bytes than
 * the buffer offered) ends the loop as "drained": with edge triggering, new data brings a new edge, so the
 * next read parks without trying an EAGAIN read first (about one read syscall per request, as epoll). An
 * explicit read that fills its buffer exactly asks the receive queue instead (see {@code isDrained}). Writes
 * are gathering ({@code writev} through the loop's {@link io.netty.channel.unix.IovArray}), file regions go
 * through {@code sendfile}; a write that hits EAGAIN parks the flush until the next {@code EPOLLOUT} edge.
 * Neither costs an {@code epoll_ctl}: the socket was added once, with every event.
 *
 * <p>Deadlines, as Go's {@code net.Conn}: {@link #setReadDeadline}, {@link #setWriteDeadline},
 * {@link #setDeadline}, and the options {@link GoNetpollChannelOption#READ_TIMEOUT_MILLIS} and
 * {@link GoNetpollChannelOption#WRITE_TIMEOUT_MILLIS} for pipelines that must not change.
 */
public final class GoNetpollSocketChannel extends AbstractGoNetpollChannel implements SocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(FileRegion.class) + ')';

    private final GoNetpollSocketChannelConfig config;
    private final StreamWriter writer = new StreamWriter(this);

    /** The connect in progress, if any (its write side is PARKED meanwhile). Loop thread. */
    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;

    /** A client socket of the preferred family (IPv6 unless the JVM prefers IPv4). */
    public GoNetpollSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A client socket of {@code family} ({@code null}: the preferred family). */
    public GoNetpollSocketChannel(SocketProtocolFamily family) {
        super(null, GoNetpollSocket.newStream(family), false);
        config = new GoNetpollSocketChannelConfig(this);
    }

    /** Wraps an existing socket fd; it is active if it is connected. */
    public GoNetpollSocketChannel(int fd) {
        this(new GoNetpollSocket(fd));
    }

    private GoNetpollSocketChannel(GoNetpollSocket socket) {
        super(null, socket, socket.remoteAddress() != null);
        config = new GoNetpollSocketChannelConfig(this);
    }

    /** An accepted connection. */
    GoNetpollSocketChannel(Channel parent, GoNetpollSocket socket, InetSocketAddress remoteAddress) {
        super(parent, socket, remoteAddress);
        config = new GoNetpollSocketChannelConfig(this);
    }

    /**
     * The config, as Netty's interface: GoNetpoll's own options ({@link GoNetpollChannelOption}) go through
     * {@code setOption}/{@code getOption}.
     */
    @Override
    public SocketChannelConfig config() {
        return config;
    }

    /**
     * Sets the read deadline: an absolute {@link System#nanoTime()} value, or {@code 0} for none. Callable from
     * any thread; takes effect on the channel's loop. As in Go:
     * <ul>
     *   <li>a read waiting for data when the deadline passes fails with {@link ReadDeadlineExceededException},
     *   delivered through {@code exceptionCaught}; the channel stays open;</li>
     *   <li>the deadline stays expired until it is set again: reads requested meanwhile do not run (the first
     *   of them is reported with the same exception); they run as soon as a new deadline (or none) is set;</li>
     *   <li>a deadline that has already passed expires at once; setting a deadline cancels the previous one
     *   (a timer of an older deadline never fires);</li>
     *   <li>closing the channel cancels its timers.</li>
     * </ul>
     * Precision is the tick of the group's wheel ({@link GoNetpollIoHandlerConfig#setDeadlineTickMillis}).
     */
    public void setReadDeadline(long nanoTime) {
        setDeadline(PollDesc.READ, nanoTime);
    }

    /** {@link #setReadDeadline(long)} at now + {@code timeout}; zero or negative expires at once. */
    public void setReadDeadline(Duration timeout) {
        setDeadline(PollDesc.READ, deadlineAfter(timeout));
    }

    /**
     * Sets the write deadline: an absolute {@link System#nanoTime()} value, or {@code 0} for none. Callable from
     * any thread. A flush still parked (the socket's send buffer full) when it passes fails: every flushed but
     * unwritten message fails with {@link WriteDeadlineExceededException}, which also reaches
     * {@code exceptionCaught}, and <b>the channel is closed</b>. This differs from Go, where a timed-out
     * {@code Write} returns the count written and the connection stays usable: a Netty flush may have written
     * part of a message and nobody can resume it, so continuing would corrupt the stream. Flushes made after
     * the deadline passed with nothing parked write nothing: their messages fail the same way but the channel
     * stays open, and writes run again once a new deadline (or none) is set. A connect in progress is bounded
     * by {@code CONNECT_TIMEOUT_MILLIS}, not by this.
     */
    public void setWriteDeadline(long nanoTime) {
        setDeadline(PollDesc.WRITE, nanoTime);
    }

    /** {@link #setWriteDeadline(long)} at now + {@code timeout}; zero or negative expires at once. */
    public void setWriteDeadline(Duration timeout) {
        setDeadline(PollDesc.WRITE, deadlineAfter(timeout));
    }

    /**
     * Sets the read and the write deadline to the same value (Go: {@code SetDeadline}); one timer serves
     * both. See {@link #setReadDeadline(long)} and {@link #setWriteDeadline(long)}.
     */
    public void setDeadline(long nanoTime) {
        setDeadline(PollDesc.READ | PollDesc.WRITE, nanoTime);
    }

    /** {@link #setDeadline(long)} at now + {@code timeout}; zero or negative expires at once. */
    public void setDeadline(Duration timeout) {
        setDeadline(PollDesc.READ | PollDesc.WRITE, deadlineAfter(timeout));
    }

    GoNetpollSocketChannelConfig goNetpollConfig() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new SocketUnsafe();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return UnixChannelUtil.isBufferCopyNeededForWrite(buf) ? newDirectBuffer(buf) : buf;
        }
        if (msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    /**
     * Writes until the outbound buffer is empty, the socket would block (park: the next EPOLLOUT edge resumes
     * the flush), or the write quantum ({@code WRITE_SPIN_COUNT}) is used up with the socket still writable
     * (queue the flush for the next loop turn, so one fast writer cannot starve the loop).
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int quantum = config.getWriteSpinCount();
        do {
            int messages = in.size();
            if (messages == 0) {
                pollDesc.satisfied(PollDesc.WRITE);
                clearWriteTimeout();
                return;
            }
            quantum -= messages > 1 && in.current() instanceof ByteBuf
                    ? writer.writeGathering(in)
                    : writer.writeSingle(in);
        } while (quantum > 0);

        if (quantum == 0) {
            scheduleWrite();
        } else {
            pollDesc.park(PollDesc.WRITE);
            int timeoutMillis = config.getWriteTimeoutMillis();
            if (timeoutMillis > 0) {
                armWriteTimeout(timeoutMillis);
            }
        }
    }

    @Override
    int readTimeoutMillis() {
        return config.getReadTimeoutMillis();
    }

    /** A connect in progress waits on the write side but is bounded by CONNECT_TIMEOUT_MILLIS, not by this. */
    @Override
    void writeDeadlineExpired() {
        if (connectPromise != null) {
            pollDesc.markExpired(PollDesc.WRITE);
        } else {
            super.writeDeadlineExpired();
        }
    }

    /** Starts a connect; returns {@code true} if it completed at once. */
    private boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) localAddress);
        }
        InetSocketAddress remoteInet = remoteAddress instanceof InetSocketAddress
                ? (InetSocketAddress) remoteAddress : null;
        if (remoteInet != null) {
            checkResolvable(remoteInet);
        }
        if (remote() != null) {
            // connect(2) would not report EISCONN after an EINPROGRESS that completed later.
            throw new AlreadyConnectedException();
        }
        if (localAddress != null) {
            socket.bind(localAddress);
        }
        boolean connected;
        boolean success = false;
        try {
            connected = startConnect(remoteAddress);
            // Into epoll now that the connect has started (Go: pfd.Init after connect); a connect in progress
            // waits on the write side.
            arm();
            success = true;
        } finally {
            if (!success) {
                doClose();
            }
        }
        if (connected) {
            remote(remoteInet == null ? remoteAddress : UnixChannelUtil.computeRemoteAddr(remoteInet,
                    socket.remoteAddress()));
        } else {
            pollDesc.park(PollDesc.WRITE);
        }
        // The bind took place even if the connect is still in progress (netty#3463).
        cacheLocalAddress();
        return connected;
    }

    /**
     * {@code connect(2)}, or with TCP_FASTOPEN_CONNECT a {@code sendto(MSG_FASTOPEN)} of the first flushed
     * buffer: if the kernel has a cookie the data rides on the SYN and the connect counts as done; without
     * one nothing was sent and the connect proceeds as usual.
     */
    private boolean startConnect(SocketAddress remoteAddress) throws IOException {
        if (config.isTcpFastOpenConnect() && TcpFastOpen.CLIENT_SUPPORTED
                && remoteAddress instanceof InetSocketAddress) {
            ChannelOutboundBuffer outbound = unsafe().outboundBuffer();
            outbound.addFlush();
            Object first = outbound.current();
            if (first instanceof ByteBuf && ((ByteBuf) first).hasMemoryAddress()) {
                ByteBuf data = (ByteBuf) first;
                InetSocketAddress address = (InetSocketAddress) remoteAddress;
                long written = socket.sendToAddress(data.memoryAddress(), data.readerIndex(), data.writerIndex(),
                        address.getAddress(), address.getPort(), true);
                if (written > 0) {
                    outbound.removeBytes(written);
                    return true;
                }
            }
        }
        return socket.connect(remoteAddress);
    }

    @Override
    void closeOperations() {
        ChannelPromise promise = connectPromise;
        if (promise != null) {
            // tryFailure: the user may have cancelled it concurrently.
            promise.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        Future<?> timeout = connectTimeoutFuture;
        if (timeout != null) {
            timeout.cancel(false);
            connectTimeoutFuture = null;
        }
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public boolean isShutdown() {
        return socket.isShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        Executor closeExecutor = ((SocketUnsafe) unsafe()).prepareToClose();
        if (closeExecutor != null) {
            closeExecutor.execute(() -> shutdownInput0(promise));
        } else {
            EventLoop loop = eventLoop();
            if (loop.inEventLoop()) {
                shutdownInput0(promise);
            } else {
                loop.execute(() -> shutdownInput0(promise));
            }
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            promise.setSuccess();
        } catch (Throwable cause) {
            promise.setFailure(cause);
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    /** Output first, then input; the first failure wins, as on Netty's other transports. */
    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownOutput().addListener((ChannelFutureListener) output ->
                shutdownInput().addListener((ChannelFutureListener) input -> {
                    Throwable cause = output.cause() != null ? output.cause() : input.cause();
                    if (cause == null) {
                        promise.setSuccess();
                    } else {
                        promise.setFailure(cause);
                    }
                }));
        return promise;
    }

    private final class SocketUnsafe extends AbstractGoNetpollUnsafe {
        /** Reads always land in direct memory: recv(2) needs an address. */
        private final PreferredDirectByteBufAllocator directAllocator = new PreferredDirectByteBufAllocator();

        /**
         * With SO_LINGER the close blocks until the data is sent; it runs on another executor, and the
         * registration is cancelled first so the loop does not spin on the lingering socket (netty#4449).
         */
        @Override
        protected Executor prepareToClose() {
            try {
                if (isOpen() && config.getSoLinger() > 0) {
                    if (isRegistered()) {
                        doDeregister();
                    }
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignore) {
                // The socket may have been closed meanwhile; getSoLinger() then fails. Close normally.
            }
            return null;
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not setUncancellable: a non-blocking connect can be cancelled.
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    fulfillConnectPromise(promise, wasActive);
                    return;
                }
                connectPromise = promise;
                requestedRemoteAddress = remoteAddress;
                int timeoutMillis = config.getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeoutFuture = eventLoop().schedule(() -> {
                        ChannelPromise pending = connectPromise;
                        if (pending != null && pending.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + remoteAddress))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) future -> {
                    if (future.isCancelled()) {
                        if (connectTimeoutFuture != null) {
                            connectTimeoutFuture.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        /** The write side resumed: a connect in progress completes (or fails) first, else flush. */
        @Override
        void writeReady() {
            if (connectPromise != null) {
                finishConnect();
            } else if (!socket.isOutputShutdown()) {
                super.writeReady();
            }
        }

        private void finishConnect() {
            boolean stillInProgress = false;
            try {
                boolean wasActive = isActive();
                if (!socket.finishConnect()) {
                    stillInProgress = true;
                    pollDesc.park(PollDesc.WRITE);
                    return;
                }
                if (requestedRemoteAddress instanceof InetSocketAddress) {
                    remote(UnixChannelUtil.computeRemoteAddr((InetSocketAddress) requestedRemoteAddress,
                            socket.remoteAddress()));
                }
                requestedRemoteAddress = null;
                pollDesc.satisfied(PollDesc.WRITE);
                fulfillConnectPromise(connectPromise, wasActive);
            } catch (Throwable t) {
                fulfillConnectPromise(connectPromise, annotateConnectException(t, requestedRemoteAddress));
            } finally {
                if (!stillInProgress) {
                    if (connectTimeoutFuture != null) {
                        connectTimeoutFuture.cancel(false);
                    }
                    connectPromise = null;
                }
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, boolean wasActive) {
            if (promise == null) {
                // Closed by a cancellation that already notified the promise.
                return;
            }
            active = true;
            // Read isActive() before trySuccess(): a listener may close the channel, and channelActive must
            // still fire because the connection did happen.
            boolean nowActive = isActive();
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise());
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, Throwable cause) {
            if (promise == null) {
                return;
            }
            promise.tryFailure(cause);
            closeIfClosed();
        }

        /**
         * The read loop (Go: {@code fd.Read} after the goroutine was woken). Runs until the socket would block,
         * the allocator says stop, or EOF; see the class comment for short reads.
         */
        @Override
        void readReady() {
            if (shouldBreakReadReady()) {
                return;
            }
            RecvByteBufAllocator.Handle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            directAllocator.updateAllocator(config.getAllocator());
            allocHandle.reset(config);

            ByteBuf byteBuf = null;
            boolean allDataRead = false;
            try {
                boolean drained;
                do {
                    byteBuf = allocHandle.allocate(directAllocator);
                    int attempted = byteBuf.writableBytes();
                    allocHandle.attemptedBytesRead(attempted);
                    int read = readInto(byteBuf);
                    allocHandle.lastBytesRead(read);
                    if (read <= 0) {
                        byteBuf.release();
                        byteBuf = null;
                        if (read < 0) {
                            allDataRead = true;
                        } else {
                            pollDesc.drained(PollDesc.READ);
                        }
                        break;
                    }
                    // A message: the read request that ran this loop (or one made while the previous message
                    // was delivered) is satisfied.
                    pollDesc.satisfied(PollDesc.READ);
                    // Recorded before the pipeline runs, so a read() from channelRead parks instead of queueing
                    // an EAGAIN read. Once the peer closed, the FIN may sit behind this data without a new edge:
                    // keep reading until EOF.
                    drained = isDrained(read, attempted);
                    if (drained) {
                        pollDesc.drained(PollDesc.READ);
                    }
                    allocHandle.incMessagesRead(1);
                    pipeline.fireChannelRead(byteBuf);
                    byteBuf = null;
                    if (drained || shouldBreakReadReady()) {
                        break;
                    }
                } while (allocHandle.continueReading() || pollDesc.peerClosed() && isOpen());
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (allDataRead) {
                    shutdownInput(true);
                }
            } catch (Throwable t) {
                handleReadException(pipeline, byteBuf, t, allDataRead, allocHandle);
            }
        }

        /**
         * The peer closed (FIN or RST) while no read was parked: read anyway, to EOF, so the pipeline learns of
         * the closure without having asked for data — Netty's epoll does the same on EPOLLRDHUP, and its
         * testsuite expects it (SocketHalfClosedTest, DetectPeerCloseWithoutReadTest).
         */
        @Override
        void peerClosedWhileNotReading() {
            if (pollDesc.state(PollDesc.READ) == PollDesc.READY && !pollDesc.isExpired(PollDesc.READ)) {
                readReady();
            }
        }

        /**
         * Whether a read of {@code read} bytes (of {@code attempted}) emptied the socket, so that only a new edge
         * can bring more. A short read did. A read that filled its buffer to the last byte cannot tell:
         * <ul>
         *   <li>under autoRead the loop reads on, and the next {@code recv} answers (with EAGAIN if it was empty:
         *   Netty's epoll makes the same read);</li>
         *   <li>an explicit {@code read()} (autoRead off) stops after this one message, and the answer would come
         *   from the next {@code read()}: a pass through the ready queue, an allocation and an EAGAIN
         *   {@code recv} that level-triggered epoll never makes. Here one {@code ioctl(FIONREAD)} answers at
         *   once, cheaper than that wasted read and paid only on such reads. (64-byte messages with the adaptive
         *   allocator fill its 64-byte guess about one read in nine: in the explicit-read proxy benchmark that
         *   was 0.12 EAGAIN reads per read before.)</li>
         * </ul>
         * Once the peer has closed, the FIN may sit behind the data without a new edge: never drained until EOF.
         */
        private boolean isDrained(int read, int attempted) throws IOException {
            if (pollDesc.peerClosed()) {
                return false;
            }
            if (read < attempted) {
                return true;
            }
            if (config.isAutoRead()) {
                return false;
            }
            loop.counters().increment(LoopCounters.RECEIVE_QUEUE_QUERIES);
            return socket.receiveQueueBytes() == 0;
        }

        /** One {@code recv}: bytes read, {@code 0} if it would block, {@code -1} at EOF. */
        private int readInto(ByteBuf byteBuf) throws IOException {
            int writerIndex = byteBuf.writerIndex();
            int read;
            if (byteBuf.hasMemoryAddress()) {
                read = socket.recvAddress(byteBuf.memoryAddress(), writerIndex, byteBuf.capacity());
            } else {
                java.nio.ByteBuffer nio = byteBuf.internalNioBuffer(writerIndex, byteBuf.writableBytes());
                read = socket.recv(nio, nio.position(), nio.limit());
            }
            loop.counters().increment(LoopCounters.READ_SYSCALLS);
            if (read > 0) {
                byteBuf.writerIndex(writerIndex + read);
            } else if (read == 0) {
                loop.counters().increment(LoopCounters.READS_WOULD_BLOCK);
            }
            return read;
        }

        private void handleReadException(ChannelPipeline pipeline, ByteBuf byteBuf, Throwable cause,
                                         boolean allDataRead, RecvByteBufAllocator.Handle allocHandle) {
            if (byteBuf != null) {
                if (byteBuf.isReadable()) {
                    pipeline.fireChannelRead(byteBuf);
                } else {
                    byteBuf.release();
                }
            }
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            // A failed read means the input is gone (netty#10434); so does running out of memory.
            if (allDataRead || cause instanceof IOException || cause instanceof OutOfMemoryError) {
                shutdownInput(true);
            }
        }

        /** Input shut down and either EOF was already reported or half-closure is off: nothing left to read. */
        private boolean shouldBreakReadReady() {
            return socket.isInputShutdown() && (inputClosedSeenErrorOnRead || !config.isAllowHalfClosure());
        }

        /**
         * EOF (or a read error): with half-closure allowed, shut the input and tell the pipeline; otherwise
         * close. Then, once, {@link ChannelInputShutdownReadComplete}.
         */
        private void shutdownInput(boolean allDataRead) {
            if (!socket.isInputShutdown()) {
                if (config.isAllowHalfClosure()) {
                    try {
                        socket.shutdown(true, false);
                    } catch (IOException ignored) {
                        // The input is effectively shut already.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    } catch (NotYetConnectedException ignore) {
                        // Never connected: nothing to shut down.
                    }
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }
    }
}
