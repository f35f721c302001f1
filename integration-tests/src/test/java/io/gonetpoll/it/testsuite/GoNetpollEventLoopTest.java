package io.gonetpoll.it.testsuite;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;

import java.util.concurrent.Executor;

/**
 * Netty's event-loop contract tests (registration counts, shutdown, auto-scaling, waking a suspended loop) on
 * GoNetpoll loops, as {@code EpollEventLoopTest} runs them for epoll: fresh groups per test, server socket channels
 * to register.
 *
 * <p>Epoll's class also returns {@code true} from {@code supportsChannelIteration()}; that works there because its
 * legacy {@code EpollEventLoop} implements {@code registeredChannelsIterator()}. A GoNetpoll loop is Netty's
 * {@code SingleThreadIoEventLoop}, which throws {@code UnsupportedOperationException} for it (as it does for
 * NIO and epoll handlers in a {@code MultiThreadIoEventLoopGroup}), so the default {@code false} stays and Netty
 * skips its three iterator tests. Epoll's own extra tests drive epoll's native class directly; the big-delay one has
 * a counterpart, {@code EventLoopBigDelayTest}, and GoNetpoll's other loop tests are in transport-gonetpoll.
 */
public class GoNetpollEventLoopTest extends AbstractSingleThreadEventLoopTest {
    @Override
    protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(GoNetpollIoHandler.newFactory());
    }

    @Override
    protected EventLoopGroup newAutoScalingEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(SCALING_MAX_THREADS, (Executor) null, AUTO_SCALING_CHOOSER_FACTORY,
                GoNetpollIoHandler.newFactory());
    }

    @Override
    protected Channel newChannel() {
        return new GoNetpollServerSocketChannel();
    }

    @Override
    protected Class<? extends ServerChannel> serverChannelClass() {
        return GoNetpollServerSocketChannel.class;
    }
}
