package io.gonetpoll.it.udp;

import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call that must fail on a UDP channel bound to 127.0.0.1 (IPv4), and what must hold after it: its future
 * completes and fails, the channel stays open and still carries a good datagram (to itself). Used by
 * {@link DatagramBadInputTest} and {@link VanishedInterfaceJoinMain}, on Netty's epoll channel and on GoNetpoll's.
 */
interface BadDatagramCall {
    ChannelFuture run(DatagramChannel channel) throws Exception;

    /** Runs {@code call} on a new channel of {@code group} (epoll's or GoNetpoll's); returns the failure. */
    static Throwable failure(EventLoopGroup group, boolean onEpoll, BadDatagramCall call) throws Exception {
        String transport = onEpoll ? "epoll" : "GoNetpoll";
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        DatagramChannel channel = (DatagramChannel) new Bootstrap().group(group)
                .channelFactory(() -> onEpoll ? new EpollDatagramChannel(SocketProtocolFamily.INET)
                        : new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.US_ASCII));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            ChannelFuture future = call.run(channel);
            assertTrue(future.await(10, TimeUnit.SECONDS), transport + ": the bad call's future never completed");
            assertFalse(future.isSuccess(), transport + ": the bad call succeeded");
            Throwable cause = future.cause();
            assertNotNull(cause);
            assertTrue(channel.isOpen(), transport + ": closed by " + cause);
            ByteBuf good = Unpooled.copiedBuffer("still works", StandardCharsets.US_ASCII);
            channel.writeAndFlush(new DatagramPacket(good, (InetSocketAddress) channel.localAddress())).sync();
            assertEquals("still works", received.poll(10, TimeUnit.SECONDS), transport + ": after " + cause);
            return cause;
        } finally {
            channel.close().sync();
        }
    }
}
