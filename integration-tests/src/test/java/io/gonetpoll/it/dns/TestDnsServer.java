package io.gonetpoll.it.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small authoritative DNS server on 127.0.0.1, on one UDP and one TCP port with the same number, built with
 * Netty's DNS codec on NIO (the side not under test). It answers A and AAAA questions for the names it was given
 * (NOERROR with no answer when a name has no address of the asked type), NXDOMAIN for every other name, and, for
 * the names given as {@code truncated}, a UDP answer with only the TC bit (the resolver must ask again over TCP,
 * where the full answer is). It records what it was asked, over which protocol, and from where.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final long TTL_SECONDS = 60;

    private final Map<String, List<InetAddress>> records;
    private final Set<String> truncatedOverUdp;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** {@code udp NAME TYPE} or {@code tcp NAME TYPE} for every question, in arrival order. */
    public final List<String> questions = new CopyOnWriteArrayList<>();
    /** The source addresses of the UDP queries. */
    public final List<InetSocketAddress> udpSenders = new CopyOnWriteArrayList<>();
    /** UDP answers sent: what the resolver's datagram channel must have read. */
    public final AtomicInteger udpAnswers = new AtomicInteger();
    private final Channel udp;
    private final Channel tcp;

    /**
     * {@code records}: name (without the trailing dot, any case) to its addresses; {@code truncatedOverUdp}: names
     * whose UDP answer is truncated.
     */
    public TestDnsServer(Map<String, List<InetAddress>> records, Set<String> truncatedOverUdp)
            throws InterruptedException {
        this.records = new ConcurrentHashMap<>();
        records.forEach((name, addresses) -> this.records.put(name.toLowerCase(Locale.ROOT), addresses));
        this.truncatedOverUdp = Set.copyOf(truncatedOverUdp);
        Channel[] both;
        try {
            both = bindBoth();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        udp = both[0];
        tcp = both[1];
    }

    /**
     * A UDP port the kernel picks, and the same number on TCP, where the resolver asks again after a truncated
     * answer; if another process holds that TCP port, another UDP port is tried.
     */
    private Channel[] bindBoth() throws InterruptedException {
        RuntimeException taken = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new UdpAnswers());
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) udp.localAddress()).getPort();
            ChannelFuture tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                    new TcpAnswers());
                        }
                    }).bind(InetAddress.getLoopbackAddress(), port).await();
            if (tcp.isSuccess()) {
                return new Channel[] {udp, tcp.channel()};
            }
            taken = new IllegalStateException("TCP port " + port + " is taken", tcp.cause());
            udp.close().sync();
        }
        throw taken;
    }

    /** The UDP (and TCP) address of the server. */
    public InetSocketAddress address() {
        return (InetSocketAddress) udp.localAddress();
    }

    /** Fills {@code response} with the answer to {@code question}: its addresses of the asked type, or NXDOMAIN. */
    private void answer(DnsQuestion question, DnsResponse response) {
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
        List<InetAddress> addresses = records.get(withoutDot(question.name()));
        if (addresses == null) {
            response.setCode(DnsResponseCode.NXDOMAIN);
            return;
        }
        for (InetAddress address : addresses) {
            boolean v4 = address instanceof Inet4Address && question.type() == DnsRecordType.A;
            boolean v6 = address instanceof Inet6Address && question.type() == DnsRecordType.AAAA;
            if (v4 || v6) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(),
                        TTL_SECONDS, Unpooled.wrappedBuffer(address.getAddress())));
            }
        }
    }

    private static String withoutDot(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private String record(String protocol, DnsQuestion question) {
        String name = withoutDot(question.name());
        questions.add(protocol + ' ' + name + ' ' + question.type().name());
        return name;
    }

    @ChannelHandler.Sharable
    private final class UdpAnswers extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            udpSenders.add(query.sender());
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = record("udp", question);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id(),
                    DnsOpCode.QUERY, DnsResponseCode.NOERROR);
            response.setAuthoritativeAnswer(true);
            if (truncatedOverUdp.contains(name)) {
                response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
                response.setTruncated(true);
            } else {
                answer(question, response);
            }
            udpAnswers.incrementAndGet();
            ctx.writeAndFlush(response);
        }
    }

    private final class TcpAnswers extends SimpleChannelInboundHandler<DnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            record("tcp", question);
            DnsResponse response = new DefaultDnsResponse(query.id(), DnsOpCode.QUERY, DnsResponseCode.NOERROR);
            response.setAuthoritativeAnswer(true);
            answer(question, response);
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() throws InterruptedException {
        udp.close().sync();
        tcp.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
}
