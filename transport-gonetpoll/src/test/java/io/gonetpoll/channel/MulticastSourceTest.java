package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Multicast membership with sources, which Netty's testsuite does not cover, on the loopback interface (IPv4:
 * 127.0.0.1 and 127.0.0.2 are two sources on it): a block drops one source's datagrams in a group joined for
 * any source, a source-specific join receives only that source, and a leave stops the group. Each "not
 * received" is proved by a datagram sent after it from an allowed source arriving first in its place: loopback
 * delivers in send order, so the dropped one would have come before it.
 */
class MulticastSourceTest {
    private static final int TIMEOUT_SECONDS = 10;
    private static final InetAddress GROUP = address("239.255.42.99");
    private static final InetAddress SOURCE_A = address("127.0.0.1");
    private static final InetAddress SOURCE_B = address("127.0.0.2");

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private DatagramChannel receiver() throws Exception {
        return (DatagramChannel) new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.US_ASCII));
                    }
                })
                .bind(new InetSocketAddress(0)).sync().channel();
    }

    private Channel sender(InetAddress source, NetworkInterface loopback) throws Exception {
        return new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.IP_MULTICAST_IF, loopback)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                    }
                })
                .bind(new InetSocketAddress(source, 0)).sync().channel();
    }

    private static void send(Channel sender, String text, int port) throws Exception {
        sender.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII),
                new InetSocketAddress(GROUP, port))).sync();
    }

    private String next() throws InterruptedException {
        return received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void blockJoinWithSourceAndLeave() throws Exception {
        NetworkInterface loopback = NetUtil.LOOPBACK_IF;
        DatagramChannel receiver = receiver();
        int port = receiver.localAddress().getPort();
        Channel fromA = sender(SOURCE_A, loopback);
        Channel fromB = sender(SOURCE_B, loopback);
        try {
            receiver.joinGroup(new InetSocketAddress(GROUP, port), loopback).sync();
            send(fromB, "b1", port);
            assertEquals("b1", next(), "joined for any source");

            receiver.block(GROUP, loopback, SOURCE_B).sync();
            send(fromB, "b2 (blocked)", port);
            send(fromA, "a1", port);
            assertEquals("a1", next(), "B blocked, A not");

            receiver.leaveGroup(new InetSocketAddress(GROUP, port), loopback).sync();
            receiver.joinGroup(GROUP, loopback, SOURCE_A).sync();
            send(fromB, "b3 (not joined)", port);
            send(fromA, "a2", port);
            assertEquals("a2", next(), "joined for A only");

            receiver.leaveGroup(GROUP, loopback, SOURCE_A).sync();
            // Positive control for the leave: a second receiver joined for any source gets the datagram.
            BlockingQueue<String> control = new LinkedBlockingQueue<>();
            DatagramChannel other = (DatagramChannel) new Bootstrap().group(loops.group())
                    .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            control.add(packet.content().toString(StandardCharsets.US_ASCII));
                        }
                    })
                    .bind(new InetSocketAddress(port)).sync().channel();
            try {
                other.joinGroup(new InetSocketAddress(GROUP, port), loopback).sync();
                send(fromA, "a3 (left)", port);
                assertEquals("a3 (left)", control.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the control receiver");
            } finally {
                other.close().sync();
            }
            // The same loop delivered the control's edge; a task after it runs once that turn is over.
            receiver.eventLoop().submit(() -> { }).sync();
            assertNull(received.poll(), "after the leave (with IP_MULTICAST_ALL on, the control's join would "
                    + "have brought it here too)");
        } finally {
            fromA.close().sync();
            fromB.close().sync();
            receiver.close().sync();
        }
    }
}
