package io.gonetpoll.channel;

import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.NativeInetAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A TCP {@link ServerSocketChannel} on a GoNetpoll event loop: a drop-in for {@code NioServerSocketChannel}
 * and {@code EpollServerSocketChannel}.
 *
 * <p>The listener enters epoll once, at bind. Each edge drains the accept queue, up to
 * {@code MAX_MESSAGES_PER_READ} (16) connections; a listener stopped by that limit stays READY and continues at
 * the next loop turn (Netty's epoll accepts one connection per wakeup; NIO 16). Edge triggering needs the
 * queue drained, but Go's way of finding the end, an {@code accept4} that fails with EAGAIN, is the dearest
 * call of the loop: the kernel allocates the new socket, inode and file before it looks at the queue and
 * frees them again (3.5 us here, against 0.45 us for a {@code getsockopt}). So the loop asks the queue's
 * length ({@code TCP_INFO}), accepts exactly that many and parks, without asking again. Nothing is missed:
 * the kernel counts a connection into the queue before it wakes the listener, so a connection the answer
 * did not count wakes it after the question, and so after the wait that consumed the last edge: a new edge
 * is queued. (One counted and also woken gives an edge that finds 0: one question, no accept.) That holds
 * only while no wait has run since the question; a count kept from an earlier run (a batch cut short by
 * {@code MAX_MESSAGES_PER_READ}, or one connection per {@code read()} with autoRead off) is used up and then
 * asked again, since a wait in between may have merged a new connection's edge into the latched readiness.
 * The answer is trusted only after one batch drained Go's way has shown it counting (until then, and where
 * the question fails, as on an fd of another protocol wrapped by the caller, the loop drains to EAGAIN as Go
 * does): a kernel or sandbox that reported 0 for a non-empty queue would otherwise leave connections queued.
 *
 * <p>Out of file descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM), {@code accept4} fails while
 * connections stay queued. The error goes to {@code exceptionCaught} as on every transport, and the listener
 * is treated as drained, so nothing spins; but the edge was consumed and may be the last one, so a timer
 * delivers a synthetic edge after a backoff of 5 ms doubling to 1 s (Go's {@code net/http} retries the same
 * way), until an accept succeeds or the queue is empty. {@code ECONNABORTED} (the client gave up first) is
 * skipped, as Go does.
 */
