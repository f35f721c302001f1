package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainDatagramChannelConfig;

/**
 * Config of a {@link GoNetpollDomainDatagramChannel}: the options of Netty's epoll Unix-domain datagram channel
 * ({@code SO_SNDBUF}, {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}) plus {@code SO_RCVBUF} and
 * {@code READ_TIMEOUT_MILLIS} / {@code WRITE_TIMEOUT_MILLIS} ({@link GoNetpollDatagramBaseConfig}).
 */
public final class GoNetpollDomainDatagramChannelConfig extends GoNetpollDatagramBaseConfig
        implements DomainDatagramChannelConfig {
    GoNetpollDomainDatagramChannelConfig(GoNetpollDomainDatagramChannel channel) {
        super(channel);
    }

    @Override
    ChannelOptionTable<?> table() {
        return DATAGRAM_OPTIONS;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        setSendBufferSize0(sendBufferSize);
        return this;
    }

    /** {@code SO_RCVBUF}. */
    public GoNetpollDomainDatagramChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    // Covariant overrides required by DomainDatagramChannelConfig.

    @Override
    @Deprecated
    public GoNetpollDomainDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig setMaxMessagesPerWrite(int maxMessagesPerWrite) {
        super.setMaxMessagesPerWrite(maxMessagesPerWrite);
        return this;
    }
}
