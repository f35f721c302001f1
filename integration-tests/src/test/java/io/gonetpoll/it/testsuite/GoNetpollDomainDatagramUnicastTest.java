package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Netty's {@code DatagramUnicastTest} on Unix-domain datagram sockets with GoNetpoll on both sides, as epoll's
 * {@code EpollDomainDatagramUnicastTest} runs it: the testsuite leaves the packets' type to the transport, so
 * this class says how a client and a server read and write {@link DomainDatagramPacket}s (each checks the bytes,
 * the recipient, and the sender where the test names it), plus epoll's extra bind check. Disconnect is not
 * offered (on epoll it closes the channel). Addresses: {@link DomainSocketDir}.
 */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollDomainDatagramUnicastTest extends DatagramUnicastTest {
    @Test
    void bindGivesADomainSocketAddress(TestInfo testInfo) throws Throwable {
        run(testInfo, (server, client) -> {
            Channel channel = client.handler(new ChannelInboundHandlerAdapter()).bind(newSocketAddress()).sync()
                    .channel();
            try {
                assertInstanceOf(DomainSocketAddress.class, channel.localAddress());
            } finally {
                closeChannel(channel);
            }
        });
    }

    @Override
    protected boolean supportDisconnect() {
        return false;
    }

    @Override
    protected boolean isConnected(Channel channel) {
        return ((DomainDatagramChannel) channel).isConnected();
    }

    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.domainDatagram();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAddress();
    }

    @Override
    protected Channel setupClientChannel(Bootstrap cb, byte[] bytes, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef) throws Throwable {
        cb.handler(new Reader(bytes, null, latch, errorRef, false));
        return cb.bind(newSocketAddress()).sync().channel();
    }

    @Override
    protected Channel setupServerChannel(Bootstrap sb, byte[] bytes, SocketAddress sender, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef, boolean echo) throws Throwable {
        sb.handler(new Reader(bytes, sender, latch, errorRef, echo));
        return sb.bind(newSocketAddress()).sync().channel();
    }

    @Override
    protected ChannelFuture write(Channel cc, ByteBuf buf, SocketAddress remote, WrapType wrapType) {
        DomainSocketAddress to = (DomainSocketAddress) remote;
        switch (wrapType) {
            case DUP:
                return cc.write(new DomainDatagramPacket(buf.retainedDuplicate(), to));
            case SLICE:
                return cc.write(new DomainDatagramPacket(buf.retainedSlice(), to));
            case READ_ONLY:
                return cc.write(new DomainDatagramPacket(buf.retain().asReadOnly(), to));
            case NONE:
                return cc.write(new DomainDatagramPacket(buf.retain(), to));
            default:
                throw new AssertionError("wrap type " + wrapType);
        }
    }

    /**
     * Checks each datagram: the expected bytes, addressed to this channel, from {@code sender} if one is named
     * (else from someone); echoes it back if asked. The first failure goes to {@code errorRef}.
     */
    private static final class Reader extends SimpleChannelInboundHandler<DomainDatagramPacket> {
        private final byte[] bytes;
        private final SocketAddress sender;
        private final CountDownLatch latch;
        private final AtomicReference<Throwable> errorRef;
        private final boolean echo;

        Reader(byte[] bytes, SocketAddress sender, CountDownLatch latch, AtomicReference<Throwable> errorRef,
               boolean echo) {
            this.bytes = bytes;
            this.sender = sender;
            this.latch = latch;
            this.errorRef = errorRef;
            this.echo = echo;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
            try {
                if (sender != null) {
                    assertEquals(sender, packet.sender());
                } else {
                    assertNotNull(packet.sender());
                }
                assertArrayEquals(bytes, ByteBufUtil.getBytes(packet.content()));
                assertEquals(ctx.channel().localAddress(), packet.recipient());
                if (echo) {
                    ctx.writeAndFlush(new DomainDatagramPacket(packet.content().retainedDuplicate(),
                            packet.sender()));
                }
            } catch (Throwable t) {
                errorRef.compareAndSet(null, t);
            } finally {
                latch.countDown();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errorRef.compareAndSet(null, cause);
        }
    }
}
