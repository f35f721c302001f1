package io.gonetpoll.it.testsuite;

import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Errors.NativeIoException;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Netty's {@code SocketRstTest} with GoNetpoll, as {@code EpollSocketRstTest} runs it
 * ({@code socketWithoutFastOpen()}). A GoNetpoll client reads through Netty's unix {@code Socket}, so a reset
 * reaches it as epoll's does: a {@link NativeIoException} carrying {@code -ECONNRESET}, not the JDK's
 * "Connection reset" {@code SocketException} the base class expects from NIO.
 */
public class GoNetpollSocketRstTest extends SocketRstTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithoutFastOpen();
    }

    @Override
    protected void assertRstOnCloseException(IOException cause, Channel clientChannel) {
        if (!(clientChannel instanceof GoNetpollSocketChannel)) {
            super.assertRstOnCloseException(cause, clientChannel);
            return;
        }
        NativeIoException nativeCause = assertInstanceOf(NativeIoException.class, cause,
                () -> "actual [type, message]: [" + cause.getClass() + ", " + cause.getMessage() + "]");
        assertEquals(Errors.ERRNO_ECONNRESET_NEGATIVE, nativeCause.expectedErr(), cause::getMessage);
    }
}
