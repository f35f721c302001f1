package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.DomainSocketChannelConfig;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.internal.ObjectUtil;

/**
 * Config of a {@link GoNetpollDomainSocketChannel}: the options of Netty's {@code EpollDomainSocketChannelConfig}
 * ({@code SO_SNDBUF}, {@code SO_RCVBUF}, {@code ALLOW_HALF_CLOSURE}, {@code DOMAIN_SOCKET_READ_MODE}, default
 * {@link DomainSocketReadMode#BYTES}) and the stream options every GoNetpoll stream channel has
 * ({@link GoNetpollStreamChannelConfig}: {@code READ_TIMEOUT_MILLIS}, {@code WRITE_TIMEOUT_MILLIS}).
 * The read mode takes effect at the next read.
 */
final class GoNetpollDomainSocketChannelConfig extends GoNetpollStreamChannelConfig
        implements DomainSocketChannelConfig, DuplexChannelConfig {
    private static final ChannelOptionTable<GoNetpollDomainSocketChannelConfig> OPTIONS =
            new ChannelOptionTable<GoNetpollDomainSocketChannelConfig>(STREAM_OPTIONS)
                    .add(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, c -> c.getReadMode(),
                            (c, v) -> c.setReadMode(v));

    private volatile DomainSocketReadMode readMode = DomainSocketReadMode.BYTES;

    GoNetpollDomainSocketChannelConfig(GoNetpollDomainSocketChannel channel) {
        super(channel, new AdaptiveRecvByteBufAllocator());
    }

    @Override
    ChannelOptionTable<?> table() {
        return OPTIONS;
    }

    @Override
    public DomainSocketReadMode getReadMode() {
        return readMode;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setReadMode(DomainSocketReadMode mode) {
        readMode = ObjectUtil.checkNotNull(mode, "mode");
        return this;
    }

    public GoNetpollDomainSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    public GoNetpollDomainSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        setSendBufferSize0(sendBufferSize);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        setAllowHalfClosure0(allowHalfClosure);
        return this;
    }

    // Covariant overrides required by DomainSocketChannelConfig and DuplexChannelConfig.

    @Override
    public GoNetpollDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollDomainSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollDomainSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
