package io.gonetpoll.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code echo-client}: drives an echo server and checks every byte it gets back.
 * <ul>
 *   <li>{@code --mode pingpong}: each connection sends a message and waits for all of it before the next;
 *   reports round trips per second and RTT percentiles.</li>
 *   <li>{@code --mode stream}: each connection writes as fast as the socket takes it (stopping while unwritable)
 *   and counts what comes back; {@code --read-delay-millis} makes it read slowly, so the server's writes back
 *   up and it must apply backpressure. Reports MB/s echoed.</li>
 *   <li>{@code --receive-buffer BYTES} sets the client's {@code SO_RCVBUF}: with a small receive window the
 *   server's writes back up again and again even when the client reads as fast as it can.</li>
 * </ul>
 * The payload repeats a pattern with a period of 251 bytes (a prime, so no power-of-two framing lines up with
 * it); a byte out of place fails the run. Bounded by {@code --duration-seconds} or {@code --messages} (per
 * connection; in stream mode, chunks sent after the warm-up).
 *
 * <p>{@code --rounds R} (with {@code --messages}) opens the connections R times in a row, each round running to
 * its bound, and reports the sum: one stream's rate varies by a third from connection to connection (TCP's
 * window dynamics), so a figure over several connections is steadier than any one of them.
 *
 * <p>{@code --warmup-seconds W} runs the load W seconds before counting starts (rates, RTTs and bytes count only
 * after it), so a fresh client JVM is not measured while its JIT is still compiling; the client prints
 * {@code echo-client measuring} when counting starts, so a caller can start its own measurements then.
 */
