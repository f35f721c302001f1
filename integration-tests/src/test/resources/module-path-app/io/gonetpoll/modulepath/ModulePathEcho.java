package io.gonetpoll.modulepath;

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
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs on the module path (ModulePathEchoTest): a GoNetpoll server on 127.0.0.1 greets each connection with a file
 * sent as a DefaultFileRegion (sendfile, whose JNI code reads fields of JDK and Netty classes) and then echoes; a
 * GoNetpoll client sends a message and checks it gets the file and the message back, byte for byte. Prints
 * {@code module-path echo ok ...} and exits 0 if so; anything else ends with an exception and exit code 1.
 */
public final class ModulePathEcho {
    private static final byte[] MESSAGE = "hello from a named module".getBytes(StandardCharsets.US_ASCII);
    private static final int FILE_SIZE = 256 * 1024;
    private static final long TIMEOUT_SECONDS = 30;

    private ModulePathEcho() {
    }

    public static void main(String[] args) throws Exception {
        Module transport = GoNetpollSocketChannel.class.getModule();
        System.out.println("transport module " + transport.getName() + " automatic="
                + (transport.getDescriptor() != null && transport.getDescriptor().isAutomatic())
                + " caller module " + ModulePathEcho.class.getModule().getName());
        GoNetpoll.ensureAvailability();

        byte[] content = new byte[FILE_SIZE];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + (i >>> 8));
        }
        Path file = Files.createTempFile("module-path-echo", ".bin");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            Files.write(file, content);
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, FILE_SIZE));
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg);
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();

            int expected = FILE_SIZE + MESSAGE.length;
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            try {
                                byte[] bytes = new byte[buf.readableBytes()];
                                buf.readBytes(bytes);
                                received.writeBytes(bytes);
                            } finally {
                                buf.release();
                            }
                            if (received.size() >= expected) {
                                done.complete(received.toByteArray());
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            done.completeExceptionally(cause);
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(MESSAGE)).sync();

            byte[] bytes = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (bytes.length != expected
                    || !Arrays.equals(bytes, 0, FILE_SIZE, content, 0, FILE_SIZE)
                    || !Arrays.equals(bytes, FILE_SIZE, expected, MESSAGE, 0, MESSAGE.length)) {
                throw new AssertionError("received " + bytes.length + " bytes, expected the " + FILE_SIZE
                        + "-byte file and the " + MESSAGE.length + "-byte message");
            }
            client.close().sync();
            server.close().sync();
            System.out.println("module-path echo ok bytes=" + bytes.length);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            Files.deleteIfExists(file);
        }
    }
}
