package io.gonetpoll.benchmarks.soak;

import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.SocketAddress;

/**
 * A relay whose backend is down: for each accepted connection the server connects, with a GoNetpoll client
 * channel on the same loop, to a port that is bound but not listening, which the kernel refuses at once; the
 * refusal is counted as an expected error and the accepted connection closed. A connect that succeeds there is
 * an unexpected error.
 */
@ChannelHandler.Sharable
final class ClosedBackendRelay extends ChannelInboundHandlerAdapter {
    private final SocketAddress closedBackend;
    private final Tally ops;
    private final ServerErrors errors;

    ClosedBackendRelay(SocketAddress closedBackend, Tally ops, ServerErrors errors) {
        this.closedBackend = closedBackend;
        this.ops = ops;
        this.errors = errors;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        new Bootstrap().group(ctx.channel().eventLoop()).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(closedBackend).addListener((ChannelFutureListener) backend -> {
                    if (backend.isSuccess()) {
                        errors.seen(new IllegalStateException("connected to the closed port " + closedBackend));
                        backend.channel().close();
                    } else {
                        ops.add("backend-connects");
                        errors.seen(backend.cause());
                    }
                    ctx.close();
                });
        ctx.fireChannelActive();
    }
}
