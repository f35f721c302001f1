package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel registered with an event loop of the wrong transport: the registration fails, and says why.
 * GoNetpoll channels answer Netty's compatibility check with yes and refuse in {@code doRegister} instead, so
 * that the message can name both types; so the registration does start on the foreign loop. These tests show
 * it does no harm there, on every loop a user may mix up with ours: the channel ends closed, its fd is
 * released, the loop counts no registration of it, and the loop goes on serving its own channels.
 */
class IncompatibleEventLoopTest {
    private static final List<EventLoopGroup> groups = new ArrayList<>();
    private static EventLoopGroup gonetpoll;

    @BeforeAll
    static void setUp() {
        gonetpoll = group(GoNetpollIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static EventLoopGroup group(IoHandlerFactory factory) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        groups.add(group);
        return group;
    }

    /** A foreign transport: its IoHandler's class name, its loop factory, and a listener of its own. */
    private static Stream<Arguments> foreignLoops() {
        return Stream.of(
                Arguments.of("io.netty.channel.nio.NioIoHandler",
                        (Supplier<IoHandlerFactory>) NioIoHandler::newFactory,
                        (Supplier<ServerChannel>) NioServerSocketChannel::new),
                Arguments.of("io.netty.channel.epoll.EpollIoHandler",
                        (Supplier<IoHandlerFactory>) EpollIoHandler::newFactory,
                        (Supplier<ServerChannel>) EpollServerSocketChannel::new),
                Arguments.of("io.netty.channel.uring.IoUringIoHandler",
                        (Supplier<IoHandlerFactory>) IoUringIoHandler::newFactory,
                        (Supplier<ServerChannel>) IoUringServerSocketChannel::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignLoops")
    void goNetpollChannelsOnAForeignLoopFailCleanlyAndLeaveItUnharmed(
            String handlerName, Supplier<IoHandlerFactory> factory, Supplier<ServerChannel> nativeListener)
            throws Exception {
        if (handlerName.contains("uring")) {
            Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring not available here: "
                    + IoUring.unavailabilityCause());
        }
        EventLoopGroup foreign = group(factory.get());
        EventLoop loop = foreign.next();
        OpenFiles.Baseline fds = OpenFiles.baseline();

        for (Channel channel : new Channel[] {new GoNetpollSocketChannel(), new GoNetpollServerSocketChannel()}) {
            Throwable cause = failedRegistration(loop.register(channel));
            assertInstanceOf(IllegalStateException.class, cause);
            String name = channel.getClass().getSimpleName();
            assertTrue(cause.getMessage().contains(name) && cause.getMessage().contains(handlerName),
                    cause.getMessage());
            assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS), name + " is closed");
            assertFalse(channel.isOpen());
            assertFalse(channel.isRegistered());
        }
        assertEquals(Map.of(), fds.awaitOpenedSinceClosed(5), "both sockets are closed");
        assertEquals(0, registrations(loop), "the foreign loop counts no registration of ours");

        // The loop still serves its own transport.
        Channel own = new ServerBootstrap().group(foreign).channelFactory(nativeListener::get)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        assertTrue(own.isActive());
        own.close().sync();
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

    /**
     * Netty's count of a loop's registrations, which {@code SingleThreadIoEventLoop} keeps for auto-scaling behind
     * the protected {@code getNumOfRegisteredChannels()} (its public {@code registeredChannels()} answers -1).
     */
    private static int registrations(EventLoop loop) throws Exception {
        Method count = SingleThreadIoEventLoop.class.getDeclaredMethod("getNumOfRegisteredChannels");
        count.setAccessible(true);
        return (Integer) count.invoke(loop);
    }

    private static Throwable failedRegistration(ChannelFuture registration) throws InterruptedException {
        assertTrue(registration.await(10, TimeUnit.SECONDS), "registration did not complete");
        assertFalse(registration.isSuccess(), "registration must fail");
        return registration.cause();
    }
}
