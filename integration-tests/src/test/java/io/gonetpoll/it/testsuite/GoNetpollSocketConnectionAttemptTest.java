package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.BlackholeSession;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import org.junit.jupiter.api.BeforeAll;

import java.lang.reflect.Field;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Netty's {@code SocketConnectionAttemptTest} with GoNetpoll, as {@code EpollSocketConnectionAttemptTest} runs it
 * ({@code clientSocket()}).
 *
 * <p>Netty's "bad host" is the black hole of {@link BlackholeSession} here: a loopback listener whose accept queue
 * is full, so a connect to it hangs like one to an unreachable host. That keeps {@code testConnectTimeout} and
 * {@code testConnectCancellation} on loopback, where their default bad host (TEST-NET-2) may be answered by an
 * intercepting proxy or refused at once, and Netty's test would skip itself.
 */
public class GoNetpollSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    /** Netty keeps the bad host in package-private constants of {@link SocketTestPermutation}, read once. */
    @BeforeAll
    static void nettyUsesTheBlackhole() throws Exception {
        assertEquals("127.0.0.1", constant("BAD_HOST"), "Netty's bad host");
        assertEquals(BlackholeSession.port(), constant("BAD_PORT"),
                "Netty's bad port: it was read before the launcher session set it");
    }

    private static Object constant(String name) throws ReflectiveOperationException {
        Field field = SocketTestPermutation.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(null);
    }

    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.clientSocket();
    }
}
