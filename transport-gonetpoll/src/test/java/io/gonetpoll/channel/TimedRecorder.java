package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What a pipeline hears while deadlines run, with the {@link System#nanoTime()} at which each exception reached
 * {@code exceptionCaught} (taken on the loop), for tests that check when a deadline fired and not only that it did.
 * Never closes on an exception: deadlines must not need that. Releases every buffer; a listener's accepted channels
 * are passed on to the acceptor.
 */
@ChannelHandler.Sharable
final class TimedRecorder extends ChannelInboundHandlerAdapter {
    /** An exception and when it reached the pipeline. */
    record Caught(Throwable cause, long atNanos) {
    }

    final BlockingQueue<Caught> exceptions = new LinkedBlockingQueue<>();
    final AtomicLong bytes = new AtomicLong();
    final CountDownLatch inactive = new CountDownLatch(1);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            bytes.addAndGet(((ByteBuf) msg).readableBytes());
            ((ByteBuf) msg).release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(new Caught(cause, System.nanoTime()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive.countDown();
        ctx.fireChannelInactive();
    }

    /** The next exception, waiting at most {@code seconds}; fails if none came. */
    Caught awaitException(long seconds) throws InterruptedException {
        Caught caught = exceptions.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(caught, "no exception reached the pipeline within " + seconds + " s");
        return caught;
    }
}
