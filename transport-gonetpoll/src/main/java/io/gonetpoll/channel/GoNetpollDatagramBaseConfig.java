package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;

/**
 * What the configs of GoNetpoll datagram channels share ({@link AbstractGoNetpollDatagramChannel}): the socket
 * buffers, {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}, and {@code READ_TIMEOUT_MILLIS} /
 * {@code WRITE_TIMEOUT_MILLIS}. Reads use a {@link FixedRecvByteBufAllocator} of 2048 bytes by default, as on
 * Netty's epoll and NIO datagram channels (a longer datagram is truncated to the buffer).
 */
abstract class GoNetpollDatagramBaseConfig extends GoNetpollChannelConfig {
    static final ChannelOptionTable<GoNetpollDatagramBaseConfig> DATAGRAM_OPTIONS =
            new ChannelOptionTable<GoNetpollDatagramBaseConfig>(SOCKET_OPTIONS)
                    .add(ChannelOption.SO_SNDBUF, c -> c.getSendBufferSize(), (c, v) -> c.setSendBufferSize0(v))
                    .add(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, c -> c.activeOnOpen,
                            (c, v) -> c.setActiveOnOpen(v))
                    .add(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, c -> c.readTimeoutMillis,
                            (c, v) -> c.readTimeoutMillis = checkRange(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, v,
                                    0, Integer.MAX_VALUE))
                    .add(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS, c -> c.writeTimeoutMillis,
                            (c, v) -> c.writeTimeoutMillis = checkRange(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS,
                                    v, 0, Integer.MAX_VALUE));

    private volatile boolean activeOnOpen;
    /** READ_TIMEOUT_MILLIS (takes effect at the next read request); 0 = off. */
    private volatile int readTimeoutMillis;
    /** WRITE_TIMEOUT_MILLIS (takes effect at the next flush that parks); 0 = off. */
    private volatile int writeTimeoutMillis;

    GoNetpollDatagramBaseConfig(AbstractGoNetpollDatagramChannel channel) {
        super(channel, new FixedRecvByteBufAllocator(2048));
    }

    public int getReceiveBufferSize() {
        return get(GoNetpollSocket::getReceiveBufferSize);
    }

    public int getSendBufferSize() {
        return get(GoNetpollSocket::getSendBufferSize);
    }

    final void setSendBufferSize0(int sendBufferSize) {
        checkRange(ChannelOption.SO_SNDBUF, sendBufferSize, 1, Integer.MAX_VALUE);
        set(s -> s.setSendBufferSize(sendBufferSize));
    }

    final boolean isActiveOnOpen() {
        return activeOnOpen;
    }

    /** As on every Netty transport: only before the channel is registered. */
    private void setActiveOnOpen(boolean activeOnOpen) {
        if (channel.isRegistered()) {
            throw new IllegalStateException("DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION can only be changed before "
                    + "the channel is registered");
        }
        this.activeOnOpen = activeOnOpen;
    }

    final int getReadTimeoutMillis() {
        return readTimeoutMillis;
    }

    final int getWriteTimeoutMillis() {
        return writeTimeoutMillis;
    }
}
