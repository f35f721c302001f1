package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

/**
 * Config of a {@link GoNetpollServerSocketChannel}, with the defaults of Netty's epoll server socket:
 * {@code SO_REUSEADDR} on (as java.nio does, netty/netty#2605), {@code SO_BACKLOG} = {@link NetUtil#SOMAXCONN},
 * {@code TCP_FASTOPEN} off. {@code SO_BACKLOG} and {@code TCP_FASTOPEN} take effect at bind.
 */
final class GoNetpollServerSocketChannelConfig extends GoNetpollServerChannelConfig
        implements ServerSocketChannelConfig {
    private static final ChannelOptionTable<GoNetpollServerSocketChannelConfig> OPTIONS =
            new ChannelOptionTable<GoNetpollServerSocketChannelConfig>(SERVER_OPTIONS, INET_OPTIONS)
                    .add(ChannelOption.TCP_FASTOPEN, c -> c.getTcpFastOpen(), (c, v) -> c.setTcpFastOpen(v))
                    .add(GoNetpollChannelOption.TCP_DEFER_ACCEPT,
                            c -> c.get(s -> s.getTcpOption(SocketNative.TCP_DEFER_ACCEPT)),
                            (c, v) -> c.setIntOpt(GoNetpollChannelOption.TCP_DEFER_ACCEPT, SocketNative.IPPROTO_TCP,
                                    SocketNative.TCP_DEFER_ACCEPT, v));

    /** Queue length of pending fast-open requests; 0 leaves TCP_FASTOPEN unset. */
    private volatile int tcpFastOpen;

    GoNetpollServerSocketChannelConfig(GoNetpollServerSocketChannel channel) {
        super(channel);
        setReuseAddress(true);
    }

    @Override
    ChannelOptionTable<?> table() {
        return OPTIONS;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setBacklog(int backlog) {
        setBacklog0(backlog);
        return this;
    }

    int getTcpFastOpen() {
        return tcpFastOpen;
    }

    void setTcpFastOpen(int pendingFastOpenRequests) {
        this.tcpFastOpen = checkRange(ChannelOption.TCP_FASTOPEN, pendingFastOpenRequests, 0, Integer.MAX_VALUE);
    }

    @Override
    public boolean isReuseAddress() {
        return get(GoNetpollSocket::isReuseAddress);
    }

    @Override
    public GoNetpollServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        set(s -> s.setReuseAddress(reuseAddress));
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    /** Ignored, as on Netty's other transports. */
    @Override
    public GoNetpollServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency,
                                                                      int bandwidth) {
        return this;
    }

    // Covariant overrides required by ServerSocketChannelConfig.

    @Override
    public GoNetpollServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
