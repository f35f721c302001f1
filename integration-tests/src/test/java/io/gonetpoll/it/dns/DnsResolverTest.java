package io.gonetpoll.it.dns;

import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.it.OpenFiles;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link DnsNameResolver} on each transport's datagram channel (and, for truncated answers, its TCP
 * channel), against {@link TestDnsServer} on 127.0.0.1: names resolve to the addresses the server holds (A, then
 * AAAA), an unknown name fails with the resolver's {@link UnknownHostException}, and a name whose UDP answer is
 * truncated is asked again over TCP and resolves. The resolver gets its channels only from the factories given
 * here, which record every channel and count the datagrams each one reads: so the answers the server sent must
 * have been read by channels of the transport's own classes. Closing the resolver and the loop leaves no fd open;
 * on GoNetpoll each of the resolver's sockets was added to epoll once and deleted once.
 * Netty's epoll and NIO run the same checks as the reference.
 */
class DnsResolverTest {
    private static final String V4_ONLY = "alpha.gonetpoll.test";
    private static final String BOTH = "beta.gonetpoll.test";
    private static final String V6_ONLY = "gamma.gonetpoll.test";
    private static final String TRUNCATED = "big.gonetpoll.test";
    private static final String UNKNOWN = "missing.gonetpoll.test";

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static Map<String, List<InetAddress>> records() throws UnknownHostException {
        // Documentation ranges (RFC 5737, RFC 3849): returned as answers, never contacted.
        return Map.of(
                V4_ONLY, List.of(ip("192.0.2.1")),
                BOTH, List.of(ip("192.0.2.2"), ip("192.0.2.3"), ip("2001:db8::2")),
                V6_ONLY, List.of(ip("2001:db8::3")),
                TRUNCATED, List.of(ip("192.0.2.4"), ip("2001:db8::4")));
    }

    @ParameterizedTest
    @EnumSource(DnsTransport.class)
    void resolvesOverTheTransportsChannels(DnsTransport transport) throws Exception {
        try (TestDnsServer server = new TestDnsServer(records(), Set.of(TRUNCATED))) {
            IoHandlerFactory factory = transport.newFactory();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
            group.submit(() -> { }).sync(); // the loop's own fds are open before the baseline
            OpenFiles.Baseline fds = OpenFiles.baseline();
            Recording<DatagramChannel> datagrams = new Recording<>(transport.datagramChannel);
            Recording<SocketChannel> sockets = new Recording<>(transport.socketChannel);
            try {
                DnsNameResolver resolver = new DnsNameResolverBuilder(group.next())
                        .datagramChannelFactory(datagrams)
                        .socketChannelFactory(sockets)
                        .nameServerProvider(new SingletonDnsServerAddressStreamProvider(server.address()))
                        .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                        .resolveCache(NoopDnsCache.INSTANCE)
                        .searchDomains(List.of())
                        .ndots(1)
                        .queryTimeoutMillis(10_000)
                        .build();
                try {
                    assertEquals(List.of(ip("192.0.2.1")), resolveAll(resolver, V4_ONLY));
                    assertEquals(List.of(ip("192.0.2.2"), ip("192.0.2.3"), ip("2001:db8::2")),
                            resolveAll(resolver, BOTH));
                    assertEquals(List.of(ip("2001:db8::3")), resolveAll(resolver, V6_ONLY));
                    assertEquals(List.of(ip("192.0.2.4"), ip("2001:db8::4")), resolveAll(resolver, TRUNCATED));

                    Future<List<InetAddress>> unknown = resolver.resolveAll(UNKNOWN).await();
                    assertFalse(unknown.isSuccess(), () -> UNKNOWN + " resolved to " + unknown.getNow());
                    assertInstanceOf(UnknownHostException.class, unknown.cause());
                    assertTrue(unknown.cause().getMessage().contains(UNKNOWN), unknown.cause()::toString);
                } finally {
                    resolver.close();
                }
                assertTrue(server.questions.contains("udp " + UNKNOWN + " A"), server.questions::toString);
                assertTrue(server.questions.contains("tcp " + TRUNCATED + " A"),
                        () -> "the truncated answer was asked again over TCP: " + server.questions);
                datagrams.assertAllOfTheTransport(transport, "datagram");
                sockets.assertAllOfTheTransport(transport, "socket");
                assertEquals(server.udpAnswers.get(), datagrams.reads.get(),
                        () -> "every UDP answer was read by one of the recorded " + transport.datagramChannel
                                .getSimpleName() + "s; the server asked from " + server.udpSenders);
                assertTrue(sockets.reads.get() > 0, "the TCP answers were read by the transport's socket channel");
            } finally {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            }
            // Counted once the group is down, when every socket is closed: by the resolver, or by the loop's
            // shutdown through the same DEL-then-close path. Counted before, a loaded CI run once saw 2 DELs of 3
            // ten seconds after the resolver's close: one socket the resolver had not closed yet (which one was not
            // recorded; that run's fd check after the shutdown passed).
            if (factory instanceof GoNetpollIoHandlerFactory) {
                assertOneAddAndOneDelPerSocket(((GoNetpollIoHandlerFactory) factory).counters(),
                        datagrams.channels.size() + sockets.channels.size());
            }
            assertEquals(Map.of(), fds.awaitOpenedSinceClosed(10), "fds the resolver opened and left open");
        }
    }

    /** GoNetpoll: every socket the resolver opened was added to epoll once and, closed, deleted once. */
    private static void assertOneAddAndOneDelPerSocket(GoNetpollLoopCounters counters, int sockets)
            throws InterruptedException {
        long adds = counters.epollCtlAdds();
        assertEquals(sockets, adds, "epoll_ctl(ADD) calls for the resolver's " + sockets + " sockets");
        assertEquals(adds, OpenFiles.awaitValue(counters::epollCtlDels, adds, 10), "epoll_ctl(DEL) calls");
    }

    private static List<InetAddress> resolveAll(DnsNameResolver resolver, String name) throws InterruptedException {
        Future<List<InetAddress>> lookup = resolver.resolveAll(name).await();
        assertTrue(lookup.isSuccess(), () -> name + ": " + lookup.cause());
        return lookup.getNow();
    }

    /**
     * Makes the resolver's channels of one kind and records each, with a first handler in its pipeline that counts
     * the messages the channel reads (and passes them on).
     */
    private static final class Recording<C extends Channel> implements ChannelFactory<C> {
        final List<Channel> channels = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        private final ReflectiveChannelFactory<? extends C> factory;

        Recording(Class<? extends C> type) {
            factory = new ReflectiveChannelFactory<>(type);
        }

        @Override
        public C newChannel() {
            C channel = factory.newChannel();
            channels.add(channel);
            channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    reads.incrementAndGet();
                    ctx.fireChannelRead(msg);
                }
            });
            return channel;
        }

        void assertAllOfTheTransport(DnsTransport transport, String kind) {
            assertFalse(channels.isEmpty(), "the resolver made no " + kind + " channel");
            for (Channel channel : channels) {
                assertEquals(kind.equals("datagram") ? transport.datagramChannel : transport.socketChannel,
                        channel.getClass(), "the resolver's " + kind + " channel");
            }
        }
    }
}
