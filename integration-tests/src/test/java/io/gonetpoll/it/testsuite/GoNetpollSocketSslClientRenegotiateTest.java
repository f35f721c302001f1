package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;

import java.util.List;

/**
 * Netty's {@code SocketSslClientRenegotiateTest} with GoNetpoll, as {@code EpollSocketSslClientRenegotiateTest} runs
 * it ({@code socketWithFastOpen()}).
 *
 * <p>Netty's test needs an OpenSSL that can renegotiate: it disables itself without OpenSSL
 * ({@code @DisabledIf("openSslNotAvailable")}) and skips every case when
 * {@code OpenSsl.isRenegotiationSupported()} is false, which is the case for the BoringSSL build of netty-tcnative
 * on our test class path. It runs where a dynamically linked {@code netty-tcnative} with a system OpenSSL is used.
 */
public class GoNetpollSocketSslClientRenegotiateTest extends SocketSslClientRenegotiateTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithFastOpen();
    }
}
