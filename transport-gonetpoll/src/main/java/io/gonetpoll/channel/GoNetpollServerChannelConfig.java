package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.NetUtil;

/**
 * What the configs of GoNetpoll listeners share ({@link AbstractGoNetpollServerChannel}): the receive buffer
 * accepted sockets inherit, and {@code SO_BACKLOG} ({@link NetUtil#SOMAXCONN} by default; it takes effect at
 * bind, as on Netty's epoll).
 */
abstract class GoNetpollServerChannelConfig extends GoNetpollChannelConfig {
    static final ChannelOptionTable<GoNetpollServerChannelConfig> SERVER_OPTIONS =
            new ChannelOptionTable<GoNetpollServerChannelConfig>(SOCKET_OPTIONS)
                    .add(ChannelOption.SO_BACKLOG, c -> c.getBacklog(), (c, v) -> c.setBacklog0(v));

    private volatile int backlog = NetUtil.SOMAXCONN;

    GoNetpollServerChannelConfig(AbstractGoNetpollServerChannel channel) {
        super(channel, new ServerChannelRecvByteBufAllocator());
    }

    public int getReceiveBufferSize() {
        return get(GoNetpollSocket::getReceiveBufferSize);
    }

    public int getBacklog() {
        return backlog;
    }

    final void setBacklog0(int backlog) {
        this.backlog = checkRange(ChannelOption.SO_BACKLOG, backlog, 0, Integer.MAX_VALUE);
    }
}
