package io.gonetpoll.it.fault;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts lifecycle notifications per channel, from any number of channels and loops, so a test can check that
 * each fired exactly once. Bytes read are counted and released.
 */
@ChannelHandler.Sharable
final class LifecycleCounter extends ChannelInboundHandlerAdapter {
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    private final Map<Channel, AtomicInteger> inactive = new ConcurrentHashMap<>();
    private final Map<Channel, AtomicInteger> unregistered = new ConcurrentHashMap<>();

    int inactive(Channel channel) {
        return count(inactive, channel);
    }

    int unregistered(Channel channel) {
        return count(unregistered, channel);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active.incrementAndGet();
        ctx.fireChannelActive();
    }

    /** A listener's messages are accepted children: they go on to ServerBootstrap's acceptor. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel) {
            ctx.fireChannelRead(msg);
            return;
        }
        reads.incrementAndGet();
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive.computeIfAbsent(ctx.channel(), c -> new AtomicInteger()).incrementAndGet();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        unregistered.computeIfAbsent(ctx.channel(), c -> new AtomicInteger()).incrementAndGet();
        ctx.fireChannelUnregistered();
    }

    private static int count(Map<Channel, AtomicInteger> counts, Channel channel) {
        AtomicInteger count = counts.get(channel);
        return count == null ? 0 : count.get();
    }
}
