package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.PreferredDirectByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.UncheckedBooleanSupplier;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.util.ArrayList;
import java.util.List;

/**
 * A message (datagram) GoNetpoll channel (Go: {@code internal/poll.FD} of a datagram socket, as
 * {@code net.UDPConn} and {@code net.UnixConn} use it): the read loop, the flush, connect and disconnect, and
 * Go's deadline trio. UDP ({@link GoNetpollDatagramChannel}) and Unix-domain datagram sockets
 * ({@link GoNetpollDomainDatagramChannel}) are its leaves; a leaf supplies one {@link #receive} and one
 * {@link #send}, and its addresses.
 *
 * <p>Edges. A datagram socket enters epoll once, at registration (unlike a stream socket, an unbound or
 * unconnected datagram socket reports nothing spurious: no {@code EPOLLHUP}), with every event, and is never
 * modified.
 * <ul>
 *   <li>Reads run until {@code recvfrom} says {@code EAGAIN} — the only proof that the queue is empty: a datagram
 *   shorter than the buffer says nothing about the datagrams behind it, so the stream channels' "a short read
 *   drained the socket" does not apply. Each turn is bounded by the allocator handle
 *   ({@code MAX_MESSAGES_PER_READ}); a read stopped by it leaves the read side READY, and the next read request
 *   ({@code autoRead}'s, or the user's {@code read()}) runs from the ready queue, so a queue longer than one
 *   turn is delivered without a new edge.</li>
 *   <li>Writes send one datagram per {@code sendto}; on {@code EAGAIN} the flush parks until the next
 *   {@code EPOLLOUT} edge; after {@code MAX_MESSAGES_PER_WRITE} datagrams with more flushed it runs again from
 *   the ready queue. A datagram that fails (an unreachable port, a datagram too large, a bad address) fails
 *   its own promise and the flush goes on with the next one, as on Netty's epoll (netty#2665): one channel may
 *   talk to many peers.</li>
 *   <li>Read errors (on a connected socket, an ICMP error the kernel reported: {@code PortUnreachableException}
 *   for "port unreachable", as on epoll and NIO) reach {@code exceptionCaught}; the channel stays open, and the
 *   read side stays READY, so the next read request reads on.</li>
 * </ul>
 *
 * <p>Deadlines ({@link GoNetpollDeadlineChannel}) and {@code READ_TIMEOUT_MILLIS} / {@code WRITE_TIMEOUT_MILLIS}
 * are kept by {@link Deadlines}, as on the stream channels, with one difference: a parked flush that outlives the
 * write deadline fails its datagrams but does not close the channel, since a datagram is sent whole or not at all
 * ({@link #writesWholeMessages()}).
 */
