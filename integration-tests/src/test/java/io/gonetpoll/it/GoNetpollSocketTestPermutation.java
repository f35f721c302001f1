package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.gonetpoll.channel.GoNetpollDomainDatagramChannel;
import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bootstraps Netty's testsuite runs with GoNetpoll, built the way Netty's {@code EpollSocketTestPermutation}
 * ({@code transport-native-epoll/src/test/java/io/netty/channel/epoll/} in netty/netty) builds them for epoll,
 * with GoNetpoll in epoll's place (how the testsuite is run: docs/testing.md#nettys-testsuite):
 * <ul>
 *   <li>servers: GoNetpoll, GoNetpoll with {@code TCP_FASTOPEN=5} (only if the kernel lets servers use TCP Fast
 *   Open), NIO;</li>
 *   <li>clients: GoNetpoll, NIO; with Fast Open, a GoNetpoll client with {@code TCP_FASTOPEN_CONNECT} goes
 *   before NIO if the kernel lets clients use it;</li>
 *   <li>{@link #socket()} and {@link #socketWithoutFastOpen()}: every server x client pair but NIO x NIO, which
 *   tests nothing of ours (NIO is last in both lists, so it is the last pair). {@link #socketWithFastOpen()} is
 *   {@link #socket()}: Netty's epoll module inherits it and so also runs NIO x NIO there; we leave it out.</li>
 * </ul>
 * All GoNetpoll bootstraps share one group of {@value #NUM_THREADS} daemon loops named
 * {@code testsuite-gonetpoll}, made by one {@link GoNetpollIoHandlerFactory}; {@link #ioHandlerFactory()} gives
 * tests its counters. Like Netty's shared testsuite groups it is never shut down: its threads are daemons and
 * die with the test JVM.
 */
public final class GoNetpollSocketTestPermutation extends SocketTestPermutation {
    public static final GoNetpollSocketTestPermutation INSTANCE = new GoNetpollSocketTestPermutation();

    private static final GoNetpollIoHandlerFactory IO_HANDLER_FACTORY = GoNetpollIoHandler.newFactory();
    private static final EventLoopGroup GONETPOLL_GROUP = new MultiThreadIoEventLoopGroup(
            NUM_THREADS, new DefaultThreadFactory("testsuite-gonetpoll", true), IO_HANDLER_FACTORY);

    /**
     * {@code /proc/sys/net/ipv4/tcp_fastopen} ({@code Documentation/networking/ip-sysctl.rst}): value 1 enables
     * Fast Open for clients, value 2 for servers. Netty's {@code Epoll.isTcpFastOpen*SideAvailable()} read it
     * the same way; 0 if it cannot be read.
     */
    private static final int TCP_FASTOPEN_MODE = readTcpFastOpenMode();
    private static final int TCP_FASTOPEN_CLIENT = 1;
    /** The system property that limits {@link #socket()} and {@link #socketWithoutFastOpen()} to one pair. */
    public static final String GONETPOLL_PAIR_ONLY = "gonetpoll.testsuite.gonetpollPairOnly";
    private static final int TCP_FASTOPEN_SERVER = 2;

    private GoNetpollSocketTestPermutation() {
    }

    /** The factory of the shared GoNetpoll group: {@code ioHandlerFactory().counters()} sums all its loops. */
    public static GoNetpollIoHandlerFactory ioHandlerFactory() {
        return IO_HANDLER_FACTORY;
    }

    /** The shared GoNetpoll group of the testsuite permutations. */
    public static EventLoopGroup group() {
        return GONETPOLL_GROUP;
    }

    public static boolean isTcpFastOpenClientSideAvailable() {
        return (TCP_FASTOPEN_MODE & TCP_FASTOPEN_CLIENT) != 0;
    }

    public static boolean isTcpFastOpenServerSideAvailable() {
        return (TCP_FASTOPEN_MODE & TCP_FASTOPEN_SERVER) != 0;
    }

    /** Every server with every client that may use Fast Open, but NIO x NIO. */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        return withoutNioTimesNio(combo(serverSocket(), clientSocketWithFastOpen()));
    }

    /** Same as {@link #socket()}: NIO x NIO left out here too (epoll's inherited version keeps it). */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    /** Every server with every plain client, but NIO x NIO. */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithoutFastOpen() {
        return withoutNioTimesNio(combo(serverSocket(), clientSocket()));
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> factories = new ArrayList<>();
        factories.add(() -> new ServerBootstrap().group(GONETPOLL_GROUP).channel(GoNetpollServerSocketChannel.class));
        if (isTcpFastOpenServerSideAvailable()) {
            factories.add(() -> new ServerBootstrap().group(GONETPOLL_GROUP).channel(GoNetpollServerSocketChannel.class)
                    .option(ChannelOption.TCP_FASTOPEN, 5));
        }
        factories.add(() -> new ServerBootstrap().group(NIO_GROUP).channel(NioServerSocketChannel.class));
        return factories;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(GONETPOLL_GROUP).channel(GoNetpollSocketChannel.class));
        factories.add(() -> new Bootstrap().group(NIO_GROUP).channel(NioSocketChannel.class));
        return factories;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        List<BootstrapFactory<Bootstrap>> factories = clientSocket();
        if (isTcpFastOpenClientSideAvailable()) {
            // Before the NIO client, which must stay last (see withoutNioTimesNio).
            factories.add(factories.size() - 1, () -> new Bootstrap().group(GONETPOLL_GROUP)
                    .channel(GoNetpollSocketChannel.class).option(ChannelOption.TCP_FASTOPEN_CONNECT, true));
        }
        return factories;
    }

    /**
     * Unix-domain sockets as epoll's {@code domainSocket()} pairs them: the GoNetpoll listener with the GoNetpoll
     * client (epoll's list is its own listener with its own client). Addresses: {@link DomainSocketDir}.
     */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        return combo(serverDomainSocket(), clientDomainSocket());
    }

    public List<BootstrapFactory<ServerBootstrap>> serverDomainSocket() {
        List<BootstrapFactory<ServerBootstrap>> factories = new ArrayList<>();
        factories.add(() -> new ServerBootstrap().group(GONETPOLL_GROUP)
                .channel(GoNetpollServerDomainSocketChannel.class));
        return factories;
    }

    public List<BootstrapFactory<Bootstrap>> clientDomainSocket() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(GONETPOLL_GROUP).channel(GoNetpollDomainSocketChannel.class));
        return factories;
    }

    /**
     * UDP as epoll's {@code datagram(family)} pairs it: GoNetpoll and NIO on either side, sockets of
     * {@code family}; NIO x NIO left out, as for TCP.
     */
    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(GONETPOLL_GROUP)
                .channelFactory(named(() -> new GoNetpollDatagramChannel(family), GoNetpollDatagramChannel.class)));
        factories.add(() -> new Bootstrap().group(NIO_GROUP)
                .channelFactory(named(() -> new NioDatagramChannel(family), NioDatagramChannel.class)));
        return withoutNioTimesNio(combo(factories, factories));
    }

    /** One GoNetpoll UDP bootstrap of the preferred family, as epoll's {@code datagramSocket()}. */
    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(GONETPOLL_GROUP).channel(GoNetpollDatagramChannel.class));
        return factories;
    }

    /** Unix-domain datagram sockets, GoNetpoll on both sides, as epoll's {@code domainDatagram()}. */
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> domainDatagram() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(GONETPOLL_GROUP).channel(GoNetpollDomainDatagramChannel.class));
        return combo(factories, factories);
    }

    /** A channel factory whose name in the test report is the channel's class. */
    private static ChannelFactory<Channel> named(ChannelFactory<Channel> factory, Class<?> type) {
        return new ChannelFactory<Channel>() {
            @Override
            public Channel newChannel() {
                return factory.newChannel();
            }

            @Override
            public String toString() {
                return type.getSimpleName() + ".class";
            }
        };
    }

    /**
     * Both factory lists end with NIO, so the last combination is NIO server x NIO client. With
     * {@value #GONETPOLL_PAIR_ONLY} set, only the first is kept, GoNetpoll server x GoNetpoll client: the version
     * matrix of scripts/test.sh sets it, so that its testsuite classes on further Netty releases fit CI's time (the
     * SSL echo alone runs about 50 s per pair).
     */
    private static <T> List<T> withoutNioTimesNio(List<T> combos) {
        combos.remove(combos.size() - 1);
        return Boolean.getBoolean(GONETPOLL_PAIR_ONLY) ? new ArrayList<>(combos.subList(0, 1)) : combos;
    }

    private static int readTcpFastOpenMode() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_fastopen")).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
