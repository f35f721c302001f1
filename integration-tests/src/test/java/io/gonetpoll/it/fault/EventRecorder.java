package io.gonetpoll.it.fault;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The last handler of a pipeline under test: keeps what reached it (bytes, user events, exceptions,
 * channelInactive calls) and releases every buffer at once, so a test can assert on the history afterwards.
 * Not sharable: one per channel.
 */
final class EventRecorder extends ChannelInboundHandlerAdapter {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<Object> userEvents = new CopyOnWriteArrayList<>();
    final List<Throwable> exceptions = new CopyOnWriteArrayList<>();
    final AtomicInteger inactiveCalls = new AtomicInteger();
    private final CountDownLatch inactive = new CountDownLatch(1);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            synchronized (received) {
                buf.readBytes(received, buf.readableBytes());
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            buf.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        userEvents.add(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactiveCalls.incrementAndGet();
        inactive.countDown();
    }

    String receivedText() {
        synchronized (received) {
            return received.toString(StandardCharsets.US_ASCII);
        }
    }

    /** Waits until {@code text} has arrived (exactly: more bytes fail the caller's equality check). */
    String awaitText(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (receivedText().length() < text.length() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return receivedText();
    }

    void awaitInactive(int seconds) throws InterruptedException {
        assertTrue(inactive.await(seconds, TimeUnit.SECONDS), "channelInactive did not fire within " + seconds + " s");
    }
}
