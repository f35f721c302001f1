package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.CompositeBufferGatheringWriteTest;

import java.util.List;

/**
 * Netty's {@code CompositeBufferGatheringWriteTest} with GoNetpoll, as {@code EpollCompositeBufferGatheringWriteTest}
 * runs it ({@code socketWithoutFastOpen()}).
 *
 * <p>Epoll also overrides {@code compositeBufferPartialWriteDoesNotCorruptDataInitServerConfig} to cap the bytes
 * of one gathering write at {@code SO_SNDBUF} ({@code EpollChannelConfig.setMaxBytesPerGatheringWrite}), which
 * makes a partial write of the composite buffer more likely. GoNetpoll has that setting only package-private
 * (it follows {@code SO_SNDBUF} x 2, which the test sets), so the hook is left as Netty's no-op: the test runs
 * unchanged, with Netty's default cap.
 */
public class GoNetpollCompositeBufferGatheringWriteTest extends CompositeBufferGatheringWriteTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithoutFastOpen();
    }
}
