package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.BlackholeListener;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/**
 * Netty's {@code SocketConnectionAttemptTest} with GoNetpoll, as {@code EpollSocketConnectionAttemptTest} runs it
 * ({@code clientSocket()}).
 *
 * <p>Netty's "bad host" is {@code 127.0.0.1:${io.netty.testsuite.badPort}} here (set in the pom): a listener
 * whose accept queue is full, so a connect to it hangs like one to an unreachable host. That keeps
 * {@code testConnectTimeout} and {@code testConnectCancellation} on loopback, where their default bad host
 * (TEST-NET-2) may be answered by an intercepting proxy or refused at once, and Netty's test would skip itself.
 */
public class GoNetpollSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    private static BlackholeListener blackhole;

    @BeforeAll
    static void openBlackhole() throws Exception {
        Integer port = Integer.getInteger("io.netty.testsuite.badPort");
        if (port == null || !"127.0.0.1".equals(System.getProperty("io.netty.testsuite.badHost"))) {
            throw new IllegalStateException("run through Maven: the pom sets io.netty.testsuite.badHost=127.0.0.1 "
                    + "and io.netty.testsuite.badPort, which Netty reads once");
        }
        blackhole = BlackholeListener.open(port);
    }

    @AfterAll
    static void closeBlackhole() throws Exception {
        if (blackhole != null) {
            blackhole.close();
        }
    }

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.clientSocket();
    }
}
