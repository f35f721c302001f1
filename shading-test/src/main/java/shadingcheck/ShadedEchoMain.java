package shadingcheck;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run from a jar in which a shading tool relocated GoNetpoll and Netty (this class's references with them): prints
 * the names the classes have there and whether GoNetpoll is available; if it is, echoes 1 MiB over TCP, sends a
 * file with {@code sendfile} (a {@link DefaultFileRegion}, whose fields the JNI library reads) and reads a Unix
 * peer's credentials (a {@link PeerCredentials} the JNI library makes), checking each, then prints {@code OK}.
 * Exit status 0 when all passed, 2 when GoNetpoll is unavailable (its cause printed), 1 on any other failure.
 */
public final class ShadedEchoMain {
    private static final int ECHO_BYTES = 1 << 20;
    private static final int FILE_BYTES = 256 << 10;

    private ShadedEchoMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("gonetpoll=" + GoNetpoll.class.getName());
        System.out.println("netty=" + Channel.class.getName());
        // Spelled with '!' so that the shading tool leaves these names as they are: no unrelocated copy is here.
        for (String unrelocated : new String[] {"io!gonetpoll!channel!GoNetpoll", "io!netty!channel!Channel"}) {
            String name = unrelocated.replace('!', '.');
            try {
                Class.forName(name);
                System.out.println("unrelocated class present: " + name);
                System.exit(1);
            } catch (ClassNotFoundException expected) {
                // Only the relocated copy.
            }
        }
        System.out.println("epoll=" + epollAvailability());
        if (!GoNetpoll.isAvailable()) {
            System.out.println("unavailable: " + GoNetpoll.unavailabilityCause());
            GoNetpoll.unavailabilityCause().printStackTrace(System.out);
            System.exit(2);
        }
        System.out.println("available=true");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, GoNetpollIoHandler.newFactory());
        try {
            echo(group);
            sendFile(group);
            peerCredentials(group);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        System.out.println("OK");
    }

    /** Netty's epoll in this jar (relocated too), if any: GoNetpoll then leaves the unix natives to it. */
    private static String epollAvailability() {
        try {
            // A class name the shading tool relocates with the rest.
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            return String.valueOf(epoll.getMethod("isAvailable").invoke(null));
        } catch (ClassNotFoundException absent) {
            return "absent";
        } catch (ReflectiveOperationException e) {
            return "broken: " + e;
        }
    }

    private static void echo(EventLoopGroup group) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        byte[] sent = new byte[ECHO_BYTES];
        new SplittableRandom(42).nextBytes(sent);
        try {
            byte[] received = receive(group, new InetSocketAddress("127.0.0.1",
                    ((InetSocketAddress) server.localAddress()).getPort()), sent.length,
                    channel -> channel.writeAndFlush(Unpooled.wrappedBuffer(sent)));
            check(Arrays.equals(sent, received), "the echo differs from what was sent");
            System.out.println("echoed=" + received.length);
        } finally {
            server.close().sync();
        }
    }

    private static void sendFile(EventLoopGroup group) throws Exception {
        byte[] content = new byte[FILE_BYTES];
        new SplittableRandom(7).nextBytes(content);
        Path file = Files.createTempFile("gonetpoll-shaded", ".bin");
        try {
            Files.write(file, content);
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            File source = file.toFile();
                            ctx.writeAndFlush(new DefaultFileRegion(source, 0, source.length()))
                                    .addListener(ChannelFutureListener.CLOSE);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                byte[] received = receive(group, new InetSocketAddress("127.0.0.1",
                        ((InetSocketAddress) server.localAddress()).getPort()), content.length, channel -> { });
                check(Arrays.equals(content, received), "the file arrived altered");
                System.out.println("sentfile=" + received.length);
            } finally {
                server.close().sync();
            }
        } finally {
            Files.delete(file);
        }
    }

    private static void peerCredentials(EventLoopGroup group) throws Exception {
        Path dir = Files.createTempDirectory("gonetpoll-shaded");
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("s.sock").toString());
        CompletableFuture<PeerCredentials> seen = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        try {
                            seen.complete(((GoNetpollDomainSocketChannel) ctx.channel()).peerCredentials());
                        } catch (Exception e) {
                            seen.completeExceptionally(e);
                        }
                        ctx.close();
                    }
                })
                .bind(address).sync().channel();
        try {
            Channel client = new Bootstrap().group(group).channel(GoNetpollDomainSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            PeerCredentials credentials = seen.get(30, TimeUnit.SECONDS);
            check(credentials.pid() == ProcessHandle.current().pid(), "peer pid " + credentials.pid());
            System.out.println("peerpid=" + credentials.pid());
            client.close().sync();
        } finally {
            server.close().sync();
            Files.deleteIfExists(dir.resolve("s.sock"));
            Files.delete(dir);
        }
    }

    private interface Start {
        void run(Channel channel);
    }

    /** Connects, runs {@code start}, and returns the first {@code bytes} bytes the peer sends (30 s at most). */
    private static byte[] receive(EventLoopGroup group, InetSocketAddress address, int bytes, Start start)
            throws Exception {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream(bytes);
        Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        try {
                            byte[] chunk = new byte[buf.readableBytes()];
                            buf.readBytes(chunk);
                            received.write(chunk, 0, chunk.length);
                        } finally {
                            buf.release();
                        }
                        if (received.size() >= bytes) {
                            done.complete(received.toByteArray());
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.complete(received.toByteArray());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        done.completeExceptionally(cause);
                        ctx.close();
                    }
                })
                .connect(address).sync().channel();
        try {
            start.run(client);
            return done.get(30, TimeUnit.SECONDS);
        } finally {
            client.close().sync();
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            System.out.println("FAILED: " + failure);
            System.exit(1);
        }
    }
}
