package io.gonetpoll.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code idle-server}: an echo server, one loop thread, where every connection has a read timeout the way the
 * chosen {@link IdleTimeoutVariant} does it. Prints the live heap after a full GC once {@code --connections}
 * connections are open and again once they are all closed: the difference is what the connections cost. At
 * exit it prints the messages echoed, the timeouts that fired, and GoNetpoll's loop counters.
 */
final class IdleTimeoutServer {
    private IdleTimeoutServer() {
    }

    static void run(Args args) throws InterruptedException {
        IdleTimeoutVariant variant = IdleTimeoutVariant.of(args.get("variant"));
        int timeoutMillis = args.getInt("timeout-millis", 10_000);
        int expected = args.getInt("connections", 10_000);
        IoHandlerFactory factory = variant.newIoHandlerFactory(args.getInt("deadline-tick-millis", 0));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        ExecutorService heapReporter = Executors.newSingleThreadExecutor();
        Echo echo = new Echo(expected, heapReporter);

        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        variant.addTimeoutHandler(ch.pipeline(), timeoutMillis);
                        ch.pipeline().addLast(echo);
                    }
                });
        variant.configure(bootstrap, timeoutMillis);
        Channel server = bootstrap.bind(new InetSocketAddress("127.0.0.1", args.getInt("port", 0))).sync().channel();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stats messages=" + echo.messages.sum() + " timeouts=" + echo.timeouts.sum()
                    + " counters=" + IdleTimeoutVariant.counters(factory));
            System.out.flush();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            heapReporter.shutdownNow();
        }, "shutdown"));
        System.out.println("listening port=" + ((InetSocketAddress) server.localAddress()).getPort()
                + " pid=" + ProcessHandle.current().pid() + " variant=" + variant.cliName);
        System.out.flush();
        server.closeFuture().sync();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        final LongAdder messages = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        private final AtomicInteger active = new AtomicInteger();
        private final int expected;
        private final ExecutorService heapReporter;
        private volatile boolean reachedExpected;

        Echo(int expected, ExecutorService heapReporter) {
            this.expected = expected;
            this.heapReporter = heapReporter;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (active.incrementAndGet() == expected) {
                reachedExpected = true;
                reportHeap("open", expected);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (active.decrementAndGet() == 0 && reachedExpected) {
                reportHeap("closed", 0);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.increment();
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /** A read timeout of any variant (ReadDeadlineExceededException, ReadTimeoutException): count, close. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            timeouts.increment();
            ctx.close();
        }

        /** Live heap after full GCs, off the loop, a moment after the count is reached (to let it settle). */
        private void reportHeap(String phase, int connections) {
            heapReporter.execute(() -> {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
                System.gc();
                System.gc();
                System.out.println("heap phase=" + phase + " connections=" + connections + " usedBytes="
                        + LiveHeap.afterLastGc());
                System.out.flush();
            });
        }
    }
}
