package io.gonetpoll.benchmarks.soak;

import io.gonetpoll.benchmarks.Args;
import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code soak-server}: one GoNetpoll server (a boss loop, two worker loops) with four listeners for the mixed load
 * of {@link SoakLoad} ({@code scripts/soak.sh} runs both): HTTP/1.1 ({@link HelloHttp}), echo with backpressure
 * and half-closure ({@link BackpressureEcho}), the same echo under {@code READ_TIMEOUT_MILLIS} for idle clients,
 * and a relay to a closed port ({@link ClosedBackendRelay}). Prints
 * {@code soak-server listening http=P echo=P idle=P relay=P pid=PID} once bound, then every minute its open fds,
 * heap after a full GC, threads, direct memory, leak reports, operations and errors by kind.
 *
 * <p>It fails (a {@code FAIL} line, exit status 1): at the first leak report; at the first unexpected error
 * ({@link ServerErrors}); when, after the warm-up (a tenth of the run, 1 to 5 minutes), fds, heap or threads grew
 * beyond {@link GrowthBounds} over the sample that ended the warm-up; and when, once the load is done, the fds
 * are not back to their number before it started. The load is done when stdin closes (the script closes it when
 * the load exits), or {@value #LOAD_GRACE_MINUTES} minutes after {@code --minutes}, whichever comes first.
 */
public final class SoakServer {
    private static final int LOAD_GRACE_MINUTES = 5;
    private static final int SETTLE_SECONDS = 30;

    private final Tally ops = new Tally();
    private final ServerErrors errors = new ServerErrors();

    private SoakServer() {
    }

    public static void run(Args args) throws Exception {
        int minutes = args.getInt("minutes", 60);
        int readTimeoutMillis = args.getInt("read-timeout-millis", 1000);
        if (!CountingLeakDetector.installed()) {
            throw new IllegalStateException("run with -Dio.netty.customResourceLeakDetector="
                    + CountingLeakDetector.class.getName() + " (scripts/soak.sh does)");
        }
        int status = new SoakServer().serve(minutes, readTimeoutMillis);
        System.exit(status);
    }

    private int serve(int minutes, int readTimeoutMillis) throws Exception {
        int warmupMinutes = Math.max(1, Math.min(5, minutes / 10));
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("soak-boss"),
                GoNetpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("soak-worker"),
                GoNetpollIoHandler.newFactory());
        // Bound and never listening: connects to it are refused at once, and no one else can take its port.
        try (Socket closedBackend = new Socket()) {
            closedBackend.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            HelloHttp hello = new HelloHttp(ops);
            BackpressureEcho echoHandler = new BackpressureEcho(ops);
            ClosedBackendRelay relayHandler = new ClosedBackendRelay(closedBackend.getLocalSocketAddress(), ops,
                    errors);
            int http = bind(boss, workers, b -> { }, p -> p.addLast(new HttpServerCodec(), hello));
            int echo = bind(boss, workers, b -> b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true),
                    p -> p.addLast(echoHandler));
            int idle = bind(boss, workers, b -> b.childOption(GoNetpollChannelOption.READ_TIMEOUT_MILLIS,
                    readTimeoutMillis), p -> p.addLast(echoHandler));
            int relay = bind(boss, workers, b -> b.childOption(ChannelOption.AUTO_READ, false),
                    p -> p.addLast(relayHandler));
            ServerSample beforeLoad = ServerSample.take();
            System.out.println("soak-server listening http=" + http + " echo=" + echo + " idle=" + idle
                    + " relay=" + relay + " pid=" + ProcessHandle.current().pid() + " warmup-minutes="
                    + warmupMinutes + " leak-detection=" + System.getProperty("io.netty.leakDetection.level"));
            System.out.println("soak-server before the load: " + beforeLoad);
            int status = monitor(minutes, warmupMinutes, beforeLoad);
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            return status;
        }
    }

    /** Binds a listener on loopback; each child's pipeline gets {@code handlers}, then the errors' tail. */
    private int bind(EventLoopGroup boss, EventLoopGroup workers, Consumer<ServerBootstrap> options,
                     Consumer<ChannelPipeline> handlers) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers)
                .channel(GoNetpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024);
        options.accept(bootstrap);
        Channel listener = bootstrap.childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                handlers.accept(ch.pipeline());
                ch.pipeline().addLast(errors.tail());
            }
        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Every second: leaks and unexpected errors; every minute: a sample, printed and checked. */
    private int monitor(int minutes, int warmupMinutes, ServerSample beforeLoad) throws Exception {
        CountDownLatch loadDone = loadDoneWhenStdinCloses();
        long start = System.nanoTime();
        long hardLimit = start + TimeUnit.MINUTES.toNanos(minutes + LOAD_GRACE_MINUTES);
        ServerSample baseline = null;
        int minute = 0;
        while (!loadDone.await(1, TimeUnit.SECONDS) && System.nanoTime() - hardLimit < 0) {
            String failure = failure();
            if (failure != null) {
                return fail(failure);
            }
            if (System.nanoTime() - start >= TimeUnit.MINUTES.toNanos(minute + 1)) {
                minute++;
                ServerSample now = ServerSample.take();
                report("minute=" + minute, now);
                if (minute == warmupMinutes) {
                    baseline = now;
                    System.out.println("soak-server warm-up over: growth beyond fds+" + GrowthBounds.FDS
                            + " threads+" + GrowthBounds.THREADS + " heap+" + GrowthBounds.HEAP_MIB
                            + "MiB over this sample fails");
                } else if (baseline != null) {
                    String exceeded = GrowthBounds.exceeded(baseline, now);
                    if (exceeded != null) {
                        return fail(exceeded);
                    }
                }
            }
        }
        return afterTheLoad(beforeLoad);
    }

    /** Once the load stopped: every connection closes, so the fds must come back to their number before it. */
    private int afterTheLoad(ServerSample beforeLoad) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        ServerSample now = ServerSample.take();
        while (now.fds != beforeLoad.fds && System.nanoTime() - deadline < 0) {
            Thread.sleep(500);
            now = ServerSample.take();
        }
        CountingLeakDetector.reportCollected();
        report("after-load", now);
        String failure = failure();
        if (failure != null) {
            return fail(failure);
        }
        if (now.fds != beforeLoad.fds) {
            return fail("open fds " + now.fds + " " + SETTLE_SECONDS + " s after the load, " + beforeLoad.fds
                    + " before it");
        }
        System.out.println("soak-server PASS");
        return 0;
    }

    private String failure() {
        long leaks = CountingLeakDetector.reports();
        if (leaks > 0) {
            return leaks + " leak report(s), on stderr (LEAK:)";
        }
        Throwable unexpected = errors.firstUnexpected();
        if (unexpected != null) {
            unexpected.printStackTrace();
            return "unexpected error: " + unexpected;
        }
        return null;
    }

    private void report(String when, ServerSample sample) {
        System.out.println("soak-server " + when + ' ' + sample + " leaks=" + CountingLeakDetector.reports()
                + " ops" + ops + " errors" + errors.tally());
    }

    private static int fail(String why) {
        System.out.println("soak-server FAIL: " + why);
        return 1;
    }

    /** The script closes the server's stdin when the load has exited; reading it to the end waits for that. */
    private static CountDownLatch loadDoneWhenStdinCloses() {
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is sent; only the end counts.
                }
            } catch (IOException e) {
                // A broken stdin ends the load phase too.
            }
            done.countDown();
        }, "soak-stdin");
        reader.setDaemon(true);
        reader.start();
        return done;
    }
}
