package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Go's invariants on UDP channels (docs/architecture.md#datagram-channels): each socket costs one
 * {@code epoll_ctl} ADD and one DEL (the native library has no MOD at all), a read runs until {@code recvfrom}
 * says {@code EAGAIN}, and a queue longer than {@code MAX_MESSAGES_PER_READ} built up before the first read is
 * delivered whole without a new edge, with autoRead and with explicit {@code read()}s. Also: a read deadline and
 * {@code READ_TIMEOUT_MILLIS} fail a parked read and leave the channel open, and a connected socket reports an
 * ICMP "port unreachable" as {@link PortUnreachableException}. Peers are the JDK's blocking datagram channels,
 * so only GoNetpoll's sockets are counted.
 */
class DatagramChannelTest {
    private static final int TIMEOUT_SECONDS = 10;
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    /** Keeps what a channel reads: each datagram's text and sender, and every exception. */
    private static final class Recorder extends SimpleChannelInboundHandler<DatagramPacket> {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        /** The sender of each datagram, added before its text, so a text polled has its sender queued. */
        final BlockingQueue<InetSocketAddress> senders = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            senders.add(packet.sender());
            texts.add(packet.content().toString(StandardCharsets.US_ASCII));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    private Channel bind(Recorder recorder, boolean autoRead, int maxMessagesPerRead) throws Exception {
        return new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048)
                        .maxMessagesPerRead(maxMessagesPerRead))
                .handler(recorder)
                .bind(LOOPBACK_ANY_PORT).sync().channel();
    }

    /**
     * 500 round trips between a GoNetpoll echo (connected client, bound server), then both closed: two sockets,
     * two ADDs, two DELs, every sender right, no socket left open.
     */
    @Test
    void echoCostsOneAddAndOneDelPerSocket() throws Exception {
        long socketsBefore = OpenSockets.count();
        Channel server = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ctx.writeAndFlush(new DatagramPacket(packet.content().retain(), packet.sender()));
                    }
                })
                .bind(LOOPBACK_ANY_PORT).sync().channel();
        Recorder recorder = new Recorder();
        Channel client = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .handler(recorder)
                .connect(server.localAddress()).sync().channel();
        assertTrue(((GoNetpollDatagramChannel) client).isConnected());
        for (int i = 0; i < 500; i++) {
            client.writeAndFlush(Unpooled.copiedBuffer("ping " + i, StandardCharsets.US_ASCII)).sync();
            assertEquals("ping " + i, recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertEquals(server.localAddress(), recorder.senders.poll());
        }
        client.close().sync();
        server.close().sync();
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(2, counters.epollCtlAdds(), counters.toString());
        assertEquals(2, counters.epollCtlDels(), counters.toString());
        assertTrue(recorder.errors.isEmpty(), recorder.errors.toString());
        OpenSockets.assertBackTo(socketsBefore, TIMEOUT_SECONDS);
    }

    /**
     * 100 datagrams queued before the first read, at most 4 per read loop, autoRead turned on afterwards: every
     * one arrives although only one edge announced them all. Reads run to EAGAIN, never trusting a short
     * datagram: one recvfrom per datagram plus one that finds the queue empty.
     */
    @Test
    void queueLongerThanOneTurnIsDeliveredUnderAutoRead() throws Exception {
        Recorder recorder = new Recorder();
        Channel channel = bind(recorder, false, 4);
        int count = 100;
        sendFromJdk((InetSocketAddress) channel.localAddress(), count);
        channel.config().setAutoRead(true);
        for (int i = 0; i < count; i++) {
            String text = recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals("datagram " + i, text, "after " + i + " datagrams: " + loops.factory().counters());
        }
        GoNetpollLoopCounters counters = loops.factory().counters();
        await(() -> loops.factory().counters().readsWouldBlock() >= 1, "the read that finds the queue empty");
        assertEquals(count + 1, loops.factory().counters().readSyscalls(), counters.toString());
        channel.close().sync();
    }

    /** The same with autoRead off: each read() delivers exactly one datagram, and none is left behind. */
    @Test
    void queueIsDeliveredOneDatagramPerExplicitRead() throws Exception {
        Recorder recorder = new Recorder();
        Channel channel = bind(recorder, false, 16);
        int count = 100;
        sendFromJdk((InetSocketAddress) channel.localAddress(), count);
        for (int i = 0; i < count; i++) {
            channel.read();
            String text = recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals("datagram " + i, text, "read() " + i + ": " + loops.factory().counters());
            assertNull(recorder.texts.poll(), "more than one datagram for one read()");
        }
        assertEquals(0, loops.factory().counters().readsWouldBlock(), "no read() found the queue empty");
        channel.read();
        await(() -> loops.factory().counters().readsWouldBlock() == 1, "the 101st read() finds the queue empty");
        channel.close().sync();
    }

    /**
     * A read deadline fails the parked read with {@link ReadDeadlineExceededException}, the channel stays open,
     * and once the deadline is cleared a datagram is read.
     */
    @Test
    void readDeadlineFailsParkedReadAndLeavesChannelOpen() throws Exception {
        Recorder recorder = new Recorder();
        GoNetpollDatagramChannel channel = (GoNetpollDatagramChannel) bind(recorder, true, 16);
        channel.setReadDeadline(Duration.ofMillis(50));
        Throwable error = recorder.errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(ReadDeadlineExceededException.class, error);
        assertTrue(channel.isOpen());
        channel.setReadDeadline(0);
        sendFromJdk(channel.localAddress(), 1);
        assertEquals("datagram 0", recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        channel.close().sync();
    }

    /** {@code READ_TIMEOUT_MILLIS}: silence fails the read, a datagram restarts the clock, the channel stays open. */
    @Test
    void readTimeoutMillisFailsSilence() throws Exception {
        Recorder recorder = new Recorder();
        Channel channel = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, 100)
                .handler(recorder)
                .bind(LOOPBACK_ANY_PORT).sync().channel();
        assertInstanceOf(ReadDeadlineExceededException.class, recorder.errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        sendFromJdk((InetSocketAddress) channel.localAddress(), 1);
        assertEquals("datagram 0", recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertTrue(channel.isOpen());
        channel.close().sync();
    }

    /**
     * Connected to a port nobody listens on: the datagram is sent, the ICMP "port unreachable" comes back as an
     * error edge, and the parked read reports it as {@link PortUnreachableException}; the channel stays open.
     */
    @Test
    void connectedSocketReportsPortUnreachable() throws Exception {
        InetSocketAddress closedPort;
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open(
                StandardProtocolFamily.INET)) {
            probe.bind(LOOPBACK_ANY_PORT);
            closedPort = (InetSocketAddress) probe.getLocalAddress();
        }
        Recorder recorder = new Recorder();
        Channel channel = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .handler(recorder)
                .connect(closedPort).sync().channel();
        channel.writeAndFlush(Unpooled.copiedBuffer("anyone?", StandardCharsets.US_ASCII)).sync();
        Throwable error = recorder.errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error, "no error reported: " + loops.factory().counters());
        assertInstanceOf(PortUnreachableException.class, error);
        assertTrue(channel.isOpen());
        channel.close().sync();
    }

    /**
     * With {@code MAX_DATAGRAM_PAYLOAD_SIZE} 64 and a 1,024-byte read buffer, 40 queued datagrams arrive in order
     * with their senders through three {@code recvmmsg} calls (16, 16, then 8: a short batch proves the queue
     * empty, so no {@code EAGAIN} read follows); 40 datagrams flushed at once leave with one {@code sendmmsg}.
     */
    @Test
    void batchesUseRecvmmsgAndSendmmsg() throws Exception {
        Recorder recorder = new Recorder();
        Channel channel = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.AUTO_READ, false)
                .option(GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 64)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(1024))
                .handler(recorder)
                .bind(LOOPBACK_ANY_PORT).sync().channel();
        int count = 40;
        InetSocketAddress jdkAddress;
        try (java.nio.channels.DatagramChannel jdk = java.nio.channels.DatagramChannel.open(
                StandardProtocolFamily.INET)) {
            jdk.bind(LOOPBACK_ANY_PORT);
            jdkAddress = (InetSocketAddress) jdk.getLocalAddress();
            for (int i = 0; i < count; i++) {
                jdk.send(ByteBuffer.wrap(("datagram " + i).getBytes(StandardCharsets.US_ASCII)),
                        channel.localAddress());
            }
            channel.config().setAutoRead(true);
            for (int i = 0; i < count; i++) {
                assertEquals("datagram " + i, recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                assertEquals(jdkAddress, recorder.senders.poll());
            }
            GoNetpollLoopCounters counters = loops.factory().counters();
            assertEquals(3, counters.readSyscalls(), counters.toString());
            assertEquals(0, counters.readsWouldBlock(), counters.toString());

            long writesBefore = counters.writeSyscalls();
            channel.eventLoop().submit(() -> {
                for (int i = 0; i < count; i++) {
                    channel.write(new DatagramPacket(
                            Unpooled.copiedBuffer("reply " + i, StandardCharsets.US_ASCII), jdkAddress));
                }
                channel.flush();
            }).sync();
            jdk.socket().setSoTimeout(TIMEOUT_SECONDS * 1000);
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[64], 64);
            for (int i = 0; i < count; i++) {
                reply.setLength(64);
                jdk.socket().receive(reply);
                assertEquals("reply " + i, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
            await(() -> loops.factory().counters().writeSyscalls() > writesBefore, "the flush's syscall");
            assertEquals(1, loops.factory().counters().writeSyscalls() - writesBefore,
                    "one sendmmsg for 40 datagrams: " + loops.factory().counters());
        }
        channel.close().sync();
    }

    /**
     * UDP GSO and GRO where the kernel has them: a {@link SegmentedDatagramPacket} of 3 x 1,000 bytes arrives as
     * three 1,000-byte datagrams, in order, at a receiver without GRO (the kernel cut it) and at one with
     * {@code UDP_GRO} (one coalesced read, which the channel delivers as three packets).
     */
    @Test
    void segmentedPacketsArriveAsDatagramsWithAndWithoutGro() throws Exception {
        assumeTrue(GoNetpollDatagramChannel.isSegmentedDatagramPacketSupported(), "no UDP GSO in this kernel");
        for (boolean gro : new boolean[] {false, true}) {
            BlockingQueue<ByteBuf> received = new LinkedBlockingQueue<>();
            Channel receiver = new Bootstrap().group(loops.group())
                    .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                    .option(GoNetpollChannelOption.UDP_GRO, gro)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            received.add(Unpooled.copiedBuffer(packet.content()));
                        }
                    })
                    .bind(LOOPBACK_ANY_PORT).sync().channel();
            Channel sender = bind(new Recorder(), true, 16);
            ByteBuf payload = Unpooled.directBuffer(3000);
            for (int i = 0; i < 3000; i++) {
                payload.writeByte(i / 1000 + 'a');
            }
            sender.writeAndFlush(new SegmentedDatagramPacket(payload, 1000,
                    (InetSocketAddress) receiver.localAddress())).sync();
            for (int i = 0; i < 3; i++) {
                ByteBuf datagram = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(datagram, "gro " + gro + ": datagram " + i);
                assertEquals(String.valueOf((char) ('a' + i)).repeat(1000),
                        datagram.toString(StandardCharsets.US_ASCII), "gro " + gro + ": datagram " + i);
                datagram.release();
            }
            assertTrue(received.isEmpty(), "gro " + gro + ": more than 3 datagrams");
            assertEquals(gro, receiver.config().getOption(GoNetpollChannelOption.UDP_GRO));
            sender.close().sync();
            receiver.close().sync();
        }
    }

    /**
     * UDP GSO inside {@code sendmmsg}, as epoll batches it: a {@link SegmentedDatagramPacket} of 3 x 1,000 bytes,
     * a plain packet and one of 2 x 500 bytes, flushed together, leave with one {@code sendmmsg} and arrive as six
     * datagrams, in order and byte for byte.
     */
    @Test
    void segmentedPacketsJoinTheSendmmsgOfTheirFlush() throws Exception {
        assumeTrue(GoNetpollDatagramChannel.isSegmentedDatagramPacketSupported(), "no UDP GSO in this kernel");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Channel receiver = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.US_ASCII));
                    }
                })
                .bind(LOOPBACK_ANY_PORT).sync().channel();
        Channel sender = bind(new Recorder(), true, 16);
        InetSocketAddress to = (InetSocketAddress) receiver.localAddress();
        GoNetpollLoopCounters counters = loops.factory().counters();
        long writesBefore = counters.writeSyscalls();
        flushTogether(sender, new SegmentedDatagramPacket(segments('a', 3, 1000), 1000, to),
                new DatagramPacket(Unpooled.copiedBuffer("plain", StandardCharsets.US_ASCII), to),
                new SegmentedDatagramPacket(segments('d', 2, 500), 500, to));
        String[] expected = {"a".repeat(1000), "b".repeat(1000), "c".repeat(1000), "plain", "d".repeat(500),
            "e".repeat(500)};
        for (String datagram : expected) {
            assertEquals(datagram, received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        await(() -> loops.factory().counters().writeSyscalls() > writesBefore, "the flush's syscall");
        assertEquals(1, loops.factory().counters().writeSyscalls() - writesBefore,
                "one sendmmsg for the three messages: " + loops.factory().counters());
        sender.close().sync();
        receiver.close().sync();
        assertTrue(received.isEmpty(), "more than six datagrams: " + received);
    }

    /**
     * UDP GRO inside {@code recvmmsg}, as epoll reads it: with {@code UDP_GRO} and {@code MAX_DATAGRAM_PAYLOAD_SIZE}
     * both set, each {@code recvmmsg} slot may hold datagrams the kernel coalesced, and says so in its own control
     * message. Four queued messages (three coalesced, one plain) are read by one {@code recvmmsg} of five slots
     * (short, so no {@code EAGAIN} read follows) and arrive as nine datagrams, in order and byte for byte.
     */
    @Test
    void coalescedDatagramsShareOneRecvmmsg() throws Exception {
        assumeTrue(GoNetpollDatagramChannel.isSegmentedDatagramPacketSupported(), "no UDP GSO in this kernel");
        Recorder recorder = new Recorder();
        Channel receiver = new Bootstrap().group(loops.group())
                .channelFactory(() -> new GoNetpollDatagramChannel(SocketProtocolFamily.INET))
                .option(ChannelOption.AUTO_READ, false)
                .option(GoNetpollChannelOption.UDP_GRO, true)
                .option(GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 3000)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(5 * 3000))
                .handler(recorder)
                .bind(LOOPBACK_ANY_PORT).sync().channel();
        Channel sender = bind(new Recorder(), true, 16);
        InetSocketAddress to = (InetSocketAddress) receiver.localAddress();
        GoNetpollLoopCounters counters = loops.factory().counters();
        long writesBefore = counters.writeSyscalls();
        flushTogether(sender, new SegmentedDatagramPacket(segments('a', 3, 1000), 1000, to),
                new DatagramPacket(Unpooled.copiedBuffer("plain", StandardCharsets.US_ASCII), to),
                new SegmentedDatagramPacket(segments('d', 2, 500), 500, to),
                new SegmentedDatagramPacket(segments('f', 3, 1000), 1000, to));
        await(() -> loops.factory().counters().writeSyscalls() > writesBefore, "the flush's syscall");
        long readsBefore = loops.factory().counters().readSyscalls();
        long wouldBlockBefore = loops.factory().counters().readsWouldBlock();
        receiver.config().setAutoRead(true);
        String[] expected = {"a".repeat(1000), "b".repeat(1000), "c".repeat(1000), "plain", "d".repeat(500),
            "e".repeat(500), "f".repeat(1000), "g".repeat(1000), "h".repeat(1000)};
        for (String datagram : expected) {
            assertEquals(datagram, recorder.texts.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertEquals(sender.localAddress(), recorder.senders.poll());
        }
        assertEquals(1, loops.factory().counters().readSyscalls() - readsBefore,
                "one recvmmsg for the four messages: " + loops.factory().counters());
        assertEquals(wouldBlockBefore, loops.factory().counters().readsWouldBlock(), counters.toString());
        sender.close().sync();
        receiver.close().sync();
        assertTrue(recorder.texts.isEmpty(), "more than nine datagrams: " + recorder.texts);
        assertTrue(recorder.errors.isEmpty(), "errors: " + recorder.errors);
    }

    /** Writes {@code messages} on {@code sender}'s loop and flushes them together, as one flush. */
    private static void flushTogether(Channel sender, Object... messages) throws InterruptedException {
        sender.eventLoop().submit(() -> {
            for (Object message : messages) {
                sender.write(message);
            }
            sender.flush();
        }).sync();
    }

    /** {@code count} segments of {@code size} bytes, direct: the first all {@code first}, the next first + 1, ... */
    private static ByteBuf segments(char first, int count, int size) {
        ByteBuf buf = Unpooled.directBuffer(count * size);
        for (int i = 0; i < count * size; i++) {
            buf.writeByte(first + i / size);
        }
        return buf;
    }

    /** Sends {@code "datagram 0"} ... from a blocking JDK socket; on loopback each lands in the queue at once. */
    private static void sendFromJdk(InetSocketAddress to, int count) throws Exception {
        try (java.nio.channels.DatagramChannel sender = java.nio.channels.DatagramChannel.open(
                StandardProtocolFamily.INET)) {
            for (int i = 0; i < count; i++) {
                sender.send(ByteBuffer.wrap(("datagram " + i).getBytes(StandardCharsets.US_ASCII)), to);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
