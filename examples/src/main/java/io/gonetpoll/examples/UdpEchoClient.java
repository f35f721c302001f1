package io.gonetpoll.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code udp-echo-client}: {@code --senders N} connected UDP sockets, each sending one datagram of
 * {@code --message-size} bytes and waiting for its echo before the next (request/response), against
 * {@code udp-echo-server}. Reports round trips per second, RTT percentiles, and losses.
 *
 * <p>UDP may lose a datagram, so a sender does not wait for ever: an echo that has not come back within
 * {@code --timeout-millis} counts as lost and the next datagram goes out. Every datagram carries a sequence number
 * and its sender in its first {@value #HEADER} bytes, then a pattern that depends on both: an echo that comes back
 * after its timeout counts as late (it was already counted lost), and one whose bytes or length are not what was
 * sent, or that belongs to another sender or to a sequence number not sent yet, fails the run. The high half of
 * each sequence number is a tag of this run: an echo of another run's datagram (a socket of an earlier client that
 * had the same port, answered late) counts as stray and is ignored. Bounded by {@code --duration-seconds} or
 * {@code --messages} (per sender; round trips + losses = messages).
 */
final class UdpEchoClient {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "threads", "senders", "message-size",
            "duration-seconds", "messages", "timeout-millis", "warmup-seconds");
    /** Sequence number (8 bytes: this run's tag, then the count) and sender id (4 bytes). */
    static final int HEADER = 12;
    private static final long COUNT_MASK = 0xffff_ffffL;
    private static final int PERIOD = 251;
    private static final int MAX_MESSAGE = 65_507;
    /** The pattern from phase 0, long enough for a whole payload starting at any phase. */
    private static final byte[] PATTERN = new byte[PERIOD + MAX_MESSAGE];
    /** Per event-loop thread: handlers of one thread never verify at the same time. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[MAX_MESSAGE]);

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PERIOD);
        }
    }

    private final int messageSize;
    private final long messagesPerSender;
    private final long deadlineNanos;
    private final long timeoutMillis;
    /** Round trips, losses and RTTs count only from this System.nanoTime() on (the end of the warm-up). */
    private final long measureFromNanos;
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder stray = new LongAdder();
    /** The high half of every sequence number this run sends. */
    private final long runTag = (long) (ThreadLocalRandom.current().nextInt() | 1) << 32;
    private final LatencyHistogram rtt = new LatencyHistogram();

    private UdpEchoClient(int messageSize, long messagesPerSender, long deadlineNanos, long timeoutMillis,
                          long measureFromNanos) {
        this.messageSize = messageSize;
        this.messagesPerSender = messagesPerSender;
        this.deadlineNanos = deadlineNanos;
        this.timeoutMillis = timeoutMillis;
        this.measureFromNanos = measureFromNanos;
    }

    static int run(Options options) throws InterruptedException {
        Transport transport = options.transport();
        int senders = options.getInt("senders", 1, 1, 10_000);
        int messageSize = options.getInt("message-size", 64, HEADER, MAX_MESSAGE);
        int durationSeconds = options.getInt("duration-seconds", 10, 1, 3600);
        long messages = options.has("messages") ? options.getInt("messages", 0, 1, Integer.MAX_VALUE) : Long.MAX_VALUE;
        int timeoutMillis = options.getInt("timeout-millis", 200, 1, 60_000);
        int warmupSeconds = options.getInt("warmup-seconds", 0, 0, 3600);
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long deadline = options.has("messages") ? Long.MAX_VALUE
                : measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        UdpEchoClient client = new UdpEchoClient(messageSize, messages, deadline, timeoutMillis, measureFrom);
        InetSocketAddress server = new InetSocketAddress(options.host(), options.port(9200));

        EventLoopGroup group = transport.newGroup(options.threads(), "udp-client");
        if (warmupSeconds > 0) {
            group.schedule(() -> {
                System.out.println("udp-echo-client measuring");
                System.out.flush();
            }, measureFrom - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        long start = System.nanoTime();
        boolean ok;
        try {
            ok = client.sendAndAwait(transport, group, server, senders);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        double seconds = (System.nanoTime() - Math.max(start, measureFrom)) / 1e9;
        System.out.printf(Locale.ROOT, "udp-echo-client transport=%s senders=%d message-size=%d round-trips=%d "
                        + "round-trips/s=%.0f lost=%d late=%d stray=%d rtt-p50-us=%d rtt-p99-us=%d result=%s%n",
                transport.cliName, senders, messageSize, client.roundTrips.sum(), client.roundTrips.sum() / seconds,
                client.lost.sum(), client.late.sum(), client.stray.sum(), client.rtt.percentileMicros(50),
                client.rtt.percentileMicros(99), ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }

    /** Starts every sender and waits for all; false if any failed or hung. */
    private boolean sendAndAwait(Transport transport, EventLoopGroup group, InetSocketAddress server, int senders)
            throws InterruptedException {
        List<Promise<Void>> done = new ArrayList<>();
        for (int id = 0; id < senders; id++) {
            Promise<Void> promise = group.next().newPromise();
            done.add(promise);
            new Bootstrap().group(group).channel(transport.datagramChannel()).handler(new Sender(id, promise))
                    .connect(server).addListener(f -> {
                        if (!f.isSuccess()) {
                            promise.tryFailure(f.cause());
                        }
                    });
        }
        boolean ok = true;
        long waitUntil = (deadlineNanos == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.HOURS.toNanos(1)
                : deadlineNanos) + TimeUnit.SECONDS.toNanos(30);
        for (Promise<Void> promise : done) {
            long left = waitUntil - System.nanoTime();
            if (!promise.await(Math.max(left, 1), TimeUnit.NANOSECONDS)) {
                System.err.println("a sender did not finish in time");
                ok = false;
            } else if (!promise.isSuccess()) {
                System.err.println("a sender failed: " + promise.cause());
                ok = false;
            }
        }
        return ok;
    }

    /** Where the pattern of datagram {@code sequence} of sender {@code id} starts. */
    private static int phase(long sequence, int id) {
        return (int) (((sequence & COUNT_MASK) * 31 + id * 17L) % PERIOD);
    }

    /** One connected socket: a datagram out, its echo (or its timeout), the next. */
    private final class Sender extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int id;
        private final Promise<Void> done;
        /** The sequence number of the datagram in flight ({@link #runTag} + count); runTag before the first. */
        private long sequence = runTag;
        private long sentAtNanos;
        private ScheduledFuture<?> timeout;

        Sender(int id, Promise<Void> done) {
            this.id = id;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            if ((sequence & COUNT_MASK) >= messagesPerSender || System.nanoTime() >= deadlineNanos) {
                ctx.close().addListener(f -> done.trySuccess(null));
                return;
            }
            sequence++;
            ByteBuf datagram = ctx.alloc().directBuffer(messageSize);
            datagram.writeLong(sequence).writeInt(id);
            int phase = phase(sequence, id);
            datagram.writeBytes(PATTERN, phase, messageSize - HEADER);
            sentAtNanos = System.nanoTime();
            long sent = sequence;
            timeout = ctx.executor().schedule(() -> timedOut(ctx, sent), timeoutMillis, TimeUnit.MILLISECONDS);
            ctx.writeAndFlush(datagram).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, f.cause());
                }
            });
        }

        private void timedOut(ChannelHandlerContext ctx, long sent) {
            if (sent != sequence || done.isDone()) {
                return;
            }
            if (sentAtNanos >= measureFromNanos) {
                lost.increment();
            }
            send(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf echo = packet.content();
            if (echo.readableBytes() < HEADER) {
                fail(ctx, new IllegalStateException("echo of " + echo.readableBytes() + " bytes, shorter than the "
                        + HEADER + "-byte header"));
                return;
            }
            long echoed = echo.getLong(echo.readerIndex());
            int from = echo.getInt(echo.readerIndex() + 8);
            if ((echoed & ~COUNT_MASK) != runTag) {
                stray.increment();
                return;
            }
            if (from != id || echoed > sequence || echoed == runTag) {
                fail(ctx, new IllegalStateException("echo mismatch: datagram " + (echoed & COUNT_MASK)
                        + " of sender " + from + " arrived at sender " + id + ", which has sent "
                        + (sequence & COUNT_MASK)));
                return;
            }
            int bad = verify(echo, echoed);
            if (bad >= 0) {
                fail(ctx, new IllegalStateException("echo mismatch in datagram " + (echoed & COUNT_MASK)
                        + " of sender " + id + " at byte " + bad + " (" + echo.readableBytes() + " bytes, "
                        + messageSize + " sent)"));
                return;
            }
            if (echoed < sequence) {
                late.increment();
                return;
            }
            timeout.cancel(false);
            if (sentAtNanos >= measureFromNanos) {
                rtt.record(System.nanoTime() - sentAtNanos);
                roundTrips.increment();
            }
            send(ctx);
        }

        /** The first byte at which {@code echo} differs from datagram {@code echoed} as sent, or -1. */
        private int verify(ByteBuf echo, long echoed) {
            int length = echo.readableBytes();
            int payload = Math.min(length, messageSize) - HEADER;
            byte[] scratch = SCRATCH.get();
            echo.getBytes(echo.readerIndex() + HEADER, scratch, 0, payload);
            int phase = phase(echoed, id);
            int bad = Arrays.mismatch(scratch, 0, payload, PATTERN, phase, phase + payload);
            if (bad >= 0) {
                return HEADER + bad;
            }
            return length == messageSize ? -1 : Math.min(length, messageSize);
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            if (timeout != null) {
                timeout.cancel(false);
            }
            done.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }
    }
}
