package io.gonetpoll.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

import java.util.Set;

/**
 * {@code proxy}: a TCP relay in the pattern of Netty's HexDumpProxy. Both sides run with autoRead off and
 * read exactly one message at a time: {@code read()} is called again only when the previous message has been
 * written to the other side. On Netty's epoll every such read costs two {@code epoll_ctl(MOD)}; on GoNetpoll
 * a read that finds data latched needs no syscall before the {@code read(2)}.
 */
final class Proxy {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "threads", "remote-host", "remote-port",
            LoopTuning.SPIN_MICROS);
    static final Set<String> FLAGS = Set.of(LoopTuning.BUSY_WAIT);

    private Proxy() {
    }

    static void run(Options options) throws InterruptedException {
        String remoteHost = options.get("remote-host", "127.0.0.1");
        if (!options.has("remote-port")) {
            throw new UsageException("proxy needs --remote-port");
        }
        int remotePort = options.getInt("remote-port", 0, 1, 65535);
        Transport transport = options.transport();
        Servers.serve(options, 9100, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new FrontendHandler(transport, remoteHost, remotePort));
            }
        }, bootstrap -> bootstrap.childOption(ChannelOption.AUTO_READ, false));
    }

    /** The client side: connects to the remote when a client arrives, then relays one message at a time. */
    static final class FrontendHandler extends ChannelInboundHandlerAdapter {
        private final Transport transport;
        private final String remoteHost;
        private final int remotePort;
        private Channel outbound;

        FrontendHandler(Transport transport, String remoteHost, int remotePort) {
            this.transport = transport;
            this.remoteHost = remoteHost;
            this.remotePort = remotePort;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            // Same event loop for both sides: no cross-thread handoff per message.
            ChannelFuture connect = new Bootstrap().group(inbound.eventLoop())
                    .channel(transport.socketChannel)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new BackendHandler(inbound))
                    .connect(remoteHost, remotePort);
            outbound = connect.channel();
            connect.addListener((ChannelFutureListener) future -> {
                if (future.isSuccess()) {
                    inbound.read();
                } else {
                    inbound.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(msg, outbound, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (outbound != null) {
                closeOnFlush(outbound);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    /** The remote side: relays one message at a time back to the client. */
    static final class BackendHandler extends ChannelInboundHandlerAdapter {
        private final Channel inbound;

        BackendHandler(Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            relay(msg, inbound, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(inbound);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    /** Writes {@code msg} to {@code to}; once it is written, reads the next message from {@code from}. */
    static void relay(Object msg, Channel to, Channel from) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                from.read();
            } else {
                future.channel().close();
            }
        });
    }

    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
