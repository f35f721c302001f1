package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Config of a {@link GoNetpollServerDomainSocketChannel}: what every GoNetpoll listener has
 * ({@link GoNetpollServerChannelConfig}: {@code SO_RCVBUF}, {@code SO_BACKLOG}, taking effect at bind) and
 * {@code SO_REUSEADDR}, which Netty's epoll domain listener also accepts (the kernel keeps it for a Unix socket,
 * where it changes nothing). The IP options of a TCP listener mean nothing here; {@code TCP_FASTOPEN}, which
 * epoll's domain listener stores and never uses, is not taken.
 */
final class GoNetpollServerDomainSocketChannelConfig extends GoNetpollServerChannelConfig {
    private static final ChannelOptionTable<GoNetpollServerDomainSocketChannelConfig> OPTIONS =
            new ChannelOptionTable<GoNetpollServerDomainSocketChannelConfig>(SERVER_OPTIONS)
                    .add(ChannelOption.SO_REUSEADDR, c -> c.get(GoNetpollSocket::isReuseAddress),
                            (c, v) -> c.set(s -> s.setReuseAddress(v)));

    GoNetpollServerDomainSocketChannelConfig(GoNetpollServerDomainSocketChannel channel) {
        super(channel);
    }

    @Override
    ChannelOptionTable<?> table() {
        return OPTIONS;
    }

    public GoNetpollServerDomainSocketChannelConfig setBacklog(int backlog) {
        setBacklog0(backlog);
        return this;
    }

    public GoNetpollServerDomainSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollServerDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollServerDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
