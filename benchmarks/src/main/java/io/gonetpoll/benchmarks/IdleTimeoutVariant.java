package io.gonetpoll.benchmarks;

import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The three ways a Netty server can time out silent connections, as benchmark scenario g compares them: the
 * transport's read deadline (GoNetpoll READ_TIMEOUT_MILLIS, no handler), and Netty's handlers on epoll.
 */
enum IdleTimeoutVariant {
    GONETPOLL_READ_TIMEOUT_MILLIS("gonetpoll-read-timeout-millis") {
        @Override
        IoHandlerFactory newIoHandlerFactory(long deadlineTickMillis) {
            GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig();
            if (deadlineTickMillis > 0) {
                config.setDeadlineTickMillis(deadlineTickMillis);
            }
            return GoNetpollIoHandler.newFactory(config);
        }

        @Override
        void configure(ServerBootstrap bootstrap, int timeoutMillis) {
            bootstrap.channel(GoNetpollServerSocketChannel.class)
                    .childOption(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, timeoutMillis);
        }

        @Override
        void addTimeoutHandler(ChannelPipeline pipeline, int timeoutMillis) {
            // The transport does it; IdleTimeoutServer's handler closes on ReadDeadlineExceededException.
        }
    },
    EPOLL_READ_TIMEOUT_HANDLER("epoll-read-timeout-handler") {
        @Override
        void addTimeoutHandler(ChannelPipeline pipeline, int timeoutMillis) {
            pipeline.addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS));
        }
    },
    EPOLL_IDLE_STATE_HANDLER("epoll-idle-state-handler") {
        @Override
        void addTimeoutHandler(ChannelPipeline pipeline, int timeoutMillis) {
            pipeline.addLast(new IdleStateHandler(timeoutMillis, 0, 0, TimeUnit.MILLISECONDS),
                    new CloseOnIdle());
        }
    };

    final String cliName;

    IdleTimeoutVariant(String cliName) {
        this.cliName = cliName;
    }

    /** {@code deadlineTickMillis}: the tick of GoNetpoll's deadline wheel, 0 for its default; epoll has none. */
    IoHandlerFactory newIoHandlerFactory(long deadlineTickMillis) {
        if (deadlineTickMillis > 0) {
            throw new IllegalArgumentException("--deadline-tick-millis applies to GoNetpoll only, not " + cliName);
        }
        return EpollIoHandler.newFactory();
    }

    void configure(ServerBootstrap bootstrap, int timeoutMillis) {
        bootstrap.channel(EpollServerSocketChannel.class);
    }

    abstract void addTimeoutHandler(ChannelPipeline pipeline, int timeoutMillis);

    /** The loop counters of GoNetpoll (wheel operations), or an empty string for other transports. */
    static String counters(IoHandlerFactory factory) {
        return factory instanceof GoNetpollIoHandlerFactory
                ? ((GoNetpollIoHandlerFactory) factory).counters().toString() : "";
    }

    static String[] names() {
        return Arrays.stream(values()).map(v -> v.cliName).toArray(String[]::new);
    }

    static IdleTimeoutVariant of(String name) {
        for (IdleTimeoutVariant variant : values()) {
            if (variant.cliName.equals(name)) {
                return variant;
            }
        }
        throw new IllegalArgumentException("--variant " + name + ": expected one of " + Arrays.toString(names()));
    }

    /** What an IdleStateHandler user writes to get ReadTimeoutHandler's behaviour. */
    private static final class CloseOnIdle extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
