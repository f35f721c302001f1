package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.internal.PlatformDependent;

import static io.gonetpoll.channel.SocketNative.TCP_CORK;
import static io.gonetpoll.channel.SocketNative.TCP_KEEPCNT;
import static io.gonetpoll.channel.SocketNative.TCP_KEEPIDLE;
import static io.gonetpoll.channel.SocketNative.TCP_KEEPINTVL;
import static io.gonetpoll.channel.SocketNative.TCP_NOTSENT_LOWAT;
import static io.gonetpoll.channel.SocketNative.TCP_QUICKACK;
import static io.gonetpoll.channel.SocketNative.TCP_USER_TIMEOUT;

/**
 * Config of a {@link GoNetpollSocketChannel}: the options, defaults and validation of Netty's epoll socket
 * channel ({@code TCP_NODELAY} on by default; the stream options of {@link GoNetpollStreamChannelConfig}),
 * read from and written to the socket itself so {@code getOption} reports what the kernel has.
 */
final class GoNetpollSocketChannelConfig extends GoNetpollStreamChannelConfig implements SocketChannelConfig {
    private static final ChannelOptionTable<GoNetpollSocketChannelConfig> OPTIONS =
            new ChannelOptionTable<GoNetpollSocketChannelConfig>(STREAM_OPTIONS, INET_OPTIONS)
                    .add(ChannelOption.TCP_NODELAY, c -> c.isTcpNoDelay(), (c, v) -> c.setTcpNoDelay(v))
                    .add(ChannelOption.SO_KEEPALIVE, c -> c.isKeepAlive(), (c, v) -> c.setKeepAlive(v))
                    .add(ChannelOption.SO_LINGER, c -> c.getSoLinger(), (c, v) -> c.setSoLinger(v))
                    .add(ChannelOption.IP_TOS, c -> c.getTrafficClass(), (c, v) -> c.setTrafficClass(v))
                    .add(ChannelOption.TCP_FASTOPEN_CONNECT, c -> c.tcpFastOpenConnect,
                            (c, v) -> c.tcpFastOpenConnect = v)
                    .add(GoNetpollChannelOption.TCP_CORK, c -> c.getTcpFlag(TCP_CORK),
                            (c, v) -> c.setTcpFlag(TCP_CORK, v))
                    .add(GoNetpollChannelOption.TCP_QUICKACK, c -> c.getTcpFlag(TCP_QUICKACK),
                            (c, v) -> c.setTcpFlag(TCP_QUICKACK, v))
                    .add(GoNetpollChannelOption.TCP_KEEPIDLE, c -> c.getTcpInt(TCP_KEEPIDLE),
                            (c, v) -> c.setTcpInt(GoNetpollChannelOption.TCP_KEEPIDLE, TCP_KEEPIDLE, v, 1, 32767))
                    .add(GoNetpollChannelOption.TCP_KEEPINTVL, c -> c.getTcpInt(TCP_KEEPINTVL),
                            (c, v) -> c.setTcpInt(GoNetpollChannelOption.TCP_KEEPINTVL, TCP_KEEPINTVL, v, 1, 32767))
                    .add(GoNetpollChannelOption.TCP_KEEPCNT, c -> c.getTcpInt(TCP_KEEPCNT),
                            (c, v) -> c.setTcpInt(GoNetpollChannelOption.TCP_KEEPCNT, TCP_KEEPCNT, v, 1, 127))
                    .add(GoNetpollChannelOption.TCP_USER_TIMEOUT, c -> c.getTcpInt(TCP_USER_TIMEOUT),
                            (c, v) -> c.setTcpInt(GoNetpollChannelOption.TCP_USER_TIMEOUT, TCP_USER_TIMEOUT, v, 0,
                                    Integer.MAX_VALUE))
                    .add(GoNetpollChannelOption.TCP_NOTSENT_LOWAT, c -> c.getTcpNotSentLowAt(),
                            (c, v) -> c.setTcpNotSentLowAt(v))
                    .add(GoNetpollChannelOption.SO_BUSY_POLL,
                            c -> c.get(s -> s.getIntOpt(SocketNative.SOL_SOCKET, SocketNative.SO_BUSY_POLL)),
                            (c, v) -> c.setIntOpt(GoNetpollChannelOption.SO_BUSY_POLL, SocketNative.SOL_SOCKET,
                                    SocketNative.SO_BUSY_POLL, v))
                    .add(GoNetpollChannelOption.IP_BIND_ADDRESS_NO_PORT,
                            c -> c.get(s -> s.getIntOpt(SocketNative.SOL_IP, SocketNative.IP_BIND_ADDRESS_NO_PORT) != 0),
                            (c, v) -> c.set(s -> s.setIntOpt(SocketNative.SOL_IP, SocketNative.IP_BIND_ADDRESS_NO_PORT,
                                    v ? 1 : 0)));

