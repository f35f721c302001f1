package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A channel registered with an event loop of the wrong transport: the registration fails, and says why. */
class IncompatibleEventLoopTest {
    private static EventLoopGroup nio;
    private static EventLoopGroup epoll;
    private static EventLoopGroup gonetpoll;

    @BeforeAll
    static void setUp() {
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        gonetpoll = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        for (EventLoopGroup group : new EventLoopGroup[] {nio, epoll, gonetpoll}) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void goNetpollChannelOnANioLoopNamesBothTypes() throws Exception {
        long fds = OpenFiles.count();
        Channel channel = new GoNetpollSocketChannel();
        Throwable cause = failedRegistration(nio.register(channel));
        assertInstanceOf(IllegalStateException.class, cause);
        assertTrue(cause.getMessage().contains("GoNetpollSocketChannel")
                && cause.getMessage().contains("io.netty.channel.nio.NioIoHandler"), cause.getMessage());
        assertFalse(channel.isOpen(), "a channel that could not register is closed");
        assertTrue(OpenFiles.awaitValue(OpenFiles::count, fds, 5) == fds, "its socket is closed");
    }

    @Test
    void goNetpollServerChannelOnAnEpollLoopNamesBothTypes() throws Exception {
        Channel channel = new GoNetpollServerSocketChannel();
        Throwable cause = failedRegistration(epoll.register(channel));
        assertTrue(cause.getMessage().contains("GoNetpollServerSocketChannel")
                && cause.getMessage().contains("io.netty.channel.epoll.EpollIoHandler"), cause.getMessage());
        assertFalse(channel.isOpen());
    }

    /**
     * The reverse direction fails too, but with Netty's text: NioSocketChannel asks the loop
     * {@code isCompatible(AbstractNioUnsafe.class)}, GoNetpoll answers no, and Netty's AbstractChannel reports
     * "incompatible event loop type" with the loop class only. GoNetpoll could force its own text there only
     * by answering yes to a handle it cannot serve, which would break {@code IoEventLoopGroup.isCompatible}
     * for everyone who uses it to pick a channel class; it does not.
     */
    @Test
    void nioChannelOnAGoNetpollLoopFailsToRegister() throws Exception {
        Channel channel = new NioSocketChannel();
        Throwable cause = failedRegistration(gonetpoll.register(channel));
        assertInstanceOf(IllegalStateException.class, cause);
        assertTrue(cause.getMessage().contains("incompatible event loop type"), cause.getMessage());
        // Netty leaves a channel that failed this early check open; the caller closes it.
        channel.unsafe().closeForcibly();
    }

    private static Throwable failedRegistration(ChannelFuture registration) throws InterruptedException {
        assertTrue(registration.await(10, TimeUnit.SECONDS), "registration did not complete");
        assertFalse(registration.isSuccess(), "registration must fail");
        return registration.cause();
    }
}