public final class GoNetpollServerSocketChannel extends AbstractGoNetpollChannel implements ServerSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private static final long ACCEPT_RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long ACCEPT_RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Whether this kernel's answer to the accept-queue question ({@code TCP_INFO} of a listener) has been seen to
     * count real connections; process-wide, set once by the first listener that checks it, never unset.
     */
    private static volatile boolean queueAnswerTrusted;

    private final GoNetpollServerSocketChannelConfig config;
    /** Backoff of the accept retry after resource exhaustion; 0 while accepts succeed. Loop thread. */
    private long acceptRetryNanos;
    private boolean acceptRetryScheduled;

    static boolean isAcceptQueueAnswerTrusted() {
        return queueAnswerTrusted;
    }

    /** For tests: forget (or assume) the trust, so that a test can watch it being earned. */
    static void setAcceptQueueAnswerTrusted(boolean trusted) {
        queueAnswerTrusted = trusted;
    }

    /** A listener of the preferred family (IPv6 unless the JVM prefers IPv4). */
    public GoNetpollServerSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A listener of {@code family} ({@code null}: the preferred family). */
    public GoNetpollServerSocketChannel(SocketProtocolFamily family) {
        super(null, GoNetpollSocket.newStream(family), false);
        config = new GoNetpollServerSocketChannelConfig(this);
    }

    /** Wraps an existing socket fd; it is active if it is already bound. */
    public GoNetpollServerSocketChannel(int fd) {
        this(new GoNetpollSocket(fd));
    }

    private GoNetpollServerSocketChannel(GoNetpollSocket socket) {
        super(null, socket, socket.localAddress() != null);
        config = new GoNetpollServerSocketChannelConfig(this);
    }

    /** The config, as Netty's interface; {@code TCP_FASTOPEN} and GoNetpoll's options go through setOption. */
    @Override
    public ServerSocketChannelConfig config() {
        return config;
    }

    /**
     * Sets the accept deadline (Go: {@code SetDeadline} on a listener): an absolute {@link System#nanoTime()}
     * value, or {@code 0} for none; callable from any thread. An accept waiting for a connection when it passes
     * fails with {@link ReadDeadlineExceededException} ("accept deadline exceeded") through
     * {@code exceptionCaught}; the listener stays open and accepts nothing until the deadline is set again
     * (connections queue in the backlog meanwhile). The rules of
     * {@link GoNetpollSocketChannel#setReadDeadline(long)} apply.
     */
    public void setAcceptDeadline(long nanoTime) {
        setDeadline(PollDesc.READ, nanoTime);
    }

    /** {@link #setAcceptDeadline(long)} at now + {@code timeout}; zero or negative expires at once. */
    public void setAcceptDeadline(Duration timeout) {
        setDeadline(PollDesc.READ, deadlineAfter(timeout));
    }

    @Override
    String readDeadlineMessage() {
        return "accept deadline exceeded";
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    /** bind, then TCP_FASTOPEN (it must precede listen), then listen, then into epoll. */
    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        int fastOpen = config.getTcpFastOpen();
        if (fastOpen > 0) {
            socket.setTcpOption(SocketNative.TCP_FASTOPEN, fastOpen);
        }
        socket.listen(config.getBacklog());
        active = true;
        arm();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new ServerSocketUnsafe();
    }

    private final class ServerSocketUnsafe extends AbstractGoNetpollUnsafe {
        private static final int ACCEPT_ABORTED = -2;
        private static final int QUEUE_LENGTH_UNKNOWN = -1;

        /**
         * Connections the last accept-queue question counted and the loop has not accepted yet (0: ask at the
         * next edge or read); {@link #QUEUE_LENGTH_UNKNOWN} for a socket that cannot be asked. More connections
         * may have been queued since; they raise their own edge. Loop thread.
         */
        private int queued;

        /** Filled by accept4: one length byte, then the address (up to 16 bytes), scope id and port. */
        private final byte[] acceptedAddress = new byte[26];

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server socket does not connect"));
        }

        /** The accept loop (Go: {@code fd.Accept} after the goroutine was woken). */
        @Override
        void readReady() {
            RecvByteBufAllocator.Handle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(config);
            // One "byte" per accepted connection, so the handle's maybe-more-data rule holds while accepts succeed.
            allocHandle.attemptedBytesRead(1);
            Throwable exception = null;
            try {
                if (queueAnswerTrusted && queued != QUEUE_LENGTH_UNKNOWN) {
                    acceptCounted(allocHandle, pipeline);
                } else {
                    acceptUntilEagain(allocHandle, pipeline);
                }
            } catch (Throwable t) {
                exception = t;
            }
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
            }
        }

        /** Accepts the connections the accept-queue question counts (see the class comment). */
        private void acceptCounted(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            // Asked in this run: no wait has consumed an edge since, so the count can end the batch.
            boolean asked = false;
            for (;;) {
                if (queued == 0) {
                    queued = acceptQueueLength();
                    asked = true;
                    if (queued == QUEUE_LENGTH_UNKNOWN) {
                        acceptUntilEagain(allocHandle, pipeline);
                        return;
                    }
                    if (queued == 0) {
                        pollDesc.drained(PollDesc.READ);
                        return;
                    }
                }
                int fd = accept();
                if (fd == -1) {
                    // The queue was shorter than counted: another process shares this listener.
                    loop.counters().increment(LoopCounters.ACCEPTS_WOULD_BLOCK);
                    queued = 0;
                    pollDesc.drained(PollDesc.READ);
                    return;
                }
                queued--;
                boolean more = deliver(fd, allocHandle, pipeline);
                if (queued == 0 && asked) {
                    // All counted are accepted; one queued after the question raises an edge of its own.
                    pollDesc.drained(PollDesc.READ);
                    return;
                }
                if (!more) {
                    return;
                }
            }
        }

        /**
         * Go's accept loop, until {@code EAGAIN} or the message limit, used until this kernel's answer to the
         * queue question is trusted, and for sockets that cannot be asked. While untrusted, a batch that ends
         * with {@code EAGAIN} is checked against a question before and after it; the answer is trusted (for the
         * process) once one batch shows it counting: at least one connection counted before, at least that many
         * accepted, 0 counted after. A kernel or sandbox whose {@code TCP_INFO} does not count a listener's queue
         * (reporting 0) is never trusted, so it keeps Go's failed accept per batch instead of losing connections.
         */
        private void acceptUntilEagain(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            int before = queued == QUEUE_LENGTH_UNKNOWN ? QUEUE_LENGTH_UNKNOWN : acceptQueueLength();
            if (before == QUEUE_LENGTH_UNKNOWN) {
                queued = QUEUE_LENGTH_UNKNOWN;
            }
            int accepted = 0;
            for (;;) {
                int fd = accept();
                if (fd == -1) {
                    loop.counters().increment(LoopCounters.ACCEPTS_WOULD_BLOCK);
                    pollDesc.drained(PollDesc.READ);
                    if (before > 0 && accepted >= before && acceptQueueLength() == 0) {
                        queueAnswerTrusted = true;
                    }
                    return;
                }
                accepted++;
                if (!deliver(fd, allocHandle, pipeline)) {
                    return;
                }
            }
        }

        /**
         * Hands an accepted connection to the pipeline ({@link #ACCEPT_ABORTED}: nothing to hand). Returns whether
         * the allocator lets the batch go on.
         */
        private boolean deliver(int fd, RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            if (fd == ACCEPT_ABORTED) {
                return true;
            }
            // A connection: the read request that ran this loop is satisfied.
            pollDesc.satisfied(PollDesc.READ);
            allocHandle.lastBytesRead(1);
            allocHandle.incMessagesRead(1);
            pipeline.fireChannelRead(newChildChannel(fd));
            return allocHandle.continueReading();
        }

        /**
         * The accept queue's length, or {@link #QUEUE_LENGTH_UNKNOWN} if this socket cannot tell (the caller then
         * keeps the channel on Go's loop).
         */
        private int acceptQueueLength() {
            loop.counters().increment(LoopCounters.ACCEPT_QUEUE_QUERIES);
            try {
                return socket.acceptQueueLength();
            } catch (IOException e) {
                return QUEUE_LENGTH_UNKNOWN;
            }
        }

        /** {@code accept4}: a new fd, -1 if the queue is empty, or {@link #ACCEPT_ABORTED}. */
        private int accept() throws IOException {
            loop.counters().increment(LoopCounters.ACCEPT_SYSCALLS);
            int fd;
            try {
                fd = socket.accept(acceptedAddress);
            } catch (Errors.NativeIoException e) {
                int errno = -e.expectedErr();
                if (errno == SocketNative.ERRNO_ECONNABORTED) {
                    return ACCEPT_ABORTED;
                }
                if (queued > 0) {
                    queued = 0;
                }
                if (errno == SocketNative.ERRNO_EMFILE || errno == SocketNative.ERRNO_ENFILE
                        || errno == SocketNative.ERRNO_ENOBUFS || errno == SocketNative.ERRNO_ENOMEM) {
                    pollDesc.drained(PollDesc.READ);
                    scheduleAcceptRetry();
                }
                throw e;
            }
            if (fd >= 0) {
                acceptRetryNanos = 0;
            }
            return fd;
        }

        private void scheduleAcceptRetry() {
            if (acceptRetryScheduled) {
                return;
            }
            acceptRetryNanos = acceptRetryNanos == 0
                    ? ACCEPT_RETRY_MIN_NANOS : Math.min(acceptRetryNanos << 1, ACCEPT_RETRY_MAX_NANOS);
            acceptRetryScheduled = true;
            eventLoop().schedule(() -> {
                acceptRetryScheduled = false;
                // A synthetic edge: resumes a parked accept, or latches READY for the next read().
                if (isOpen() && isRegisteredWithLoop()
                        && (pollDesc.ready(PollDesc.READ, false) & PollDesc.READ) != 0) {
                    readReady();
                }
            }, acceptRetryNanos, TimeUnit.NANOSECONDS);
        }

        private GoNetpollSocketChannel newChildChannel(int fd) throws Errors.NativeIoException {
            InetSocketAddress remote = NativeInetAddress.address(acceptedAddress, 1, acceptedAddress[0]);
            return new GoNetpollSocketChannel(GoNetpollServerSocketChannel.this, new GoNetpollSocket(fd), remote);
        }
    }
}
