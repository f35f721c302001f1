package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * TCP urgent data (MSG_OOB) stops a read: Linux's {@code tcp_recvmsg} ends at the urgent mark once it has copied
 * anything, so a read that returns fewer bytes than offered has not drained the socket. A peer sends "AAAA",
 * one urgent byte, then "CCCC", all queued before the server reads; the server must get all of it, as NIO and
 * epoll do, with autoRead and with one {@code read()} per message, with and without {@code SO_OOBINLINE}
 * (inline, the urgent byte is data too).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UrgentDataTest {
    /** SOL_SOCKET and SO_OOBINLINE from asm-generic/socket.h, the same on x86_64 and aarch64. */
    private static final IntegerUnixChannelOption SO_OOBINLINE = new IntegerUnixChannelOption("SO_OOBINLINE", 1, 10);

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @ParameterizedTest(name = "autoRead={0}, oobInline={1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void dataBehindTheUrgentMarkIsRead(boolean autoRead, boolean oobInline) throws Exception {
        String expected = oobInline ? "AAAABCCCC" : "AAAACCCC";
        CompletableFuture<Channel> child = new CompletableFuture<>();
        CompletableFuture<String> received = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(SO_OOBINLINE, oobInline ? 1 : 0)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Collector(expected, autoRead, received));
                        child.complete(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            Channel accepted = child.get(10, TimeUnit.SECONDS);
            // Everything is queued in the server's receive buffer before its first read.
            OutputStream out = peer.getOutputStream();
            out.write("AAAA".getBytes(StandardCharsets.US_ASCII));
            peer.sendUrgentData('B');
            out.write("CCCC".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (autoRead) {
                accepted.config().setAutoRead(true);
            } else {
                accepted.read();
            }
            assertEquals(expected, received.get(5, TimeUnit.SECONDS));
        } finally {
            server.close().sync();
        }
    }

    /** Collects the bytes; with autoRead off, asks for the next message after each one. Shared with the Unix test. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        private final StringBuilder text = new StringBuilder();
        private final String expected;
        private final boolean autoRead;
        private final CompletableFuture<String> received;

        Collector(String expected, boolean autoRead, CompletableFuture<String> received) {
            this.expected = expected;
            this.autoRead = autoRead;
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
            if (text.length() >= expected.length()) {
                received.complete(text.toString());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!autoRead && !received.isDone()) {
                ctx.read();
            }
        }
    }
}
