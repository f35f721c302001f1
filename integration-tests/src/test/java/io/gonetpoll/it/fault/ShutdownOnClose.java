package io.gonetpoll.it.fault;

import io.netty.channel.EventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * An event loop group for try-with-resources: {@link #close()} shuts it down (no quiet period) and waits a
 * bounded time. A group that does not terminate fails the test, as a suppressed exception if the test already
 * failed, so the first failure stays the reported one.
 */
final class ShutdownOnClose implements AutoCloseable {
    private static final long TERMINATION_SECONDS = 15;

    final EventLoopGroup group;

    ShutdownOnClose(EventLoopGroup group) {
        this.group = group;
    }

    @Override
    public void close() throws InterruptedException {
        if (!group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(TERMINATION_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError(group + " did not terminate within " + TERMINATION_SECONDS + " s");
        }
    }
}
