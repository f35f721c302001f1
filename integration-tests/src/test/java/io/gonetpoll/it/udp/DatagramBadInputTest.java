package io.gonetpoll.it.udp;

import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input on UDP channels, each case run on Netty's epoll datagram channel and on GoNetpoll's in the same
 * test (where epoll answers at all, see {@link #joinOfAnAddressThatIsNoGroup()}): the write (or future) fails
 * with the exception type epoll gives, the buffer is released, the channel stays open and still carries a good
 * datagram afterwards, and every fd opened is closed again. The leak
 * detector (PARANOID, a report fails the build) covers buffers the assertions do not see.
 */
class DatagramBadInputTest {
    /** The largest UDP payload over IPv4: 65,535 - 20 (IP header) - 8 (UDP header). */
    private static final int MAX_IPV4_PAYLOAD = 65_507;

    private static EventLoopGroup epoll;
    private static EventLoopGroup gonetpoll;

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
    void sendToAnUnresolvedAddress() throws Exception {
        compare(channel -> channel.writeAndFlush(new DatagramPacket(
                Unpooled.directBuffer().writeLong(1), InetSocketAddress.createUnresolved("no-such-host.invalid", 9))));
    }

    @Test
    void datagramLargerThanUdpCarries() throws Exception {
        compare(channel -> channel.writeAndFlush(new DatagramPacket(
                Unpooled.directBuffer(MAX_IPV4_PAYLOAD + 1).writeZero(MAX_IPV4_PAYLOAD + 1),
                (InetSocketAddress) channel.localAddress())));
    }

    /**
     * A unicast address is no multicast group: the kernel refuses the join (EINVAL), and the future fails with
     * that {@code IOException}. GoNetpoll only: on Netty's epoll channel (4.2.17) this future never completes (its
     * join catches only {@code IOException}s, and the refusal comes as another exception), which the first run of
     * this test showed by hanging for its 5 minutes on epoll's side.
     */
    @Test
    void joinOfAnAddressThatIsNoGroup() throws Exception {
        NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assertNotNull(loopback, "no loopback interface");
        OpenFiles.Baseline baseline = OpenFiles.baseline();
        Throwable cause = failure(false, channel -> channel.joinGroup(new InetSocketAddress("127.0.0.1", 0), loopback));
        assertInstanceOf(IOException.class, cause);
        Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
        assertTrue(open.isEmpty(), "fds left open: " + open);
    }

    /** Runs {@code call} on epoll, then on GoNetpoll; compares the failures and checks the channel survived. */
    private static void compare(BadDatagramCall call) throws Exception {
        Throwable onEpoll = failure(true, call);
        OpenFiles.Baseline baseline = OpenFiles.baseline();
        Throwable onGoNetpoll = failure(false, call);
        assertEquals(onEpoll.getClass(), onGoNetpoll.getClass(), "epoll: " + onEpoll + ", GoNetpoll: " + onGoNetpoll);
        Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
        assertTrue(open.isEmpty(), "fds left open: " + open);
    }

    private static Throwable failure(boolean onEpoll, BadDatagramCall call) throws Exception {
        return BadDatagramCall.failure(onEpoll ? epoll : gonetpoll, onEpoll, call);
    }
}
