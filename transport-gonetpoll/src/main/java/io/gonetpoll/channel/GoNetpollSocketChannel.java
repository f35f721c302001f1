package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP {@link SocketChannel} on a GoNetpoll event loop: a drop-in for {@code NioSocketChannel} and
 * {@code EpollSocketChannel}. Reads, writes, connect, half-closure and Go's deadline trio
 * ({@link GoNetpollDeadlineChannel}) are those of every GoNetpoll stream channel
 * ({@link AbstractGoNetpollStreamChannel}); TCP adds its options ({@link GoNetpollSocketChannelConfig}) and
 * {@code TCP_FASTOPEN_CONNECT}.
 */
public final class GoNetpollSocketChannel extends AbstractGoNetpollStreamChannel implements SocketChannel {
    private final GoNetpollSocketChannelConfig config;

    /** A client socket of the preferred family (IPv6 unless the JVM prefers IPv4). */
    public GoNetpollSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A client socket of {@code family} ({@code null}: the preferred family). */
    public GoNetpollSocketChannel(SocketProtocolFamily family) {
        super(GoNetpollSocket.newStream(family), false);
        config = new GoNetpollSocketChannelConfig(this);
    }

    /** Wraps an existing socket fd; it is active if it is connected. */
    public GoNetpollSocketChannel(int fd) {
        this(new GoNetpollSocket(fd));
    }

    private GoNetpollSocketChannel(GoNetpollSocket socket) {
        super(socket, socket.remoteAddress() != null);
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

    @Override
    GoNetpollStreamChannelConfig streamConfig() {
        return config;
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

    /**
     * {@code connect(2)}, or with TCP_FASTOPEN_CONNECT a {@code sendto(MSG_FASTOPEN)} of the first flushed
     * buffer: if the kernel has a cookie the data rides on the SYN and the connect counts as done; without
     * one nothing was sent and the connect proceeds as usual.
     */
    @Override
    boolean startConnect(SocketAddress remoteAddress) throws IOException {
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
        return super.startConnect(remoteAddress);
    }
}
