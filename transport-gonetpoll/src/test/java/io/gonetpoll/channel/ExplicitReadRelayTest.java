package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The relay pattern of Netty's HexDumpProxy on GoNetpoll: both sides autoRead off, and {@code read()} is called
 * again only from the listener of the write that forwarded the previous message. Every message must make it
 * through; a read request lost between the write listener and the read loop stalls the relay forever.
 */
class ExplicitReadRelayTest {
    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @Test
    void everyMessageIsRelayedWithOneReadPerMessage() throws Exception {
        Channel echo = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childHandler(EchoHandler.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel relay = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Frontend(echo.localAddress()));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

        int messages = 5000;
        byte[] out = new byte[64];
        byte[] in = new byte[64];
        try (Socket client = new Socket()) {
            client.setTcpNoDelay(true);
            client.setSoTimeout(5000);
            client.connect(relay.localAddress(), 5000);
            OutputStream os = client.getOutputStream();
            InputStream is = client.getInputStream();
            for (int i = 0; i < messages; i++) {
                out[0] = (byte) i;
                os.write(out);
                int got = 0;
                while (got < in.length) {
                    int n = is.read(in, got, in.length - got);
                    if (n < 0) {
                        throw new AssertionError("EOF at message " + i);
                    }
                    got += n;
                }
                assertEquals((byte) i, in[0], "message " + i);
            }
        }
    }

    private static final class Frontend extends ChannelInboundHandlerAdapter {
        private final java.net.SocketAddress remote;
        private Channel outbound;

        Frontend(java.net.SocketAddress remote) {
            this.remote = remote;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            ChannelFuture connect = new Bootstrap().group(inbound.eventLoop())
                    .channel(GoNetpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.read();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            inbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                                if (f.isSuccess()) {
                                    ctx.channel().read();
                                } else {
                                    f.channel().close();
                                }
                            });
                        }
                    })
                    .connect(remote);
            outbound = connect.channel();
            connect.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    inbound.read();
                } else {
                    inbound.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            outbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (outbound != null) {
                outbound.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
