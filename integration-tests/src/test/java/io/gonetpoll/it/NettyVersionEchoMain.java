package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.Unix;
import io.netty.util.Version;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link NettyVersionsTest}, run on another release's Netty jars: prints the unix-common version it
 * got, whether GoNetpoll is available (and why not), then echoes 64 KiB through a GoNetpoll server (which
 * accepts: the path where a missing native of {@code io.netty.channel.unix.Errors} used to fail).
 */
public final class NettyVersionEchoMain {
    private NettyVersionEchoMain() {
    }

    public static void main(String[] args) throws Exception {
        Version unixCommon = Version.identify(Unix.class.getClassLoader()).get("netty-transport-native-unix-common");
        System.out.println("unix-common=" + (unixCommon == null ? "?" : unixCommon.artifactVersion()));
        System.out.println("available=" + GoNetpoll.isAvailable() + " cause=" + GoNetpoll.unavailabilityCause());
        if (!GoNetpoll.isAvailable()) {
            return;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, GoNetpollIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx.channel());
                            ctx.fireChannelActive();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }

                        @Override
                        public boolean isSharable() {
                            return true;
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int size = 64 << 10;
            CompletableFuture<Integer> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private int received;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received += ((ByteBuf) msg).readableBytes();
                            ((ByteBuf) msg).release();
                            if (received >= size) {
                                echoed.complete(received);
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            echoed.completeExceptionally(cause);
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[size]));
            System.out.println("echoed=" + echoed.get(30, TimeUnit.SECONDS));
            client.close().sync();
            // The accepted channel closes when its loop reads the EOF. Shut down only then, as an application
            // does: a group shut down with no quiet period can end its loop before that loop's next IO turn, and
            // GoNetpoll's destroy() then closes the channel itself, after Netty stopped taking tasks (Netty logs
            // the rejected inactive event as a warning; Netty's epoll would leave the socket open instead).
            accepted.get(10, TimeUnit.SECONDS).closeFuture().await(10, TimeUnit.SECONDS);
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
