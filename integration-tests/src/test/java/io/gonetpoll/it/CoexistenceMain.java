package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.io.File;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link CoexistenceTest}: loads GoNetpoll and Netty's epoll and io_uring in the order given by its
 * argument ({@code gonetpoll-first} or {@code netty-first}), prints which library serves the unix natives, then
 * runs each available transport through an echo, a half-close and a {@code DefaultFileRegion} (sendfile), and
 * prints {@code ok <transport>} for each.
 */
public final class CoexistenceMain {
    private CoexistenceMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean goNetpollFirst = "gonetpoll-first".equals(args[0]);
        if (goNetpollFirst) {
            GoNetpoll.ensureAvailability();
        }
        Epoll.ensureAvailability();
        boolean ioUring = IoUring.isAvailable();
        if (!goNetpollFirst) {
            GoNetpoll.ensureAvailability();
        }
        Field owner = Class.forName("io.gonetpoll.channel.Native").getDeclaredField("UNIX_NATIVES_OWNER");
        owner.setAccessible(true);
        System.out.println("unixNativesOwner=" + owner.get(null));
        System.out.println("ioUring=" + ioUring);

        check("gonetpoll", GoNetpollIoHandler.newFactory(), GoNetpollServerSocketChannel.class,
                GoNetpollSocketChannel.class);
        check("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
        if (ioUring) {
            check("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                    IoUringSocketChannel.class);
        }
    }

    private static void check(String name, IoHandlerFactory factory, Class<? extends ServerChannel> serverClass,
                              Class<? extends SocketChannel> clientClass) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        File file = File.createTempFile("coexistence", ".bin");
        try {
            byte[] content = new byte[256 << 10];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) (i * 31);
            }
            Files.write(file.toPath(), content);
            // The server sends the file when the client's output is shut: half-closure, then sendfile.
            Channel server = new ServerBootstrap().group(group).channel(serverClass)
                    .childOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                            if (event instanceof ChannelInputShutdownEvent) {
                                ctx.writeAndFlush(new DefaultFileRegion(file, 0, file.length()))
                                        .addListener(f -> ctx.close());
                            }
                        }

                        @Override
                        public boolean isSharable() {
                            return true;
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel echo = EchoFixture.startServer(group, serverClass);
            EchoFixture.roundTrip(group, clientClass, echo.localAddress(),
                    (name + " coexists").getBytes(StandardCharsets.US_ASCII));
            echo.close().sync();
            CompletableFuture<byte[]> received = new CompletableFuture<>();
            // Without half-closure the client closes at the server's EOF: channelInactive ends the transfer.
            Channel client = new Bootstrap().group(group).channel(clientClass)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private final List<byte[]> parts = new ArrayList<>();
                        private int total;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            byte[] part = new byte[buf.readableBytes()];
                            buf.readBytes(part);
                            buf.release();
                            parts.add(part);
                            total += part.length;
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            byte[] all = new byte[total];
                            int at = 0;
                            for (byte[] part : parts) {
                                System.arraycopy(part, 0, all, at, part.length);
                                at += part.length;
                            }
                            received.complete(all);
                        }
                    }).connect(server.localAddress()).sync().channel();
            ((SocketChannel) client).shutdownOutput().sync();
            byte[] got = received.get(30, TimeUnit.SECONDS);
            if (!java.util.Arrays.equals(content, got)) {
                throw new AssertionError(name + ": the file arrived with " + got.length + " bytes, not as sent");
            }
            server.close().sync();
            System.out.println("ok " + name);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            Files.deleteIfExists(file.toPath());
        }
    }
}
