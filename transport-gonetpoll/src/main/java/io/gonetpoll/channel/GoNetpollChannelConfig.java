package io.gonetpoll.channel;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * What the configs of GoNetpoll channels share: options dispatched through a {@link ChannelOptionTable},
 * raw {@code getsockopt/setsockopt} through {@link IntegerUnixChannelOption} and {@link RawUnixChannelOption}
 * (as on Netty's epoll), autoRead turned off cancelling a parked read, and validation messages that name the
 * option and the value.
 */
abstract class GoNetpollChannelConfig extends DefaultChannelConfig {
    /** Rows every GoNetpoll socket has: its receive buffer. */
    static final ChannelOptionTable<GoNetpollChannelConfig> SOCKET_OPTIONS =
            new ChannelOptionTable<GoNetpollChannelConfig>()
                    .add(ChannelOption.SO_RCVBUF, c -> c.get(GoNetpollSocket::getReceiveBufferSize),
                            (c, v) -> c.setReceiveBufferSize0(v));

    /** Rows of IP sockets (TCP, UDP), listeners included. */
    static final ChannelOptionTable<GoNetpollChannelConfig> INET_OPTIONS =
            new ChannelOptionTable<GoNetpollChannelConfig>()
                    .add(ChannelOption.SO_REUSEADDR, c -> c.get(GoNetpollSocket::isReuseAddress),
                            (c, v) -> c.set(s -> s.setReuseAddress(v)))
                    .add(UnixChannelOption.SO_REUSEPORT, c -> c.get(GoNetpollSocket::isReusePort),
                            (c, v) -> c.set(s -> s.setReusePort(v)))
                    .add(GoNetpollChannelOption.IP_FREEBIND, c -> c.get(GoNetpollSocket::isIpFreeBind),
                            (c, v) -> c.set(s -> s.setIpFreeBind(v)))
                    .add(GoNetpollChannelOption.IP_TRANSPARENT, c -> c.get(GoNetpollSocket::isIpTransparent),
                            (c, v) -> c.set(s -> s.setIpTransparent(v)));

    GoNetpollChannelConfig(AbstractGoNetpollChannel channel, RecvByteBufAllocator allocator) {
        super(channel, allocator);
    }

    /**
     * The options this config honours beyond {@link DefaultChannelConfig}'s: a static table whose accessors take
     * this config's own class (hence the unchecked casts below, which that makes safe).
     */
    abstract ChannelOptionTable<?> table();

    @SuppressWarnings("unchecked")
    private ChannelOptionTable<GoNetpollChannelConfig> ownTable() {
        return (ChannelOptionTable<GoNetpollChannelConfig>) table();
    }

    final GoNetpollSocket socket() {
        return ((AbstractGoNetpollChannel) channel).socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), table().options().toArray(new ChannelOption<?>[0]));
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        ChannelOptionTable<GoNetpollChannelConfig> table = ownTable();
        if (table.contains(option)) {
            return table.get(this, option);
        }
        try {
            if (option instanceof IntegerUnixChannelOption) {
                IntegerUnixChannelOption opt = (IntegerUnixChannelOption) option;
                return (T) Integer.valueOf(socket().getIntOpt(opt.level(), opt.optname()));
            }
            if (option instanceof RawUnixChannelOption) {
                RawUnixChannelOption opt = (RawUnixChannelOption) option;
                ByteBuffer out = ByteBuffer.allocateDirect(opt.length());
                socket().getRawOpt(opt.level(), opt.optname(), out);
                return (T) out.flip();
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        ChannelOptionTable<GoNetpollChannelConfig> table = ownTable();
        if (table.contains(option)) {
            table.set(this, option, value);
            return true;
        }
        try {
            if (option instanceof IntegerUnixChannelOption) {
                IntegerUnixChannelOption opt = (IntegerUnixChannelOption) option;
                socket().setIntOpt(opt.level(), opt.optname(), (Integer) value);
                return true;
            }
            if (option instanceof RawUnixChannelOption) {
                RawUnixChannelOption opt = (RawUnixChannelOption) option;
                socket().setRawOpt(opt.level(), opt.optname(), (ByteBuffer) value);
                return true;
            }
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return super.setOption(option, value);
    }

    /** A non-negative int option at {@code level}/{@code optname}, validated with {@code name}'s message. */
    final void setIntOpt(ChannelOption<Integer> name, int level, int optname, int value) {
        checkRange(name, value, 0, Integer.MAX_VALUE);
        set(s -> s.setIntOpt(level, optname, value));
    }

    /** SO_RCVBUF, validated; the public covariant setters of the leaves call this. */
    final void setReceiveBufferSize0(int receiveBufferSize) {
        checkRange(ChannelOption.SO_RCVBUF, receiveBufferSize, 1, Integer.MAX_VALUE);
        set(s -> s.setReceiveBufferSize(receiveBufferSize));
    }

    @Override
    protected void autoReadCleared() {
        ((AbstractGoNetpollChannel) channel).cancelRead();
    }

    /** Reads a socket option, wrapping the failure the way every Netty config does. */
    interface SocketGetter<T> {
        T get(GoNetpollSocket socket) throws IOException;
    }

    interface SocketSetter {
        void set(GoNetpollSocket socket) throws IOException;
    }

    final <T> T get(SocketGetter<T> getter) {
        try {
            return getter.get(socket());
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    final void set(SocketSetter setter) {
        try {
            setter.set(socket());
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    static int checkRange(ChannelOption<?> option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option.name() + ": " + value + " (expected: "
                    + (max == Integer.MAX_VALUE ? ">= " + min : min + "-" + max) + ')');
        }
        return value;
    }
}
