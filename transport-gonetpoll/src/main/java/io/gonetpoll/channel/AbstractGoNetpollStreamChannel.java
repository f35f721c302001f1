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
import io.netty.channel.socket.DuplexChannel;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A byte-stream GoNetpoll channel (Go: {@code internal/poll.FD} of a stream socket): the read loop, flushes
 * through {@link StreamWriter}, connect, half-closure, and Go's deadline trio. TCP
 * ({@link GoNetpollSocketChannel}) is a leaf of it; so is the Unix stream socket
 * ({@link GoNetpollDomainSocketChannel}).
 *
 * <p>Reads run until the socket would block, the allocator says stop, or EOF. A short read (fewer bytes than
 * the buffer offered) ends the loop as "drained": with edge triggering, new data brings a new edge, so the
 * next read parks without trying an EAGAIN read first (about one read syscall per request, as epoll). That
 * rule holds only where nothing can stop a read early; {@code StreamUnsafe.isDrained} is the one place it is applied
 * (docs/epoll-pitfalls.md#a-short-read-is-not-always-a-drained-socket). Writes are gathering ({@code writev}
 * through the loop's {@link io.netty.channel.unix.IovArray}), file regions go through {@code sendfile}; a write
 * that hits EAGAIN parks the flush until the next {@code EPOLLOUT} edge. Neither costs an {@code epoll_ctl}:
 * the socket was added once, with every event.
 *
 * <p>Deadlines ({@link GoNetpollDeadlineChannel}) and the options
 * {@link GoNetpollChannelOption#READ_TIMEOUT_MILLIS} and {@link GoNetpollChannelOption#WRITE_TIMEOUT_MILLIS}
 * are kept by {@link Deadlines}.
 */
abstract class AbstractGoNetpollStreamChannel extends AbstractGoNetpollChannel
        implements DuplexChannel, GoNetpollDeadlineChannel {
    static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(FileRegion.class) + ')';

    private final StreamWriter writer = new StreamWriter(this);

    /** The connect in progress, if any (its write side is PARKED meanwhile). Loop thread. */
    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;

    /** A socket not connected yet: a client. */
    AbstractGoNetpollStreamChannel(GoNetpollSocket socket, boolean active) {
        super(null, socket, active);
    }

    /** An accepted connection. */
    AbstractGoNetpollStreamChannel(Channel parent, GoNetpollSocket socket, SocketAddress remote) {
        super(parent, socket, remote);
    }

    /** The config: the options every stream channel shares. */
    abstract GoNetpollStreamChannelConfig streamConfig();

    @Override
    public final void setReadDeadline(long nanoTime) {
        deadlines.set(Sides.READ, nanoTime);
    }

    @Override
    public final void setWriteDeadline(long nanoTime) {
        deadlines.set(Sides.WRITE, nanoTime);
    }

    @Override
    public final void setDeadline(long nanoTime) {
        deadlines.set(Sides.BOTH, nanoTime);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new StreamUnsafe();
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
        int quantum = streamConfig().getWriteSpinCount();
        do {
            int messages = in.size();
            if (messages == 0) {
                pollDesc.satisfied(Sides.WRITE);
                deadlines.flushDrained();
                return;
            }
            quantum -= messages > 1 && in.current() instanceof ByteBuf
                    ? writer.writeGathering(in)
                    : writer.writeSingle(in);
        } while (quantum > 0);

        if (quantum == 0) {
            queueWrite();
        } else {
            pollDesc.park(Sides.WRITE);
            deadlines.flushParked(streamConfig().getWriteTimeoutMillis());
        }
    }

    @Override
    int readTimeoutMillis() {
        return streamConfig().getReadTimeoutMillis();
    }

    @Override
    boolean isConnectPending() {
        return connectPromise != null;
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
            addToEpoll();
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
            pollDesc.park(Sides.WRITE);
        }
        // The bind took place even if the connect is still in progress (netty#3463).
        cacheLocalAddress();
        return connected;
    }

    /**
     * Whether a read that returned fewer bytes than it offered left the socket empty; asked by
     * {@code StreamUnsafe.isDrained} only once the peer-closed and urgent-data cases are ruled out. Yes where
     * nothing else stops a read early (TCP); a leaf whose reads can stop at a message boundary with data behind
     * it (Unix stream sockets: {@code SCM_RIGHTS}, credentials) must check instead.
     */
    boolean shortReadDrained() throws IOException {
        return true;
    }

    /** Starts {@code connect(2)}; returns {@code true} if it completed at once. */
    boolean startConnect(SocketAddress remoteAddress) throws IOException {
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
        EventLoop eventLoop = eventLoop();
        if (eventLoop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            eventLoop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    /**
     * On the loop, and never out of epoll: {@code shutdown(SHUT_RD)} does not block, even with
     * {@code SO_LINGER}, which only a close waits for (see {@code StreamUnsafe.prepareToClose}).
     */
    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop eventLoop = eventLoop();
        if (eventLoop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            eventLoop.execute(() -> shutdownInput0(promise));
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

    class StreamUnsafe extends AbstractGoNetpollUnsafe {
        /** Reads always land in direct memory: recv(2) needs an address. */
        private final PreferredDirectByteBufAllocator directAllocator = new PreferredDirectByteBufAllocator();

        /**
         * With SO_LINGER the close blocks until the data is sent; it runs on another executor, and the
         * registration is cancelled first so the loop does not spin on the lingering socket (netty#4449).
         */
        @Override
        protected Executor prepareToClose() {
            try {
                if (isOpen() && socket.getSoLinger() > 0) {
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
                int timeoutMillis = streamConfig().getConnectTimeoutMillis();
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
                    pollDesc.park(Sides.WRITE);
                    return;
                }
                if (requestedRemoteAddress instanceof InetSocketAddress) {
                    remote(UnixChannelUtil.computeRemoteAddr((InetSocketAddress) requestedRemoteAddress,
                            socket.remoteAddress()));
                }
                requestedRemoteAddress = null;
                pollDesc.satisfied(Sides.WRITE);
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
            GoNetpollStreamChannelConfig config = streamConfig();
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
                            pollDesc.drained(Sides.READ);
                            pollDesc.urgentDataPassed();
                        }
                        break;
                    }
                    // A message: the read request that ran this loop (or one made while the previous message
                    // was delivered) is satisfied.
                    pollDesc.satisfied(Sides.READ);
                    // Recorded before the pipeline runs, so a read() from channelRead parks instead of queueing
                    // an EAGAIN read.
                    drained = isDrained(read, attempted);
                    if (drained) {
                        pollDesc.drained(Sides.READ);
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
            if (pollDesc.isReady(Sides.READ) && !deadlines.isReadExpired()) {
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
         *   once, cheaper than that wasted read and paid only on such reads (how often it is paid: the proxy
         *   scenario in docs/benchmarks/analysis.md).</li>
         * </ul>
         * Nothing proves a drain where a read may stop early with data behind
         * (docs/epoll-pitfalls.md#a-short-read-is-not-always-a-drained-socket): once the peer has closed (the FIN
         * may sit behind the data without a new edge: reads go on until EOF), and while TCP urgent data is
         * pending (a read stops at its mark: reads go on until one finds the socket empty).
         */
        private boolean isDrained(int read, int attempted) throws IOException {
            if (pollDesc.peerClosed() || pollDesc.urgentDataPending()) {
                return false;
            }
            if (read < attempted) {
                return shortReadDrained();
            }
            if (streamConfig().isAutoRead()) {
                return false;
            }
            counters().increment(LoopCounters.RECEIVE_QUEUE_QUERIES);
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
            counters().readSyscall(read);
            if (read > 0) {
                byteBuf.writerIndex(writerIndex + read);
            }
            return read;
        }

        private void handleReadException(ChannelPipeline pipeline, ByteBuf byteBuf, Throwable cause,
                                         boolean allDataRead, RecvByteBufAllocator.Handle allocHandle) {
            pollDesc.failed(Sides.READ);
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
            return socket.isInputShutdown()
                    && (inputClosedSeenErrorOnRead || !streamConfig().isAllowHalfClosure());
        }

        /**
         * EOF (or a read error): with half-closure allowed, shut the input and tell the pipeline; otherwise
         * close. Then, once, {@link ChannelInputShutdownReadComplete}.
         */
        private void shutdownInput(boolean allDataRead) {
            if (!socket.isInputShutdown()) {
                if (streamConfig().isAllowHalfClosure()) {
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
