package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

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
 */
public class GoNetpollTrafficShapingHandlerTest extends TrafficShapingHandlerTest {
    private static final int BUDGETED_RUNS = 6;
    private static final long BUDGET_SECONDS = BUDGETED_RUNS * 5;

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
        super.testWriteTrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testReadTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testReadTrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testWrite1TrafficShapping(TestInfo testInfo) throws Throwable {
        super.testWrite1TrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testRead1TrafficShapping(TestInfo testInfo) throws Throwable {
        super.testRead1TrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testWriteGlobalTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testWriteGlobalTrafficShapping(testInfo);
    }

    @Test
    @Timeout(value = BUDGET_SECONDS, unit = TimeUnit.SECONDS)
    @Override
    public void testReadGlobalTrafficShapping(TestInfo testInfo) throws Throwable {
        super.testReadGlobalTrafficShapping(testInfo);
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
