package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code http}: HTTP/1.1 hello world with netty-codec-http, written the way fast Netty servers are: the body is
 * a shared read-only buffer, responses are written as requests are decoded and flushed once per read batch, so
 * pipelined requests that arrive together leave in one write.
 *
 * <p>{@code --read-timeout-millis N} closes a connection that sends nothing for N ms: a guard against clients
 * that trickle a request byte by byte (slowloris) slower than that, and against idle keep-alive connections.
 * On GoNetpoll it is the transport's {@link GoNetpollChannelOption#READ_TIMEOUT_MILLIS} (a read deadline moved
 * by every read, no handler); on the other transports Netty's {@link ReadTimeoutHandler}, for comparison.
 * Either way the exception it raises reaches {@link HelloHandler#exceptionCaught}, which closes. It bounds the
 * silence between bytes, not the time a whole request may take (Go's {@code ReadHeaderTimeout}).
 *
 * <p>Observability (GoNetpoll only, except the debug route): {@code --metrics} serves {@code GET /metrics}, the
 * metrics of every loop of the server (acceptor and workers share one factory), as Prometheus text
 * ({@link PrometheusText}); {@code --stall-threshold-millis N} turns on the stall detector, whose reports are
 * printed ({@link PrintingStallListener}); {@code --debug-routes} adds {@code GET /debug/block?ms=N}, which blocks
 * the loop serving the request for N ms, to see a stall reported ({@link DiagnosticRoutes}).
 */
final class HttpHelloServer {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "uds", "threads", "read-timeout-millis",
            "stall-threshold-millis", LoopTuning.SPIN_MICROS);
    static final Set<String> FLAGS = Set.of("metrics", "debug-routes", LoopTuning.BUSY_WAIT);

    private HttpHelloServer() {
    }

    static void run(Options options) throws InterruptedException {
        int readTimeoutMillis = options.getInt("read-timeout-millis", 0, 0, Integer.MAX_VALUE);
        int stallThresholdMillis = options.getInt("stall-threshold-millis", 0, 0, 3_600_000);
        boolean metrics = options.flag("metrics");
        boolean debugRoutes = options.flag("debug-routes");
        boolean inTransport = options.transport() == Transport.GONETPOLL;
        GoNetpollIoHandlerFactory factory = null;
        if (metrics || stallThresholdMillis > 0) {
            if (!inTransport) {
                throw new UsageException("--metrics and --stall-threshold-millis need --transport gonetpoll");
            }
            GoNetpoll.ensureAvailability();
            factory = GoNetpollIoHandler.newFactory(LoopTuning.parse(options, options.transport()).goNetpollConfig()
                    .setStallThresholdMillis(stallThresholdMillis).setStallListener(new PrintingStallListener()));
        }
        GoNetpollIoHandlerFactory metricsFactory = metrics ? factory : null;
        Servers.serve(options, 8080, factory, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (readTimeoutMillis > 0 && !inTransport) {
                    ch.pipeline().addLast(new ReadTimeoutHandler(readTimeoutMillis, TimeUnit.MILLISECONDS));
                }
                ch.pipeline().addLast(new HttpServerCodec());
                if (metricsFactory != null || debugRoutes) {
                    ch.pipeline().addLast(new DiagnosticRoutes(metricsFactory, debugRoutes));
                }
                ch.pipeline().addLast(new HelloHandler());
            }
        }, bootstrap -> {
            if (readTimeoutMillis > 0 && inTransport) {
                bootstrap.childOption(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, readTimeoutMillis);
            }
        });
    }

    /** Answers every request with {@code 200 Hello, World!}; keeps the connection unless the client closes it. */
    @ChannelHandler.Sharable
    static final class HelloHandler extends ChannelInboundHandlerAdapter {
        /**
         * Shared by every response: unreleasable, and only ever sent through duplicates. Not asReadOnly(): a
         * read-only wrapper hides the memory address, so every gathering write would slice a ByteBuffer.
         */
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(CharsetUtil.US_ASCII)));

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    respond(ctx, (HttpRequest) msg);
                }
            } finally {
                // Request bodies (HttpContent) are ignored; every part is released.
                ReferenceCountUtil.release(msg);
            }
        }

        private static void respond(ChannelHandlerContext ctx, HttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate());
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes());
            if (keepAlive) {
                ctx.write(response, ctx.voidPromise());
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
