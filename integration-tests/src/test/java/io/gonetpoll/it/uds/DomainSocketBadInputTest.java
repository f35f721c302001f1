package io.gonetpoll.it.uds;

import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad Unix-domain addresses, each tried on Netty's epoll domain channels and on GoNetpoll's in the same run:
 * GoNetpoll must fail the same way (the same exception type; or succeed where epoll succeeds), name the path
 * in its message, and leave no fd open. Both use Netty's {@code Socket.bind}, which unlinks whatever file is at
 * the path first, so "a regular file at the path" is no error on either: it is replaced by the socket.
 */
class DomainSocketBadInputTest {
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

    @Test
    void pathLongerThanSunPath() throws Exception {
        String path = dir.resolve("x".repeat(120) + ".sock").toString();
        compareBindFailure(path);
    }

    @Test
    void parentDirectoryDoesNotExist() throws Exception {
        compareBindFailure(dir.resolve("missing").resolve("x.sock").toString());
    }

    @Test
    void directoryAtThePath() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        compareBindFailure(sub.toString());
        assertTrue(Files.isDirectory(sub), "the directory is left alone");
    }

    /** Root passes every permission check, so this case needs another user. */
    @Test
    void noPermission() throws Exception {
        assumeTrue(!"root".equals(System.getProperty("user.name")),
                "running as root: the kernel grants root every permission, so there is nothing to refuse");
        Path locked = Files.createDirectory(dir.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
        compareBindFailure(locked.resolve("x.sock").toString());
    }

    /** No error on epoll, none here: the file is replaced by the socket, which close then deletes. */
    @Test
    void regularFileAtThePath() throws Exception {
        for (boolean onEpoll : new boolean[] {true, false}) {
            Path file = Files.writeString(dir.resolve("file-" + onEpoll), "data");
            long before = OpenFiles.count();
            Channel server = serverBootstrap(onEpoll).bind(new DomainSocketAddress(file.toString())).sync().channel();
            assertFalse(Files.isRegularFile(file), (onEpoll ? "epoll" : "GoNetpoll") + ": replaced by the socket");
            assertTrue(Files.exists(file));
            server.close().sync();
            assertFalse(Files.exists(file), "close deletes the socket file");
            assertEquals(before, OpenFiles.awaitValue(OpenFiles::count, before, 10), "fds after the close");
        }
    }

    /** Nothing listens at the path: both throw FileNotFoundException; GoNetpoll's names the path. */
    @Test
    void connectToAPathWithNoSocket() throws Exception {
        String path = dir.resolve("nobody.sock").toString();
        Throwable onEpoll = connectFailure(true, path);
        long before = OpenFiles.count();
        Throwable onGoNetpoll = connectFailure(false, path);
        assertEquals(onEpoll.getClass(), onGoNetpoll.getClass(), "epoll: " + onEpoll + ", GoNetpoll: " + onGoNetpoll);
        assertTrue(String.valueOf(onGoNetpoll.getMessage()).contains(path), onGoNetpoll.toString());
        assertEquals(before, OpenFiles.awaitValue(OpenFiles::count, before, 10), "fds after the failed connect");
    }

    private void compareBindFailure(String path) throws Exception {
        Throwable onEpoll = bindFailure(true, path);
        long before = OpenFiles.count();
        Throwable onGoNetpoll = bindFailure(false, path);
        assertEquals(onEpoll.getClass(), onGoNetpoll.getClass(), "epoll: " + onEpoll + ", GoNetpoll: " + onGoNetpoll);
        assertTrue(onGoNetpoll.getMessage().contains(path), onGoNetpoll.toString());
        assertEquals(before, OpenFiles.awaitValue(OpenFiles::count, before, 10), "fds after the failed bind");
    }

    private static Throwable bindFailure(boolean onEpoll, String path) throws InterruptedException {
        ChannelFuture bind = serverBootstrap(onEpoll).bind(new DomainSocketAddress(path)).await();
        assertFalse(bind.isSuccess(), (onEpoll ? "epoll" : "GoNetpoll") + " bound " + path);
        bind.channel().closeFuture().await(10, TimeUnit.SECONDS);
        assertFalse(bind.channel().isOpen());
        assertNotNull(bind.cause());
        return bind.cause();
    }

    private static Throwable connectFailure(boolean onEpoll, String path) throws InterruptedException {
        ChannelFuture connect = new Bootstrap().group(onEpoll ? epoll : gonetpoll)
                .channel(onEpoll ? EpollDomainSocketChannel.class : GoNetpollDomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path)).await();
        assertFalse(connect.isSuccess());
        connect.channel().closeFuture().await(10, TimeUnit.SECONDS);
        assertFalse(connect.channel().isOpen());
        return connect.cause();
    }

    private static ServerBootstrap serverBootstrap(boolean onEpoll) {
        return new ServerBootstrap().group(onEpoll ? epoll : gonetpoll)
                .channel(onEpoll ? EpollServerDomainSocketChannel.class : GoNetpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter());
    }
}
