package io.gonetpoll.channel;

import io.netty.channel.ChannelConfig;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.ServerDomainSocketChannel;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A Unix-domain listener ({@link ServerDomainSocketChannel}) on a GoNetpoll event loop: a drop-in for Netty's
 * {@code EpollServerDomainSocketChannel}. Go's accept loop, the out-of-fds backoff and the accept deadline are
 * those of every GoNetpoll listener ({@link AbstractGoNetpollServerChannel}); each batch ends with the
 * {@code accept4} that reports {@code EAGAIN}, as Go's does (the accept-queue question of TCP listeners has no
 * Unix-domain counterpart). Accepted connections are {@link GoNetpollDomainSocketChannel}s.
 *
 * <p>The socket file, as Netty's epoll listener handles it (both use Netty's {@code Socket.bind}):
 * <ul>
 *   <li>bind first unlinks whatever file is at the path (a stale socket file, but equally a regular file); a
 *   directory there, a missing parent directory, no permission or a path longer than {@code sun_path} fail the
 *   bind with a {@code NativeIoException} whose message names the path;</li>
 *   <li>close deletes the file at the path it bound, if there is one (a listener that never bound deletes
 *   nothing). A Linux abstract name ({@code '\0'} first, see {@link DomainSocketPaths}) has no file.</li>
 * </ul>
 */
public final class GoNetpollServerDomainSocketChannel extends AbstractGoNetpollServerChannel
        implements ServerDomainSocketChannel {
    private final GoNetpollServerDomainSocketChannelConfig config;
    private volatile DomainSocketAddress local;

    public GoNetpollServerDomainSocketChannel() {
        super(GoNetpollSocket.newDomainListener(), false);
        config = new GoNetpollServerDomainSocketChannelConfig(this);
    }

    /** {@code SO_RCVBUF}, {@code SO_BACKLOG} and GoNetpoll's options go through setOption. */
    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    GoNetpollServerChannelConfig serverConfig() {
        return config;
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected DomainSocketAddress localAddress0() {
        return local;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        DomainSocketAddress address = (DomainSocketAddress) localAddress;
        try {
            super.doBind(address);
        } catch (IOException e) {
            throw DomainSocketPaths.naming(address, "bind", e);
        }
        local = address;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            DomainSocketAddress bound = local;
            if (bound != null) {
                DomainSocketPaths.deleteSocketFile(bound);
            }
        }
    }

    @Override
    GoNetpollDomainSocketChannel newChildChannel(int fd, byte[] address) {
        return new GoNetpollDomainSocketChannel(this, new GoNetpollDomainSocket(fd));
    }
}
