package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 10,000 connect / one echo / close cycles between a GoNetpoll client and a GoNetpoll server in this JVM: the
 * process holds exactly as many file descriptors afterwards as before, and every socket cost exactly one
 * {@code epoll_ctl(ADD)} and one {@code epoll_ctl(DEL)}.
 */
class ConnectionChurnFdLeakTest {
    private static final int WARM_UP = 200;
    private static final int CYCLES = 10_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tenThousandConnectionsLeaveNoFileDescriptorBehind() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        try {
            Channel server = EchoFixture.startServer(group, GoNetpollServerSocketChannel.class);
            byte[] ping = {42};
            for (int i = 0; i < WARM_UP; i++) {
                EchoFixture.roundTrip(group, GoNetpollSocketChannel.class, server.localAddress(), ping);
            }
            // The listener (added once, before the baseline) is the only socket left once the warm-up's are closed.
            assertEquals(2L * WARM_UP, OpenFiles.awaitValue(() -> factory.counters().epollCtlDels(), 2L * WARM_UP, 10),
                    "warm-up sockets not all deleted from epoll: " + factory.counters());
            OpenFiles.Baseline fdsBefore = OpenFiles.baseline();
            long addsBefore = factory.counters().epollCtlAdds();
            long delsBefore = factory.counters().epollCtlDels();

            for (int i = 0; i < CYCLES; i++) {
                EchoFixture.roundTrip(group, GoNetpollSocketChannel.class, server.localAddress(), ping);
            }

            long dels = OpenFiles.awaitValue(() -> factory.counters().epollCtlDels() - delsBefore, 2L * CYCLES, 10);
            assertEquals(2L * CYCLES, factory.counters().epollCtlAdds() - addsBefore,
                    "one ADD per client and per accepted socket: " + factory.counters());
            assertEquals(2L * CYCLES, dels, "one DEL per client and per accepted socket: " + factory.counters());
            assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(10), "fds opened by the cycles and still open");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
