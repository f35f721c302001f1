package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The transports every example can run on: GoNetpoll, and Netty's own for comparison. */
enum Transport {
    GONETPOLL("gonetpoll", GoNetpollServerSocketChannel.class, GoNetpollSocketChannel.class,
            GoNetpollServerDomainSocketChannel.class, GoNetpollDomainSocketChannel.class,
            GoNetpollDatagramChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            GoNetpoll.ensureAvailability();
            return tuning.goNetpoll();
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadOption() {
            return GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
        }

        @Override
        ChannelOption<Boolean> udpGroOption() {
            return GoNetpollChannelOption.UDP_GRO;
        }
    },
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class, EpollDatagramChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            return tuning.epoll();
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadOption() {
            return EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
        }

        @Override
        ChannelOption<Boolean> udpGroOption() {
            return EpollChannelOption.UDP_GRO;
        }
    },
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class, IoUringDatagramChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            IoUring.ensureAvailability();
            return IoUringIoHandler.newFactory();
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadOption() {
            return IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
        }
    },
    /** Netty's NIO domain channels take the JDK's {@link UnixDomainSocketAddress}, see {@link #domainAddress}. */
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class, NioServerDomainSocketChannel.class,
            NioDomainSocketChannel.class, NioDatagramChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            return NioIoHandler.newFactory();
        }

        @Override
        SocketAddress domainAddress(String path) {
            return UnixDomainSocketAddress.of(path);
        }

    };

    final String cliName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends ServerChannel> domainServerChannel;
    private final Class<? extends Channel> domainChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(String cliName, Class<? extends ServerChannel> serverChannel,
              Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> domainServerChannel,
              Class<? extends Channel> domainChannel, Class<? extends DatagramChannel> datagramChannel) {
        this.cliName = cliName;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.domainServerChannel = domainServerChannel;
        this.domainChannel = domainChannel;
        this.datagramChannel = datagramChannel;
    }

    /** The listener class: Unix-domain with {@code --uds}, else TCP. */
    Class<? extends ServerChannel> serverChannel(boolean uds) {
        return uds ? domainServerChannel : serverChannel;
    }

    /** The connection class: Unix-domain with {@code --uds}, else TCP. */
    Class<? extends Channel> clientChannel(boolean uds) {
        return uds ? domainChannel : socketChannel;
    }

    /** The UDP channel class. */
    Class<? extends DatagramChannel> datagramChannel() {
        if (datagramChannel == null) {
            throw new UsageException("UDP is not available with --transport " + cliName);
        }
        return datagramChannel;
    }

    /**
     * The address of the Unix-domain socket at {@code path}: Netty's {@link DomainSocketAddress} for the native
     * transports, the JDK's {@link UnixDomainSocketAddress} for NIO.
     */
    SocketAddress domainAddress(String path) {
        return new DomainSocketAddress(path);
    }

    /**
     * The option that makes this transport's datagram channels read several datagrams per receive call when
     * their receive buffer holds several of at most its value ({@code recvmmsg} on epoll and GoNetpoll); null
     * where the transport has none (NIO).
     */
    ChannelOption<Integer> maxDatagramPayloadOption() {
        return null;
    }

    /**
     * The option that lets the kernel coalesce several datagrams of one flow into one read ({@code UDP_GRO});
     * null where the transport has none.
     */
    ChannelOption<Boolean> udpGroOption() {
        return null;
    }

    /** {@link #udpGroOption()} on for the datagram channels of {@code bootstrap}. */
    void readCoalescedDatagrams(Bootstrap bootstrap) {
        ChannelOption<Boolean> option = udpGroOption();
        if (option == null) {
            throw new UsageException("--gro: " + cliName + " has no UDP_GRO option");
        }
        bootstrap.option(option, true);
    }

    /**
     * Makes the datagram channels of {@code bootstrap} read up to {@code batch} datagrams of at most
     * {@code maxPayload} bytes with one receive call: {@link #maxDatagramPayloadOption()}, and a receive buffer
     * that holds {@code batch} of them, from which the transport counts how many to ask for.
     */
    void readDatagramsInBatches(Bootstrap bootstrap, int maxPayload, int batch) {
        ChannelOption<Integer> option = maxDatagramPayloadOption();
        if (option == null) {
            throw new UsageException("--read-batch: " + cliName + " reads one datagram per receive call");
        }
        bootstrap.option(option, maxPayload);
        bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxPayload * batch));
    }

    /**
     * The transport's IoHandler factory with {@code tuning}, which {@link LoopTuning#parse} has checked against
     * this transport (io_uring and NIO get only {@link LoopTuning#NONE}).
     */
    abstract IoHandlerFactory newIoHandlerFactory(LoopTuning tuning);

    EventLoopGroup newGroup(int threads, String role) {
        return newGroup(threads, role, LoopTuning.NONE);
    }

    EventLoopGroup newGroup(int threads, String role, LoopTuning tuning) {
        return newGroup(threads, role, newIoHandlerFactory(tuning));
    }

    /** A group whose loops {@code factory} makes (one factory may serve several groups). */
    EventLoopGroup newGroup(int threads, String role, IoHandlerFactory factory) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(cliName + '-' + role), factory);
    }

    static Transport parse(String name) {
        for (Transport transport : values()) {
            if (transport.cliName.equals(name)) {
                return transport;
            }
        }
        throw new UsageException("unknown transport '" + name + "' (expected one of " + names() + ')');
    }

    static String names() {
        return Arrays.stream(values()).map(t -> t.cliName).collect(Collectors.joining("|"));
    }
}
