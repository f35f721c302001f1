package io.gonetpoll.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.CharsetUtil;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code udp-echo-server}: one UDP socket that sends every datagram back to where it came from
 * ({@code --mode echo}), or only counts them ({@code --mode sink}, the receiving end of a one-way load).
 *
 * <p>A sink answers a datagram that starts with {@code ?stats} with {@code stats datagrams=N bytes=B} (what it
 * received before it, queries left out) followed by whatever came after {@code ?stats} in the query (a sender's
 * tag, to match answers to queries), so a sender can measure what arrived, not what it sent: UDP drops what a
 * receiver cannot keep up with, silently. It prints the same line, untagged, when it stops.
 *
 * <p>{@code --read-batch N --max-payload B} reads up to N datagrams of at most B bytes per receive call
 * ({@code recvmmsg}) on the transports that can ({@link Transport#readDatagramsInBatches}); without it, one per
 * call. {@code --gro} lets the kernel coalesce datagrams of one flow into one read ({@code UDP_GRO}; gonetpoll and
 * epoll), which the channel still delivers one packet each; with {@code --read-batch}, {@code --max-payload} must
 * then hold what a read coalesces. As the TCP echo server does, an echo stops reading while its outbound buffer is over the high-water mark.
 * {@code --spin-micros N} / {@code --busy-wait} tune its loop as they tune the TCP servers' worker loops
 * ({@link LoopTuning}).
 */
final class UdpEchoServer {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "mode", "read-batch", "max-payload",
            LoopTuning.SPIN_MICROS);
    static final Set<String> FLAGS = Set.of(LoopTuning.BUSY_WAIT, "gro");
    /** What a sender asks a sink; must match the load generators (benchmarks/src/main/c/udp-load.c). */
    static final String STATS_QUERY = "?stats";

    private UdpEchoServer() {
    }

    static void run(Options options) throws InterruptedException {
        Transport transport = options.transport();
        LoopTuning tuning = LoopTuning.parse(options, transport);
        String mode = options.get("mode", "echo");
        if (!mode.equals("echo") && !mode.equals("sink")) {
            throw new UsageException("--mode must be echo or sink, not '" + mode + "'");
        }
        Bootstrap bootstrap = new Bootstrap().channel(transport.datagramChannel());
        boolean batched = options.has("read-batch");
        int maxPayload = options.getInt("max-payload", 2048, 1, 65_507);
        if (batched) {
            transport.readDatagramsInBatches(bootstrap, maxPayload, options.getInt("read-batch", 1, 1, 1024));
        } else if (options.has("max-payload")) {
            throw new UsageException("--max-payload goes with --read-batch");
        }
        boolean gro = options.flag("gro");
        if (gro) {
            transport.readCoalescedDatagrams(bootstrap);
        }
        EventLoopGroup group = transport.newGroup(1, "udp", tuning);
        Sink sink = mode.equals("sink") ? new Sink() : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            if (sink != null) {
                System.out.println(sink.stats());
            }
        }, "shutdown"));
        Channel channel = bootstrap.group(group).handler(sink != null ? sink : new Echo())
                .bind(options.host(), options.port(9200)).sync().channel();
        if (batched && !Integer.valueOf(maxPayload).equals(
                channel.config().getOption(transport.maxDatagramPayloadOption()))) {
            // Netty only logs an option a channel does not know; a batched benchmark must not run unbatched.
            System.err.println("udp-echo-server: the " + transport.cliName + " channel did not take "
                    + transport.maxDatagramPayloadOption() + " = " + maxPayload);
            System.exit(2);
        }
        if (gro && !Boolean.TRUE.equals(channel.config().getOption(transport.udpGroOption()))) {
            System.err.println("udp-echo-server: the " + transport.cliName + " channel did not take "
                    + transport.udpGroOption());
            System.exit(2);
        }
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        System.out.println("listening on udp:" + local.getHostString() + ':' + local.getPort() + " transport="
                + transport.cliName + " threads=1 mode=" + mode);
        channel.closeFuture().sync();
    }

    /** Sends each datagram's buffer back to its sender, flushing once per read batch. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram that could not be sent (ICMP port unreachable from a sender that went away) is lost, as
            // UDP loses datagrams; the socket keeps serving the others.
            System.err.println("udp-echo-server: " + cause);
        }
    }

    /** Counts datagrams and bytes; answers {@link #STATS_QUERY}. Runs on the channel's one loop thread. */
    static final class Sink extends SimpleChannelInboundHandler<DatagramPacket> {
        private static final ByteBuf QUERY =
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(STATS_QUERY.getBytes(CharsetUtil.US_ASCII)));
        private volatile long datagrams;
        private volatile long bytes;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int query = QUERY.readableBytes();
            if (content.readableBytes() >= query
                    && ByteBufUtil.equals(content, content.readerIndex(), QUERY, 0, query)) {
                ByteBuf answer = ByteBufUtil.writeAscii(ctx.alloc(), stats());
                answer.writeBytes(content, content.readerIndex() + query, content.readableBytes() - query);
                ctx.writeAndFlush(new DatagramPacket(answer, packet.sender()), ctx.voidPromise());
                return;
            }
            // Single writer (the loop thread): a plain read-modify-write of the volatile is not racy.
            datagrams = datagrams + 1;
            bytes = bytes + content.readableBytes();
        }

        String stats() {
            return "stats datagrams=" + datagrams + " bytes=" + bytes;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("udp-echo-server: " + cause);
        }
    }
}
