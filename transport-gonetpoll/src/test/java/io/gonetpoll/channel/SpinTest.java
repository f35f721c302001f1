package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Spin before parking ({@link SpinPolicy}) on a real loop with a real loopback client: a request that arrives in
 * the spin window is served without a blocking wait, a task submitted while the loop spins ends the spin, an idle
 * loop stops spinning and blocks, and a loop shuts down while it spins. Everything is judged from the loop's
 * counters, never from how long something took. The spin budget is the largest allowed (1 s) wherever a test
 * needs the loop to be spinning when the test thread acts: on a loaded host the test thread may lag, and a
 * window it could miss would make the test flaky, not wrong.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinTest {
    private static final long LONG_BUDGET_MICROS = GoNetpollIoHandlerConfig.MAX_SPIN_BUDGET_MICROS;
    private static final int ROUND_TRIPS = 20;
    private static final long WAIT_SECONDS = 10;

    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;
    private Channel server;
    /** The server's side of {@link #client}, once accepted. */
    private volatile Channel child;
    private Socket client;
    private long socketsBefore;

    /**
     * Closes the connection and waits until the server has closed its side before closing the listener and the
     * loop: a group shut down right after a close can terminate without closing the channels still registered
     * (Netty's SingleThreadIoEventLoop may skip IoHandler.prepareToDestroy when the shutdown begins between its
     * isShuttingDown() check and confirmShutdown(); Netty's epoll is exposed the same way), which is not what
     * these tests are about.
     */
    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
            Channel accepted = child;
            if (accepted != null && group != null) {
                assertTrue(accepted.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS), "the server's side closed");
            }
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        if (factory != null) {
            GoNetpollLoopCounters counters = factory.counters();
            assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), counters.toString());
            OpenSockets.assertBackTo(socketsBefore, 10);
        }
    }

    @Test
    void requestsInTheSpinWindowAreServedWithoutABlockingWait() throws Exception {
        start(LONG_BUDGET_MICROS);
        roundTrip(0); // the accept and the first request: the loop has found IO, so it spins from here on
        GoNetpollLoopCounters before = factory.counters();
        for (int i = 1; i <= ROUND_TRIPS; i++) {
            roundTrip(i);
        }
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(before.blockingEpollWaits(), after.blockingEpollWaits(), "blocking waits during the exchange: "
                + after);
        assertTrue(after.spinEvents() - before.spinEvents() >= ROUND_TRIPS, "every request found by a spin: "
                + after);
        assertTrue(after.spins() > before.spins(), after.toString());
        assertTrue(after.spinPolls() >= after.spinEvents() - before.spinEvents(), after.toString());
        assertTrue(after.spinNanos() > before.spinNanos(), after.toString());
    }

    /**
     * The control: the same exchange with spinning off blocks for every request, and spins never. Each request is
     * returned by a wait that began after the previous response was written, and with no task pending that wait
     * may block; only the first one may have begun before the counters were read, hence one less.
     */
    @Test
    void withSpinningOffEveryRequestWaitsInABlockingWaitAndNothingSpins() throws Exception {
        start(0);
        roundTrip(0);
        GoNetpollLoopCounters before = factory.counters();
        for (int i = 1; i <= ROUND_TRIPS; i++) {
            roundTrip(i);
        }
        GoNetpollLoopCounters after = factory.counters();
        assertTrue(after.blockingEpollWaits() - before.blockingEpollWaits() >= ROUND_TRIPS - 1,
                "blocking waits, " + before.blockingEpollWaits() + " before: " + after);
        assertEquals(0, after.spins(), after.toString());
        assertEquals(0, after.spinPolls(), after.toString());
        assertEquals(0, after.spinNanos(), after.toString());
        assertEquals(0, after.spinEvents(), after.toString());
        assertEquals(0, after.spinMisses(), after.toString());
    }

    /**
     * The task must end the spin: the loop is spinning when the task is submitted (its polls go on, and with
     * the client silent only the task or the end of its one-second window can stop it), the task runs, and
     * the spin neither ran out its window nor was followed by a blocking wait. A spin that ignored tasks would
     * run its whole second, miss, park, and only then run the task.
     */
    @Test
    void aTaskSubmittedWhileSpinningEndsTheSpinAndRuns() throws Exception {
        start(LONG_BUDGET_MICROS);
        roundTrip(0);
        GoNetpollLoopCounters spinning = awaitSpinning();
        group.next().submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(spinning.spinMisses(), after.spinMisses(), "the spin ran out instead: " + after);
        assertEquals(spinning.blockingEpollWaits(), after.blockingEpollWaits(), after.toString());
        assertEquals(spinning.wakeupsWritten(), after.wakeupsWritten(),
                "a spinning loop is awake: the submitter must not write its eventfd: " + after);
    }

    /**
     * A scheduled task that falls due while the loop spins ends the spin and runs: Netty's {@code canBlock()}
     * turns false when a scheduled task is due, which the spin checks at every poll. A spin that waited for
     * IO only would run its whole second and miss.
     */
    @Test
    void aScheduledTaskThatFallsDueWhileSpinningRuns() throws Exception {
        start(LONG_BUDGET_MICROS);
        roundTrip(0);
        GoNetpollLoopCounters spinning = awaitSpinning();
        group.next().schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get(WAIT_SECONDS, TimeUnit.SECONDS);
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(spinning.spinMisses(), after.spinMisses(), "a spin ran out instead: " + after);
        assertEquals(spinning.blockingEpollWaits(), after.blockingEpollWaits(), after.toString());
    }

    /**
     * After its last request, the loop spins one window, misses, and parks: the first blocking wait after the
     * response must follow a spin that ran out, since the turn that wrote the response found IO. Tasks that
     * wake it afterwards find no IO, so it parks again at once each time, without spinning.
     */
    @Test
    void anIdleLoopStopsSpinningAndBlocks() throws Exception {
        start(2_000);
        roundTrip(0);
        long blocked = awaitCounter(() -> factory.counters().blockingEpollWaits(),
                factory.counters().blockingEpollWaits() + 1, "a blocking wait after the last request");
        GoNetpollLoopCounters idle = factory.counters();
        assertTrue(idle.spinMisses() >= 1, "the loop blocked after a spin ran out: " + idle);
        for (int i = 0; i < 3; i++) {
            group.next().submit(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            blocked = awaitCounter(() -> factory.counters().blockingEpollWaits(), blocked + 1,
                    "the loop to block again after task " + i);
        }
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(idle.spins(), after.spins(), "spins while idle: " + after);
        assertEquals(idle.spinPolls(), after.spinPolls(), after.toString());
    }

    /**
     * Shutting the group down while its loop spins (with the connection and the listener open) ends the spin
     * (Netty queues a task to wake the loop), closes the channels and terminates the loop, without the spin
     * running out its second.
     */
    @Test
    void aLoopShutsDownWhileItSpins() throws Exception {
        start(LONG_BUDGET_MICROS);
        roundTrip(0);
        GoNetpollLoopCounters spinning = awaitSpinning();
        boolean terminated = group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
        server = null; // closed by the shutdown
        assertTrue(terminated, "the loop did not terminate");
        group = null; // tearDown still checks the registrations and the sockets
        GoNetpollLoopCounters after = factory.counters();
        assertEquals(spinning.spinMisses(), after.spinMisses(), "the spin ran out instead: " + after);
        assertEquals(-1, client.getInputStream().read(), "the loop closed the connection");
    }

    @Test
    void theBudgetIsCheckedAndCopied() {
        GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig();
        assertEquals(0, config.getSpinBudgetMicros(), "off by default");
        assertThrows(IllegalArgumentException.class, () -> config.setSpinBudgetMicros(-1));
        assertThrows(IllegalArgumentException.class,
                () -> config.setSpinBudgetMicros(GoNetpollIoHandlerConfig.MAX_SPIN_BUDGET_MICROS + 1));
        assertEquals(50, config.setSpinBudgetMicros(50).copy().getSpinBudgetMicros());
        assertTrue(config.toString().contains("spinBudgetMicros=50"), config.toString());
    }

    private void start(long spinBudgetMicros) throws Exception {
        socketsBefore = OpenSockets.count();
        factory = GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setSpinBudgetMicros(spinBudgetMicros));
        // One loop for the listener and the connection: its counters are the whole story.
        group = new MultiThreadIoEventLoopGroup(1, factory);
        server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        child = ch;
                        ch.pipeline().addLast(EchoHandler.INSTANCE);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Socket();
        client.setTcpNoDelay(true);
        client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        client.connect(server.localAddress());
    }

    /** One 32-byte request, echoed whole. */
    private void roundTrip(int i) throws IOException {
        byte[] request = new byte[32];
        Arrays.fill(request, (byte) i);
        client.getOutputStream().write(request);
        byte[] response = new byte[request.length];
        InputStream in = client.getInputStream();
        for (int n = 0; n < response.length; ) {
            int r = in.read(response, n, response.length - n);
            if (r < 0) {
                fail("the server closed the connection");
            }
            n += r;
        }
        assertArrayEquals(request, response);
    }

    /**
     * Waits until the loop polls in a spin (its spin polls go on between two reads, nothing else polls here);
     * returns the counters then.
     */
    private GoNetpollLoopCounters awaitSpinning() throws InterruptedException {
        long polls = factory.counters().spinPolls();
        awaitCounter(() -> factory.counters().spinPolls(), polls + 2, "the loop to spin");
        return factory.counters();
    }

    /** Waits until {@code counter} reaches {@code atLeast}; returns its value then. */
    private static long awaitCounter(LongSupplier counter, long atLeast, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long value;
        while ((value = counter.getAsLong()) < atLeast) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + WAIT_SECONDS + " s for " + what + " (" + value + " < " + atLeast + ")");
            }
            Thread.sleep(1);
        }
        return value;
    }
}