abstract class AbstractGoNetpollDatagramChannel extends AbstractGoNetpollChannel implements GoNetpollDeadlineChannel {
    static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);

    /** {@code connect(2)} succeeded and no disconnect followed. */
    private volatile boolean connected;

    AbstractGoNetpollDatagramChannel(GoNetpollDatagramSocket socket, boolean active) {
        super(null, socket, active);
    }

    /** The config: the options every datagram channel shares. */
    abstract GoNetpollDatagramBaseConfig datagramConfig();

    final GoNetpollDatagramSocket datagramSocket() {
        return (GoNetpollDatagramSocket) socket;
    }

    /**
     * Datagrams into {@code buf}, as messages ({@code DatagramPacket}, {@code DomainDatagramPacket}) appended to
     * {@code out}: one per {@code recvfrom}, or a batch from one {@code recvmmsg}. Returns their total length; if
     * nothing is queued (EAGAIN) it adds nothing, and {@code buf} stays the caller's to release; otherwise the
     * messages own it. {@link #lastReceiveFoundQueueEmpty()} then says whether the kernel found the queue empty
     * behind them. Loop thread.
     */
    abstract int receive(ByteBuf buf, List<Object> out) throws Exception;

    /** The last {@link #receive} that returned datagrams also saw EAGAIN behind them (a short recvmmsg batch). */
    boolean lastReceiveFoundQueueEmpty() {
        return false;
    }

    /**
     * Sends several of the flushed messages at the head of {@code in} (at most {@code max}) with one syscall
     * ({@code sendmmsg}), without removing them: how many were sent, {@code -1} if the socket would block, or
     * {@code 0} if no batch of two or more can be made (the flush then sends one datagram alone). The default
     * makes none.
     */
    int sendBatch(ChannelOutboundBuffer in, int max) throws Exception {
        return 0;
    }

    /** Sends one flushed message as one datagram: {@code true} if sent, {@code false} if the socket would block. */
    abstract boolean send(Object msg) throws Exception;

    /**
     * {@code connect(2)} succeeded: the connected peer's address, as the leaf's type; the leaf also records the
     * local address the connect may have bound.
     */
    abstract SocketAddress connectedRemote(SocketAddress requested) throws IOException;

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

    /** Bound or connected, or registered with {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}; open. */
    @Override
    public boolean isActive() {
        return socket.isOpen() && (active || datagramConfig().isActiveOnOpen() && isRegistered());
    }

    public boolean isConnected() {
        return connected;
    }

    @Override
    boolean addToEpollAtRegistration() {
        return true;
    }

    @Override
    boolean writesWholeMessages() {
        return true;
    }

    @Override
    int readTimeoutMillis() {
        return datagramConfig().getReadTimeoutMillis();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        active = true;
    }

    /**
     * {@code connect(2)} of a datagram socket completes at once: it only records the peer (and binds an unbound
     * socket). A second connect fails, as on epoll.
     */
    private void doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote() != null) {
            throw new AlreadyConnectedException();
        }
        if (localAddress != null) {
            doBind(localAddress);
        }
        checkConnectable(remoteAddress);
        connectSocket(remoteAddress);
        remote(connectedRemote(remoteAddress));
        connected = true;
        active = true;
    }

    /** {@code connect(2)}; a leaf may name the address in the failure. */
    void connectSocket(SocketAddress remoteAddress) throws IOException {
        socket.connect(remoteAddress);
    }

    /** Rejects an address {@code connect(2)} cannot take (unresolved, or of the wrong type). */
    void checkConnectable(SocketAddress remoteAddress) {
    }

    /** As epoll: the socket forgets its peer, and the channel is inactive until it is bound or connected again. */
    @Override
    protected void doDisconnect() throws Exception {
        socket.disconnect();
        connected = false;
        active = false;
        forgetRemote();
    }

    @Override
    protected void doClose() throws Exception {
        connected = false;
        super.doClose();
    }

    /**
     * Sends the flushed datagrams in order: see the class comment for parking, the per-turn bound and errors.
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        GoNetpollDatagramBaseConfig config = datagramConfig();
        int budget = config.getMaxMessagesPerWrite();
        LoopCounters counters = counters();
        for (;;) {
            Object msg = in.current();
            if (msg == null) {
                pollDesc.satisfied(Sides.WRITE);
                deadlines.flushDrained();
                return;
            }
            if (budget <= 0) {
                queueWrite();
                return;
            }
            if (budget > 1 && in.size() > 1) {
                int batch = sendBatch(in, budget);
                if (batch > 0) {
                    counters.increment(LoopCounters.WRITE_SYSCALLS);
                    for (int i = 0; i < batch; i++) {
                        in.remove();
                    }
                    budget -= batch;
                    continue;
                }
                if (batch < 0) {
                    counters.increment(LoopCounters.WRITE_SYSCALLS);
                    counters.increment(LoopCounters.WRITES_WOULD_BLOCK);
                    pollDesc.park(Sides.WRITE);
                    deadlines.flushParked(config.getWriteTimeoutMillis());
                    return;
                }
            }
            budget--;
            boolean sent;
            try {
                counters.increment(LoopCounters.WRITE_SYSCALLS);
                sent = send(msg);
            } catch (IOException e) {
                in.remove(e);
                continue;
            }
            if (!sent) {
                counters.increment(LoopCounters.WRITES_WOULD_BLOCK);
                pollDesc.park(Sides.WRITE);
                deadlines.flushParked(config.getWriteTimeoutMillis());
                return;
            }
            in.remove();
        }
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    /** Messages a failed read did not deliver (a pipeline that threw in the middle of a batch). */
    private static void releaseAll(List<Object> messages) {
        for (Object message : messages) {
            ReferenceCountUtil.release(message);
        }
        messages.clear();
    }

    final class DatagramUnsafe extends AbstractGoNetpollUnsafe {
        /** Reads always land in direct memory: recvfrom(2) needs an address. */
        private final PreferredDirectByteBufAllocator directAllocator = new PreferredDirectByteBufAllocator();
        /** The messages of one receive; empty between receives. Loop thread. */
        private final List<Object> packets = new ArrayList<>();

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            try {
                boolean wasActive = isActive();
                doConnect(remoteAddress, localAddress);
                boolean nowActive = isActive();
                promise.trySuccess();
                if (!wasActive && nowActive) {
                    pipeline().fireChannelActive();
                }
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        /**
         * The read loop (Go: {@code fd.ReadFrom} after the goroutine was woken): one datagram per
         * {@code recvfrom} until EAGAIN or the allocator's limit (see the class comment).
         */
        @Override
        void readReady() {
            GoNetpollDatagramBaseConfig config = datagramConfig();
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            RecvByteBufAllocator.ExtendedHandle allocHandle = (RecvByteBufAllocator.ExtendedHandle) handle;
            ChannelPipeline pipeline = pipeline();
            directAllocator.updateAllocator(config.getAllocator());
            allocHandle.reset(config);
            LoopCounters counters = counters();
            Throwable error = null;
            try {
                do {
                    ByteBuf buf = allocHandle.allocate(directAllocator);
                    allocHandle.attemptedBytesRead(buf.writableBytes());
                    int bytes;
                    try {
                        counters.increment(LoopCounters.READ_SYSCALLS);
                        bytes = receive(buf, packets);
                    } catch (Throwable t) {
                        buf.release();
                        throw t;
                    }
                    if (packets.isEmpty()) {
                        buf.release();
                        counters.increment(LoopCounters.READS_WOULD_BLOCK);
                        allocHandle.lastBytesRead(-1);
                        pollDesc.drained(Sides.READ);
                        break;
                    }
                    // Datagrams: the read request that ran this loop is satisfied. Unless the kernel said so, the
                    // socket is not known to be empty, and the side stays READY: the next request reads on.
                    pollDesc.satisfied(Sides.READ);
                    boolean empty = lastReceiveFoundQueueEmpty();
                    if (empty) {
                        // Before the pipeline runs, so that a read() from channelRead parks.
                        pollDesc.drained(Sides.READ);
                    }
                    // At least 1, so an empty datagram does not read as "nothing read" and end the loop.
                    allocHandle.lastBytesRead(Math.max(1, bytes));
                    for (int i = 0; i < packets.size(); i++) {
                        allocHandle.incMessagesRead(1);
                        Object packet = packets.set(i, null);
                        pipeline.fireChannelRead(packet);
                    }
                    packets.clear();
                    if (empty) {
                        break;
                    }
                } while (isOpen() && allocHandle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
            } catch (Throwable t) {
                error = t;
                pollDesc.failed(Sides.READ);
                releaseAll(packets);
            }
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            if (error != null) {
                pipeline.fireExceptionCaught(error);
            }
        }
    }
}