    private volatile boolean tcpFastOpenConnect;

    GoNetpollSocketChannelConfig(GoNetpollSocketChannel channel) {
        super(channel, new AdaptiveRecvByteBufAllocator());
        if (PlatformDependent.canEnableTcpNoDelayByDefault()) {
            setTcpNoDelay(true);
        }
    }

    @Override
    ChannelOptionTable<?> table() {
        return OPTIONS;
    }

    @Override
    public GoNetpollSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        setSendBufferSize0(sendBufferSize);
        return this;
    }

    @Override
    public int getSoLinger() {
        return get(GoNetpollSocket::getSoLinger);
    }

    /** A negative value turns lingering off, as on every Netty transport. */
    @Override
    public GoNetpollSocketChannelConfig setSoLinger(int soLinger) {
        set(s -> s.setSoLinger(soLinger));
        return this;
    }

    @Override
    public int getTrafficClass() {
        return get(GoNetpollSocket::getTrafficClass);
    }

    @Override
    public GoNetpollSocketChannelConfig setTrafficClass(int trafficClass) {
        checkRange(ChannelOption.IP_TOS, trafficClass, 0, 255);
        set(s -> s.setTrafficClass(trafficClass));
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return get(GoNetpollSocket::isKeepAlive);
    }

    @Override
    public GoNetpollSocketChannelConfig setKeepAlive(boolean keepAlive) {
        set(s -> s.setKeepAlive(keepAlive));
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return get(GoNetpollSocket::isReuseAddress);
    }

    @Override
    public GoNetpollSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        set(s -> s.setReuseAddress(reuseAddress));
        return this;
    }

    @Override
    public boolean isTcpNoDelay() {
        return get(GoNetpollSocket::isTcpNoDelay);
    }

    @Override
    public GoNetpollSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        set(s -> s.setTcpNoDelay(tcpNoDelay));
        return this;
    }

    /** Ignored, as on Netty's other transports. */
    @Override
    public GoNetpollSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        setAllowHalfClosure0(allowHalfClosure);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    boolean isTcpFastOpenConnect() {
        return tcpFastOpenConnect;
    }

    private boolean getTcpFlag(int option) {
        return get(s -> s.getTcpOption(option) != 0);
    }

    private void setTcpFlag(int option, boolean value) {
        set(s -> s.setTcpOption(option, value ? 1 : 0));
    }

    private int getTcpInt(int option) {
        return get(s -> s.getTcpOption(option));
    }

    private void setTcpInt(ChannelOption<Integer> name, int option, int value, int min, int max) {
        checkRange(name, value, min, max);
        set(s -> s.setTcpOption(option, value));
    }

    private long getTcpNotSentLowAt() {
        // The kernel keeps an unsigned 32-bit value.
        return get(s -> s.getTcpOption(TCP_NOTSENT_LOWAT) & 0xFFFFFFFFL);
    }

    private void setTcpNotSentLowAt(long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(GoNetpollChannelOption.TCP_NOTSENT_LOWAT.name() + ": " + value
                    + " (expected: 0-4294967295)");
        }
        set(s -> s.setTcpOption(TCP_NOTSENT_LOWAT, (int) value));
    }

    // Covariant overrides required by SocketChannelConfig.

    @Override
    public GoNetpollSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public GoNetpollSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
