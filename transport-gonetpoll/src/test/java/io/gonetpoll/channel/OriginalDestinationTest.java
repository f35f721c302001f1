package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@code IP_RECVORIGDSTADDR}: a channel bound to the wildcard address receives datagrams sent to 127.0.0.2 (and on
 * an IPv6 socket to ::1); with the option on, each packet's recipient is the address it was sent to, with it off
 * the channel's local address — the same answers as Netty's epoll channel gives (but for IPv6 datagrams, for
 * which epoll does not ask: see the test), on each read path: one
 * {@code recvfrom}, {@code recvmmsg} batches ({@code MAX_DATAGRAM_PAYLOAD_SIZE}), and {@code UDP_GRO} reads.
 */
class OriginalDestinationTest {
    private static EventLoopGroup epoll;
    private static EventLoopGroup gonetpoll;

    @BeforeAll
    static void groups() {
        Epoll.ensureAvailability();
        epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        gonetpoll = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
    }

    @AfterAll
    static void shutdown() throws Exception {
        epoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        gonetpoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    enum ReadPath { RECVFROM, RECVMMSG, GRO }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (ReadPath path : ReadPath.values()) {
            for (boolean on : new boolean[] {true, false}) {
                cases.add(Arguments.of(SocketProtocolFamily.INET, "127.0.0.2", path, on));
                cases.add(Arguments.of(SocketProtocolFamily.INET6, "127.0.0.2", path, on));
                cases.add(Arguments.of(SocketProtocolFamily.INET6, "::1", path, on));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} to {1}, {2}, option {3}")
    @MethodSource("cases")
    void recipientIsEpolls(SocketProtocolFamily family, String sentTo, ReadPath path, boolean on) throws Exception {
        Received ours = receive(false, family, sentTo, path, on);
        Received theirs = receive(true, family, sentTo, path, on);
        if (on) {
            assertEquals(new InetSocketAddress(sentTo, ours.port), ours.recipient, "GoNetpoll, option on");
        } else {
            assertEquals(ours.local, ours.recipient, "GoNetpoll, option off: the local address");
        }
        if (on && sentTo.contains(":")) {
            // Epoll sets the IPv4 option only, so an IPv6 datagram's recipient stays its local address there;
            // GoNetpoll sets IPV6_RECVORIGDSTADDR too (a transparent IPv6 proxy needs it).
            assertEquals(theirs.local, theirs.recipient, "epoll, IPv6 datagram: the local address");
        } else {
            assertEquals(theirs.recipient.getAddress(), ours.recipient.getAddress(), "epoll's recipient address");
        }
        assertEquals(theirs.recipient.getPort() == theirs.port, ours.recipient.getPort() == ours.port);
        assertEquals(theirs.sender.getAddress(), ours.sender.getAddress(), "epoll's sender address");
    }

    private record Received(InetSocketAddress recipient, InetSocketAddress sender, InetSocketAddress local, int port) {
    }

    private static Received receive(boolean onEpoll, SocketProtocolFamily family, String sentTo, ReadPath path,
                                    boolean on) throws Exception {
        BlockingQueue<DatagramPacket> packets = new LinkedBlockingQueue<>();
        Bootstrap bootstrap = new Bootstrap().group(onEpoll ? epoll : gonetpoll)
                .channelFactory(() -> onEpoll ? new EpollDatagramChannel(family) : new GoNetpollDatagramChannel(family))
                .option(EpollChannelOption.IP_RECVORIGDSTADDR, on)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        packets.add(packet.retain());
                    }
                });
        if (path == ReadPath.RECVMMSG) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1024)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(16 * 1024));
        } else if (path == ReadPath.GRO) {
            bootstrap.option(EpollChannelOption.UDP_GRO, true);
        }
        Channel channel = bootstrap.bind(new InetSocketAddress(family == SocketProtocolFamily.INET ? "0.0.0.0" : "::",
                0)).sync().channel();
        try (DatagramChannel peer = DatagramChannel.open()) {
            InetSocketAddress local = (InetSocketAddress) channel.localAddress();
            peer.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), new InetSocketAddress(sentTo, local.getPort()));
            DatagramPacket packet = packets.poll(10, TimeUnit.SECONDS);
            assertNotNull(packet, (onEpoll ? "epoll" : "GoNetpoll") + ": nothing received");
            try {
                assertEquals(3, packet.content().readableBytes());
                return new Received(packet.recipient(), packet.sender(), local, local.getPort());
            } finally {
                packet.release();
            }
        } finally {
            channel.close().sync();
        }
    }
}
