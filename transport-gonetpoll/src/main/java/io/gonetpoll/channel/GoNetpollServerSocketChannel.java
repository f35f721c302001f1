package io.gonetpoll.channel;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.NativeInetAddress;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP {@link ServerSocketChannel} on a GoNetpoll event loop: a drop-in for {@code NioServerSocketChannel}
 * and {@code EpollServerSocketChannel}. Go's accept loop, the out-of-fds backoff and the accept deadline are
 * those of every GoNetpoll listener ({@link AbstractGoNetpollServerChannel}); TCP adds its options
 * ({@link GoNetpollServerSocketChannelConfig}) and ends a batch by the accept queue's length
 * ({@link AcceptQueue}) instead of an {@code accept4} that fails with {@code EAGAIN}.
 */
public final class GoNetpollServerSocketChannel extends AbstractGoNetpollServerChannel
        implements ServerSocketChannel {
    private final GoNetpollServerSocketChannelConfig config;

    /** A listener of the preferred family (IPv6 unless the JVM prefers IPv4). */
    public GoNetpollServerSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A listener of {@code family} ({@code null}: the preferred family). */
    public GoNetpollServerSocketChannel(SocketProtocolFamily family) {
        super(GoNetpollSocket.newStream(family), false);
        config = new GoNetpollServerSocketChannelConfig(this);
    }

    /**
     * Wraps an existing socket fd (socket activation, a hand-over from another process): active, and polled from its
     * registration on, if it already listens; otherwise it is bound after registration, as a new listener is.
     */
    public GoNetpollServerSocketChannel(int fd) {
        this(new GoNetpollSocket(fd));
    }

    private GoNetpollServerSocketChannel(GoNetpollSocket socket) {
        super(socket, isListening(socket));
        config = new GoNetpollServerSocketChannelConfig(this);
    }

    /**
     * {@code SO_ACCEPTCONN}: not "has an address", since an unbound socket reads back 0.0.0.0:0, and an active
     * listener joins epoll at registration, after which its bind could not add it.
     */
    private static boolean isListening(GoNetpollSocket socket) {
        try {
            return socket.getIntOpt(SocketNative.SOL_SOCKET, SocketNative.SO_ACCEPTCONN) != 0;
        } catch (IOException e) {
            throw new ChannelException("getsockopt(SO_ACCEPTCONN) of fd " + socket.intValue(), e);
        }
    }

    /** The config, as Netty's interface; {@code TCP_FASTOPEN} and GoNetpoll's options go through setOption. */
    @Override
    public ServerSocketChannelConfig config() {
        return config;
    }

    @Override
    GoNetpollServerChannelConfig serverConfig() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    /** TCP_FASTOPEN must be set before listen. */
    @Override
    void beforeListen() throws IOException {
        int fastOpen = config.getTcpFastOpen();
        if (fastOpen > 0) {
            socket.setTcpOption(SocketNative.TCP_FASTOPEN, fastOpen);
        }
    }

    @Override
    GoNetpollSocketChannel newChildChannel(int fd, byte[] address) throws IOException {
        InetSocketAddress remote = NativeInetAddress.address(address, 1, address[0]);
        return new GoNetpollSocketChannel(this, new GoNetpollSocket(fd), remote);
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new TcpServerUnsafe();
    }

    private final class TcpServerUnsafe extends ServerUnsafe {
        /**
         * Connections the last accept-queue question counted and the loop has not accepted yet (0: ask at the
         * next edge or read); {@link AcceptQueue#UNKNOWN} for a socket that cannot be asked. More connections
         * may have been queued since; they raise their own edge. Loop thread.
         */
        private int queued;

        /** A counted batch once {@link AcceptQueue} is trusted, else Go's loop, checked to earn the trust. */
        @Override
        void acceptBatch(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline) throws IOException {
            if (AcceptQueue.isTrusted() && queued != AcceptQueue.UNKNOWN) {
                acceptCounted(allocHandle, pipeline);
            } else {
                acceptUntilEagainChecked(allocHandle, pipeline);
            }
        }

        /** Accepts the connections the accept-queue question counts (see {@link AcceptQueue}). */
        private void acceptCounted(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            // Asked in this run: no wait has consumed an edge since, so the count can end the batch.
            boolean asked = false;
            for (;;) {
                if (queued == 0) {
                    queued = AcceptQueue.length(socket, counters());
                    asked = true;
                    if (queued == AcceptQueue.UNKNOWN) {
                        acceptUntilEagain(allocHandle, pipeline);
                        return;
                    }
                    if (queued == 0) {
                        pollDesc.drained(Sides.READ);
                        return;
                    }
                }
                int fd;
                try {
                    fd = accept();
                } catch (IOException e) {
                    queued = 0;
                    throw e;
                }
                if (fd == QUEUE_EMPTY) {
                    // The queue was shorter than counted: another process shares this listener.
                    queued = 0;
                    pollDesc.drained(Sides.READ);
                    return;
                }
                queued--;
                boolean more = deliver(fd, allocHandle, pipeline);
                if (queued == 0 && asked) {
                    // All counted are accepted; one queued after the question raises an edge of its own.
                    pollDesc.drained(Sides.READ);
                    return;
                }
                if (!more) {
                    return;
                }
            }
        }

        /** Go's loop, with a question before and after a batch that drains, to earn {@link AcceptQueue}'s trust. */
        private void acceptUntilEagainChecked(RecvByteBufAllocator.Handle allocHandle, ChannelPipeline pipeline)
                throws IOException {
            int before = queued == AcceptQueue.UNKNOWN ? AcceptQueue.UNKNOWN : AcceptQueue.length(socket, counters());
            if (before == AcceptQueue.UNKNOWN) {
                queued = AcceptQueue.UNKNOWN;
            }
            int accepted = acceptUntilEagain(allocHandle, pipeline);
            // Drained with at least as many accepted as counted, and none counted now: the answer counts.
            if (before > 0 && accepted >= before && AcceptQueue.length(socket, counters()) == 0) {
                AcceptQueue.trust();
            }
        }
    }
}
