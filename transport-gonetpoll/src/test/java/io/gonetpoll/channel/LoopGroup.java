package io.gonetpoll.channel;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.TimeUnit;

/**
 * A GoNetpoll loop group made before each test and shut down after it, for tests that need nothing else of
 * their loops: {@code @RegisterExtension final LoopGroup loops = new LoopGroup(1);}.
 */
final class LoopGroup implements BeforeEachCallback, AfterEachCallback {
    private final int threads;
    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;

    LoopGroup(int threads) {
        this.threads = threads;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        factory = GoNetpollIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, factory);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    EventLoopGroup group() {
        return group;
    }

    GoNetpollIoHandlerFactory factory() {
        return factory;
    }
}
