package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A GoNetpoll listener (Go: {@code internal/poll.FD.Accept}): Go's accept loop, the backoff when the process
 * runs out of file descriptors, and the accept deadline. {@link GoNetpollServerSocketChannel} (TCP) is a leaf
 * of it; so is the Unix-domain listener ({@link GoNetpollServerDomainSocketChannel}).
 *
 * <p>The listener enters epoll once, at bind. Each edge drains the accept queue, up to
 * {@code MAX_MESSAGES_PER_READ} (16) connections; a listener stopped by that limit stays READY and continues at
 * the next loop turn (Netty's epoll accepts one connection per wakeup; NIO 16). Go drains to the
 * {@code accept4} that fails with {@code EAGAIN}; a leaf may end a batch more cheaply
 * ({@link ServerUnsafe#acceptBatch}).
 *
 * <p>Out of file descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM), {@code accept4} fails while
 * connections stay queued. The error goes to {@code exceptionCaught} as on every transport, and the listener
 * is treated as drained, so nothing spins; but the edge was consumed and may be the last one, so a timer
 * delivers a synthetic edge after a backoff of 5 ms doubling to 1 s (Go's {@code net/http} retries the same
 * way), until an accept succeeds or the queue is empty
 * (docs/epoll-pitfalls.md#out-of-file-descriptors-while-accepting). {@code ECONNABORTED} (the client gave up
 * first) is skipped, as Go does.
 */
abstract class AbstractGoNetpollServerChannel extends AbstractGoNetpollChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private static final long ACCEPT_RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long ACCEPT_RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Backoff of the accept retry after resource exhaustion; 0 while accepts succeed. Loop thread. */
    private long acceptRetryNanos;
    private boolean acceptRetryScheduled;

    AbstractGoNetpollServerChannel(GoNetpollSocket socket, boolean active) {
        super(null, socket, active);
    }

    /** The config: the options every listener shares. */
    abstract GoNetpollServerChannelConfig serverConfig();

    /** Wraps an accepted fd; {@code address} holds what {@code accept4} wrote (see {@link ServerUnsafe}). */
    abstract Channel newChildChannel(int fd, byte[] address) throws IOException;

    /** Called between bind and listen: options that must precede listen (TCP_FASTOPEN). */
    void beforeListen() throws IOException {
    }

    /**
     * Sets the accept deadline (Go: {@code SetDeadline} on a listener): an absolute {@link System#nanoTime()}
     * value, or {@code 0} for none; callable from any thread. An accept waiting for a connection when it passes
     * fails with {@link ReadDeadlineExceededException} ("accept deadline exceeded") through
     * {@code exceptionCaught}; the listener stays open and accepts nothing until the deadline is set again
     * (connections queue in the backlog meanwhile). The rules of {@link GoNetpollDeadlineChannel} apply.
     */
    public final void setAcceptDeadline(long nanoTime) {
        deadlines.set(Sides.READ, nanoTime);
    }

    /** {@link #setAcceptDeadline(long)} at now + {@code timeout}; zero or negative expires at once. */
    public final void setAcceptDeadline(Duration timeout) {
        deadlines.set(Sides.READ, Deadlines.nanoTimeAfter(timeout));
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
    protected SocketAddress remoteAddress0() {
        return null;
    }

    /**
     * bind, then what must precede listen, then listen, then into epoll. Active only once in epoll: a listener
     * that failed to join it would queue connections nobody accepts, so the bind fails instead (and the
     * bootstrap closes the channel).
     */
    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        beforeListen();
        socket.listen(serverConfig().getBacklog());
        try {
            addToEpoll();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        active = true;
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
        return new ServerUnsafe();
    }

    class ServerUnsafe extends AbstractGoNetpollUnsafe {
        /** What {@link #accept()} returns when {@code accept4} found the queue empty (EAGAIN). */
        static final int QUEUE_EMPTY = -1;
        /** What {@link #accept()} returns when the client gave up before it was accepted: nothing to hand. */
        static final int ACCEPT_ABORTED = -2;

        /** Filled by accept4: one length byte, then the address (up to 16 bytes), scope id and port. */
        final byte[] acceptedAddress = new byte[26];

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server socket does not connect"));
        }

        /** The accept loop (Go: {@code fd.Accept} after the goroutine was woken). */
        @Override
        final void readReady() {
            RecvByteBufAllocator.Handle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(serverConfig());
            // One "byte" per accepted connection, so the handle's maybe-more-data rule holds while accepts succeed.
            allocHandle.attemptedBytesRead(1);
            Throwable exception = null;
            try {
                acceptBatch(allocHandle, pipeline);
            } catch (Throwable t) {
                pollDesc.failed(Sides.READ);
                exception = t;
            }
            allocHandle.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
            }
        }

        /** One batch of accepts; Go's loop unless a leaf knows a cheaper end. */
        void acceptBatch(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline) throws IOException {
            acceptUntilEagain(allocHandle, pipeline);
        }

        /**
         * Go's accept loop: until {@code EAGAIN} or the allocator's limit. Returns the connections accepted if
         * the batch ended with {@code EAGAIN} (the queue is drained and the side parked), or {@code -1} if it
         * stopped earlier.
         */
        final int acceptUntilEagain(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            int accepted = 0;
            for (;;) {
                int fd = accept();
                if (fd == QUEUE_EMPTY) {
                    pollDesc.drained(Sides.READ);
                    return accepted;
                }
                accepted++;
                if (!deliver(fd, allocHandle, pipeline)) {
                    return -1;
                }
            }
        }

        /**
         * Hands an accepted connection to the pipeline ({@link #ACCEPT_ABORTED}: nothing to hand). Returns whether
         * the allocator lets the batch go on.
         */
        final boolean deliver(int fd, RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            if (fd == ACCEPT_ABORTED) {
                return true;
            }
            // A connection: the read request that ran this loop is satisfied.
            pollDesc.satisfied(Sides.READ);
            allocHandle.lastBytesRead(1);
            allocHandle.incMessagesRead(1);
            pipeline.fireChannelRead(wrapAccepted(fd));
            return allocHandle.continueReading();
        }

        /** The child channel of an accepted fd; if it cannot be made, the fd is closed, not leaked. */
        private Channel wrapAccepted(int fd) throws IOException {
            try {
                return newChildChannel(fd, acceptedAddress);
            } catch (Throwable t) {
                try {
                    new FileDescriptor(fd).close();
                } catch (IOException closeFailure) {
                    t.addSuppressed(closeFailure);
                }
                throw t;
            }
        }

        /** {@code accept4}: a new fd, {@link #QUEUE_EMPTY}, or {@link #ACCEPT_ABORTED}. */
        final int accept() throws IOException {
            LoopCounters counters = counters();
            counters.increment(LoopCounters.ACCEPT_SYSCALLS);
            int fd;
            try {
                fd = socket.accept(acceptedAddress);
            } catch (Errors.NativeIoException e) {
                int errno = -e.expectedErr();
                if (errno == SocketNative.ERRNO_ECONNABORTED) {
                    return ACCEPT_ABORTED;
                }
                if (errno == SocketNative.ERRNO_EMFILE || errno == SocketNative.ERRNO_ENFILE
                        || errno == SocketNative.ERRNO_ENOBUFS || errno == SocketNative.ERRNO_ENOMEM) {
                    pollDesc.drained(Sides.READ);
                    scheduleAcceptRetry();
                }
                throw e;
            }
            if (fd < 0) {
                counters.increment(LoopCounters.ACCEPTS_WOULD_BLOCK);
                return QUEUE_EMPTY;
            }
            counters.increment(LoopCounters.ACCEPTS);
            acceptRetryNanos = 0;
            return fd;
        }

        private void scheduleAcceptRetry() {
            if (acceptRetryScheduled) {
                return;
            }
            acceptRetryNanos = acceptRetryNanos == 0
                    ? ACCEPT_RETRY_MIN_NANOS : Math.min(acceptRetryNanos << 1, ACCEPT_RETRY_MAX_NANOS);
            acceptRetryScheduled = true;
            counters().increment(LoopCounters.ACCEPT_BACKOFFS);
            eventLoop().schedule(() -> {
                acceptRetryScheduled = false;
                // A synthetic edge: resumes a parked accept, or latches READY for the next read().
                if (isOpen() && isRegisteredWithLoop()
                        && (pollDesc.ready(Sides.READ, false) & Sides.READ) != 0) {
                    readReady();
                }
            }, acceptRetryNanos, TimeUnit.NANOSECONDS);
        }
    }
}
