package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketChannelConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API as a user outside {@code io.gonetpoll.channel} sees it: it compiles against it (configs are
 * Netty's interfaces, not GoNetpoll's package-private classes) and it behaves as documented.
 */
class PublicApiTest {
    @Test
    void configsAreNettysInterfacesAndTakeGoNetpollOptions() {
        GoNetpollSocketChannel socket = new GoNetpollSocketChannel();
        GoNetpollServerSocketChannel server = new GoNetpollServerSocketChannel();
        try {
            SocketChannelConfig config = socket.config().setTcpNoDelay(false).setKeepAlive(true);
            assertTrue(config.isKeepAlive());
            assertTrue(config.setOption(GoNetpollChannelOption.TCP_KEEPIDLE, 30));
            assertEquals(30, config.getOption(GoNetpollChannelOption.TCP_KEEPIDLE));
            ServerSocketChannelConfig serverConfig = server.config().setBacklog(128);
            assertEquals(128, serverConfig.getBacklog());
        } finally {
            socket.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void availabilityFactoryAndCounters() {
        assertTrue(GoNetpoll.isAvailable());
        assertNull(GoNetpoll.unavailabilityCause());
        GoNetpoll.ensureAvailability();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(
                new GoNetpollIoHandlerConfig().setMaxEventsPerWait(64));
        assertTrue(factory.isChangingThreadSupported());
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(0, counters.epollCtlAdds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GoNetpollIoHandlerConfig().setMaxEventsPerWait(0));
        assertTrue(e.getMessage().contains("maxEventsPerWait") && e.getMessage().contains("0"), e.getMessage());
    }
}