final class EchoClient {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "uds", "threads", "connections", "mode",
            "message-size", "duration-seconds", "messages", "read-delay-millis", "receive-buffer", "warmup-seconds",
            "rounds");
    private static final int PERIOD = 251;
    private static final int SCRATCH_BYTES = 16 << 10;
    /** The pattern from offset 0, long enough to compare a full scratch buffer starting at any phase. */
    private static final byte[] PATTERN = new byte[PERIOD + SCRATCH_BYTES];
    /** Per event-loop thread: handlers of one thread never verify at the same time. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = expected(i);
        }
    }

    private final int messageSize;
    private final long messagesPerConnection;
    private final long deadlineNanos;
    private final int readDelayMillis;
    /** Round trips and bytes are counted only from this System.nanoTime() on (the end of the warm-up). */
    private final long measureFromNanos;
    /** PERIOD + messageSize bytes of pattern: a message starting at stream offset p is a slice at p % PERIOD. */
    private final ByteBuf pattern;
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder bytesEchoed = new LongAdder();
    private final LatencyHistogram rtt = new LatencyHistogram();

    private EchoClient(int messageSize, long messagesPerConnection, long deadlineNanos, int readDelayMillis,
                       long measureFromNanos) {
        this.messageSize = messageSize;
        this.messagesPerConnection = messagesPerConnection;
        this.deadlineNanos = deadlineNanos;
        this.readDelayMillis = readDelayMillis;
        this.measureFromNanos = measureFromNanos;
        ByteBuf buf = Unpooled.directBuffer(PERIOD + messageSize);
        for (int i = 0; i < PERIOD + messageSize; i++) {
            buf.writeByte(expected(i));
        }
        pattern = Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    private static byte expected(long offset) {
        return (byte) (offset % PERIOD);
    }

    static int run(Options options) throws InterruptedException {
        Transport transport = options.transport();
        String mode = options.get("mode", "pingpong");
        if (!mode.equals("pingpong") && !mode.equals("stream")) {
            throw new UsageException("--mode must be pingpong or stream, not '" + mode + "'");
        }
        int connections = options.getInt("connections", 1, 1, 10_000);
        int messageSize = options.getInt("message-size", 64, 1, 16 << 20);
        int durationSeconds = options.getInt("duration-seconds", 10, 1, 3600);
        long messages = options.has("messages") ? options.getInt("messages", 0, 1, Integer.MAX_VALUE) : Long.MAX_VALUE;
        int readDelayMillis = options.getInt("read-delay-millis", 0, 0, 10_000);
        int warmupSeconds = options.getInt("warmup-seconds", 0, 0, 3600);
        int receiveBuffer = options.getInt("receive-buffer", 0, 0, 64 << 20);
        int rounds = options.getInt("rounds", 1, 1, 1000);
        if (rounds > 1 && !options.has("messages")) {
            throw new UsageException("--rounds needs --messages: a round ends when its connections are done");
        }
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long deadline = options.has("messages") ? Long.MAX_VALUE
                : measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        EchoClient client = new EchoClient(messageSize, messages, deadline, readDelayMillis, measureFrom);

        EventLoopGroup group = transport.newGroup(options.threads(), "client");
        if (warmupSeconds > 0) {
            group.schedule(() -> {
                System.out.println("echo-client measuring");
                System.out.flush();
            }, measureFrom - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        long start = System.nanoTime();
        boolean ok = true;
        try {
            for (int round = 0; round < rounds && ok; round++) {
                ok = client.connectAndAwait(options, transport, group, mode, connections, receiveBuffer);
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        double seconds = (System.nanoTime() - Math.max(start, measureFrom)) / 1e9;
        client.report(mode, transport, connections, seconds, ok);
        return ok ? 0 : 1;
    }

    /** One round: opens {@code connections} connections, runs each to its bound; false if any failed or hung. */
    private boolean connectAndAwait(Options options, Transport transport, EventLoopGroup group, String mode,
                                    int connections, int receiveBuffer) throws InterruptedException {
        List<Promise<Void>> done = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Promise<Void> promise = group.next().newPromise();
            done.add(promise);
            ChannelHandler handler = mode.equals("pingpong") ? new PingPong(promise) : new Stream(promise);
            SocketAddress uds = options.uds();
            Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.clientChannel(uds != null));
            if (uds == null) {
                bootstrap.option(ChannelOption.TCP_NODELAY, true);
            }
            if (receiveBuffer > 0) {
                // Before connect, so the window scale offered in the SYN fits the small buffer.
                bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
            }
            bootstrap
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    })
                    .connect(uds != null ? uds : new InetSocketAddress(options.host(), options.port(9000)))
                    .addListener(f -> {
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
                System.err.println("a connection did not finish in time");
                ok = false;
            } else if (!promise.isSuccess()) {
                System.err.println("a connection failed: " + promise.cause());
                ok = false;
            }
        }
        return ok;
    }

    private void report(String mode, Transport transport, int connections, double seconds, boolean ok) {
        String result = ok ? "ok" : "FAILED";
        if (mode.equals("pingpong")) {
            System.out.printf(Locale.ROOT, "echo-client mode=pingpong transport=%s connections=%d message-size=%d "
                            + "round-trips=%d round-trips/s=%.0f rtt-p50-us=%d rtt-p99-us=%d result=%s%n",
                    transport.cliName, connections, messageSize, roundTrips.sum(), roundTrips.sum() / seconds,
                    rtt.percentileMicros(50), rtt.percentileMicros(99), result);
        } else {
            System.out.printf(Locale.ROOT, "echo-client mode=stream transport=%s connections=%d chunk=%d "
                            + "bytes-echoed=%d MB/s=%.1f read-delay-ms=%d result=%s%n",
                    transport.cliName, connections, messageSize, bytesEchoed.sum(),
                    bytesEchoed.sum() / seconds / 1e6, readDelayMillis, result);
        }
    }

    private ByteBuf message(long offset) {
        return pattern.retainedSlice((int) (offset % PERIOD), messageSize);
    }

    /**
     * Compares what arrived with the pattern at {@code offset}; returns the first bad index or -1. Copies in bulk
     * and compares arrays: a byte-by-byte getByte() would, under the PARANOID leak detector the tests run with,
     * record a stack trace per byte and slow the client to about 1 MB/s.
     */
    private static int verify(ByteBuf buf, long offset) {
        byte[] scratch = SCRATCH.get();
        int length = buf.readableBytes();
        for (int done = 0; done < length; done += scratch.length) {
            int n = Math.min(scratch.length, length - done);
            buf.getBytes(buf.readerIndex() + done, scratch, 0, n);
            int from = (int) ((offset + done) % PERIOD);
            int bad = Arrays.mismatch(scratch, 0, n, PATTERN, from, from + n);
            if (bad >= 0) {
                return done + bad;
            }
        }
        return -1;
    }

    /** One message out, all of it back, then the next. */
    private final class PingPong extends ChannelInboundHandlerAdapter {
        private final Promise<Void> done;
        private long sent;
        private long streamOffset;
        private int received;
        private long sentAtNanos;

        PingPong(Promise<Void> done) {
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            sent++;
            received = 0;
            sentAtNanos = System.nanoTime();
            ctx.writeAndFlush(message(streamOffset), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int bad = verify(buf, streamOffset + received);
                if (bad >= 0 || received + buf.readableBytes() > messageSize) {
                    done.tryFailure(new IllegalStateException("echo mismatch at byte "
                            + (streamOffset + received + Math.max(bad, 0))));
                    ctx.close();
                    return;
                }
                received += buf.readableBytes();
            } finally {
                buf.release();
            }
            if (received < messageSize) {
                return;
            }
            if (sentAtNanos >= measureFromNanos) {
                rtt.record(System.nanoTime() - sentAtNanos);
                roundTrips.increment();
            }
            streamOffset += messageSize;
            if (sent < messagesPerConnection && System.nanoTime() < deadlineNanos) {
                send(ctx);
            } else {
                ctx.close().addListener(f -> done.trySuccess(null));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.tryFailure(new IllegalStateException("connection closed after " + sent + " messages"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFailure(cause);
            ctx.close();
        }
    }

    /** Writes while writable, reads (optionally slowly), until the deadline and everything came back. */
    private final class Stream extends ChannelInboundHandlerAdapter {
        private final Promise<Void> done;
        private long sentBytes;
        private long receivedBytes;
        private long chunks;
        private boolean stopped;

        Stream(Promise<Void> done) {
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeWhileWritable(ctx);
        }

        private void writeWhileWritable(ChannelHandlerContext ctx) {
            Channel channel = ctx.channel();
            while (!stopped && channel.isWritable()) {
                if (chunks >= messagesPerConnection || System.nanoTime() >= deadlineNanos) {
                    stopped = true;
                    break;
                }
                ctx.write(message(sentBytes), ctx.voidPromise());
                sentBytes += messageSize;
                // --messages counts after the warm-up: "--warmup-seconds 2 --messages N" is 2 s, then N chunks.
                if (System.nanoTime() >= measureFromNanos) {
                    chunks++;
                }
            }
            ctx.flush();
            finishIfDone(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                writeWhileWritable(ctx);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int bad = verify(buf, receivedBytes);
                if (bad >= 0) {
                    done.tryFailure(new IllegalStateException("echo mismatch at byte " + (receivedBytes + bad)));
                    ctx.close();
                    return;
                }
                receivedBytes += buf.readableBytes();
                if (System.nanoTime() >= measureFromNanos) {
                    bytesEchoed.add(buf.readableBytes());
                }
            } finally {
                buf.release();
            }
            if (readDelayMillis > 0 && ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), readDelayMillis,
                        TimeUnit.MILLISECONDS);
            }
            if (!stopped && System.nanoTime() >= deadlineNanos) {
                stopped = true;
            }
            finishIfDone(ctx);
        }

        private void finishIfDone(ChannelHandlerContext ctx) {
            if (stopped && receivedBytes == sentBytes) {
                ctx.close().addListener(f -> done.trySuccess(null));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.tryFailure(new IllegalStateException("connection closed with " + (sentBytes - receivedBytes)
                    + " bytes not echoed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFailure(cause);
            ctx.close();
        }
    }
}
