package io.gonetpoll.it.udp;

import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000,000 datagrams echoed between two GoNetpoll UDP channels on two loops, a window of 64 in flight, read in
 * {@code recvmmsg} batches ({@code MAX_DATAGRAM_PAYLOAD_SIZE}) and written in {@code sendmmsg} batches. Each
 * datagram carries its sequence number, a payload derived from it (16 to 256 bytes) and the CRC32 of both; the
 * client checks every echo byte for byte. UDP may drop datagrams (a full receive buffer), so losses are counted,
 * not forbidden: when nothing comes back for 2 s the window is given up for lost and refilled (a stall);
 * a datagram that comes back later still counts as received, once. Lost = sent - received. The run is bounded
 * by 30 minutes (a hang bound: on a quiet machine it takes far less; a loaded one is slower by the load); the
 * report, printed either way, says how many were sent, received, lost, stalls and duplicates, with the loops'
 * counters. Asserted: every received datagram is byte-exact, none is received twice, all were sent, losses stay
 * under 1 % (loopback drops only when a receive buffer overflows, which the window prevents), two ADDs and two
 * DELs, and no fd is left open.
 */
class MillionDatagramEchoTest {
    /** 1,000,000; {@code -Dgonetpoll.udp.echoCount=N} runs fewer, for a quick check on a loaded machine. */
    private static final int COUNT = Integer.getInteger("gonetpoll.udp.echoCount", 1_000_000);
    private static final int WINDOW = 64;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int TIME_BOUND_SECONDS = 1_800;

    @Test
    @Timeout(value = TIME_BOUND_SECONDS + 60, unit = TimeUnit.SECONDS)
    void millionDatagramsEchoedByteExact() throws Exception {
        OpenFiles.Baseline baseline = OpenFiles.baseline();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        try {
            Channel server = batching(new Bootstrap().group(group))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.flush();
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Client client = new Client();
            Channel clientChannel = batching(new Bootstrap().group(group))
                    .handler(client)
                    .connect(server.localAddress()).sync().channel();
            String report;
            long start = System.nanoTime();
            try {
                client.done.get(TIME_BOUND_SECONDS, TimeUnit.SECONDS);
            } finally {
                report = clientChannel.eventLoop().submit(client::report).get(10, TimeUnit.SECONDS)
                        + ", in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; "
                        + factory.counters();
                System.out.println("MillionDatagramEchoTest: " + report);
                clientChannel.close().sync();
                server.close().sync();
            }
            assertEquals(0, client.corrupt, report);
            assertEquals(0, client.duplicates, report);
            assertEquals(COUNT, client.sent, report);
            assertTrue(client.lost() < COUNT / 100, "more than 1 % lost: " + report);
            GoNetpollLoopCounters counters = factory.counters();
            assertEquals(2, counters.epollCtlAdds(), counters.toString());
            assertEquals(2, counters.epollCtlDels(), counters.toString());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
        assertTrue(open.isEmpty(), "fds left open: " + open);
    }

    /**
     * Reads of up to 64 datagrams per recvmmsg (512-byte slots) and per loop turn, and a receive buffer of 1 MiB
     * (the kernel caps it at net.core.rmem_max): the window fits in it, so loopback has no reason to drop.
     */
    private static Bootstrap batching(Bootstrap bootstrap) {
        return bootstrap.channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 512)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 512).maxMessagesPerRead(64))
                .option(ChannelOption.SO_RCVBUF, 1 << 20);
    }

    /** Writes datagram {@code seq}: seq (8 bytes), length (2), payload, CRC32 of all before it (8). */
    static void encode(ByteBuf out, long seq) {
        int length = 16 + (int) (seq % 241);
        int start = out.writerIndex();
        out.writeLong(seq).writeShort(length);
        for (int i = 0; i < length; i++) {
            out.writeByte((int) (seq * 31 + i));
        }
        CRC32 crc = new CRC32();
        crc.update(out.nioBuffer(start, out.writerIndex() - start));
        out.writeLong(crc.getValue());
    }

    /** The sequence number of a datagram that is exactly what {@link #encode} wrote, else -1. */
    static long decode(ByteBuf in) {
        if (in.readableBytes() < 18) {
            return -1;
        }
        int start = in.readerIndex();
        long seq = in.getLong(start);
        int length = in.getUnsignedShort(start + 8);
        if (seq < 0 || seq >= COUNT || length != 16 + (int) (seq % 241) || in.readableBytes() != 10 + length + 8) {
            return -1;
        }
        for (int i = 0; i < length; i++) {
            if (in.getByte(start + 10 + i) != (byte) (seq * 31 + i)) {
                return -1;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(in.nioBuffer(start, 10 + length));
        return crc.getValue() == in.getLong(start + 10 + length) ? seq : -1;
    }

    /** All state on the client's loop. */
    private static final class Client extends SimpleChannelInboundHandler<DatagramPacket> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final BitSet received = new BitSet(COUNT);
        int sent;
        /** Sent and not yet echoed, as far as flow control knows (a stall forgets them). */
        int inFlight;
        int stalls;
        int corrupt;
        int duplicates;
        long lastProgress;
        ScheduledFuture<?> watchdog;

        int lost() {
            return sent - received.cardinality();
        }

        String report() {
            return "sent " + sent + ", received " + received.cardinality() + ", lost " + lost() + ", stalls "
                    + stalls + ", corrupt " + corrupt + ", duplicates " + duplicates;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            lastProgress = System.nanoTime();
            fill(ctx);
            watchdog = ctx.executor().scheduleAtFixedRate(() -> {
                if (inFlight > 0 && System.nanoTime() - lastProgress > STALL_NANOS) {
                    stalls++;
                    inFlight = 0;
                    lastProgress = System.nanoTime();
                    fill(ctx);
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            watchdog.cancel(false);
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            long seq = decode(packet.content());
            if (seq < 0) {
                corrupt++;
                return;
            }
            if (received.get((int) seq)) {
                duplicates++;
                return;
            }
            received.set((int) seq);
            lastProgress = System.nanoTime();
            if (inFlight > 0) {
                // After a stall this may be a late echo of a forgotten datagram: the window then lets one more
                // out, which only flow control notices.
                inFlight--;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            fill(ctx);
        }

        private void fill(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (inFlight < WINDOW && sent < COUNT) {
                ByteBuf buf = ctx.alloc().directBuffer(288);
                encode(buf, sent++);
                ctx.write(buf);
                inFlight++;
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
            if (sent == COUNT && inFlight == 0) {
                done.complete(null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }
    }
}
