package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.Limits;

/**
 * What the configs of GoNetpoll stream channels share ({@link AbstractGoNetpollStreamChannel}): the socket
 * buffers, half-closure (off by default), {@code READ_TIMEOUT_MILLIS} / {@code WRITE_TIMEOUT_MILLIS}, and
 * the cap of one gathering write, which starts at twice {@code SO_SNDBUF} and adapts to what the kernel takes
 * (Netty's rule: a gathering write of more than twice the send buffer cannot complete in one call).
 */
abstract class GoNetpollStreamChannelConfig extends GoNetpollChannelConfig {
    static final ChannelOptionTable<GoNetpollStreamChannelConfig> STREAM_OPTIONS =
            new ChannelOptionTable<GoNetpollStreamChannelConfig>(SOCKET_OPTIONS)
                    .add(ChannelOption.SO_SNDBUF, c -> c.getSendBufferSize(), (c, v) -> c.setSendBufferSize0(v))
                    .add(ChannelOption.ALLOW_HALF_CLOSURE, c -> c.isAllowHalfClosure(),
                            (c, v) -> c.allowHalfClosure = v)
                    .add(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, c -> c.readTimeoutMillis,
                            (c, v) -> c.readTimeoutMillis = checkRange(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, v,
                                    0, Integer.MAX_VALUE))
                    .add(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS, c -> c.writeTimeoutMillis,
                            (c, v) -> c.writeTimeoutMillis = checkRange(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS,
                                    v, 0, Integer.MAX_VALUE));

    private volatile boolean allowHalfClosure;
    /** READ_TIMEOUT_MILLIS (takes effect at the next read request); 0 = off. */
    private volatile int readTimeoutMillis;
    /** WRITE_TIMEOUT_MILLIS (takes effect at the next flush that parks); 0 = off. */
    private volatile int writeTimeoutMillis;
    /** Upper bound of one gathering write; starts at 2 x SO_SNDBUF and adapts to what the kernel takes. */
    private volatile long maxBytesPerGatheringWrite = Limits.SSIZE_MAX;

    GoNetpollStreamChannelConfig(AbstractGoNetpollStreamChannel channel, RecvByteBufAllocator allocator) {
        super(channel, allocator);
        updateMaxBytesPerGatheringWrite();
    }

    public int getReceiveBufferSize() {
        return get(GoNetpollSocket::getReceiveBufferSize);
    }

    public int getSendBufferSize() {
        return get(GoNetpollSocket::getSendBufferSize);
    }

    /** SO_SNDBUF, validated; also resets the gathering-write cap. The leaves' public setters call this. */
    final void setSendBufferSize0(int sendBufferSize) {
        checkRange(ChannelOption.SO_SNDBUF, sendBufferSize, 1, Integer.MAX_VALUE);
        set(s -> s.setSendBufferSize(sendBufferSize));
        updateMaxBytesPerGatheringWrite();
    }

    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    final void setAllowHalfClosure0(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
    }

    final int getReadTimeoutMillis() {
        return readTimeoutMillis;
    }

    final int getWriteTimeoutMillis() {
        return writeTimeoutMillis;
    }

    final long getMaxBytesPerGatheringWrite() {
        return maxBytesPerGatheringWrite;
    }

    final void setMaxBytesPerGatheringWrite(long maxBytesPerGatheringWrite) {
        this.maxBytesPerGatheringWrite = maxBytesPerGatheringWrite;
    }

    private void updateMaxBytesPerGatheringWrite() {
        int doubled = getSendBufferSize() << 1;
        if (doubled > 0) {
            maxBytesPerGatheringWrite = doubled;
        }
    }
}
