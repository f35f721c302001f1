package io.gonetpoll.it.uds;

import io.gonetpoll.channel.GoNetpollDomainDatagramChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix-domain datagram sockets and a path nobody is bound to, on Netty's epoll channel and on GoNetpoll's in the
 * same run, as epoll's {@code EpollDomainDatagramPathTest} asks of epoll: a connect fails with
 * {@link FileNotFoundException}, and so does a write to that path (the channel stays open); GoNetpoll's messages
 * name the path, and no fd is left open.
 */
class DomainDatagramBadInputTest {
    private static EventLoopGroup epoll;
    private static EventLoopGroup gonetpoll;

    @TempDir
    Path dir;

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

    private static Bootstrap bootstrap(boolean onEpoll) {
        return new Bootstrap().group(onEpoll ? epoll : gonetpoll)
                .channel(onEpoll ? EpollDomainDatagramChannel.class : GoNetpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter());
    }

    @Test
    void connectToAPathWithNoSocket() throws Exception {
        String path = dir.resolve("nobody").toString();
        Throwable onEpoll = connectFailure(true, path);
        OpenFiles.Baseline baseline = OpenFiles.baseline();
        Throwable onGoNetpoll = connectFailure(false, path);
        assertInstanceOf(FileNotFoundException.class, onEpoll);
        assertEquals(onEpoll.getClass(), onGoNetpoll.getClass(), "epoll: " + onEpoll + ", GoNetpoll: " + onGoNetpoll);
        assertTrue(String.valueOf(onGoNetpoll.getMessage()).contains(path), onGoNetpoll.toString());
        Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
        assertTrue(open.isEmpty(), "fds left open: " + open);
    }

    @Test
    void writeToAPathWithNoSocket() throws Exception {
        String nobody = dir.resolve("nobody").toString();
        Throwable onEpoll = writeFailure(true, nobody);
        OpenFiles.Baseline baseline = OpenFiles.baseline();
        Throwable onGoNetpoll = writeFailure(false, nobody);
        assertInstanceOf(FileNotFoundException.class, onEpoll);
        assertEquals(onEpoll.getClass(), onGoNetpoll.getClass(), "epoll: " + onEpoll + ", GoNetpoll: " + onGoNetpoll);
        assertTrue(String.valueOf(onGoNetpoll.getMessage()).contains(nobody), onGoNetpoll.toString());
        Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
        assertTrue(open.isEmpty(), "fds left open: " + open);
    }

    private static Throwable connectFailure(boolean onEpoll, String path) throws InterruptedException {
        ChannelFuture connect = bootstrap(onEpoll).connect(new DomainSocketAddress(path));
        assertTrue(connect.await(10, TimeUnit.SECONDS));
        assertFalse(connect.isSuccess(), (onEpoll ? "epoll" : "GoNetpoll") + " connected to " + path);
        assertTrue(connect.channel().closeFuture().await(10, TimeUnit.SECONDS));
        return connect.cause();
    }

    private Throwable writeFailure(boolean onEpoll, String nobody) throws Exception {
        String transport = onEpoll ? "epoll" : "GoNetpoll";
        Channel channel = bootstrap(onEpoll).bind(new DomainSocketAddress(dir.resolve(transport).toString())).sync()
                .channel();
        try {
            ChannelFuture write = channel.writeAndFlush(new DomainDatagramPacket(
                    Unpooled.copiedBuffer("test", StandardCharsets.US_ASCII), new DomainSocketAddress(nobody)));
            assertTrue(write.await(10, TimeUnit.SECONDS), transport + ": the write never completed");
            assertFalse(write.isSuccess(), transport + ": wrote to " + nobody);
            assertTrue(channel.isOpen(), transport + ": closed by " + write.cause());
            return write.cause();
        } finally {
            channel.close().sync();
        }
    }
}
