package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

/**
 * The {@code http} example's diagnostic routes, ahead of the hello handler: {@code GET /metrics} (with
 * {@code --metrics}) and {@code GET /debug/block?ms=N} (with {@code --debug-routes}); every other request passes
 * on. One per connection: it remembers that it answered a request, to swallow that request's body too.
 */
final class DiagnosticRoutes extends ChannelInboundHandlerAdapter {
    /** The longest block the debug route accepts. */
    static final int MAX_BLOCK_MILLIS = 60_000;

    private final GoNetpollIoHandlerFactory metrics;
    private final boolean debugRoutes;
    /** The current request was answered here: its content parts are dropped, up to the last. */
    private boolean answered;

    DiagnosticRoutes(GoNetpollIoHandlerFactory metrics, boolean debugRoutes) {
        this.metrics = metrics;
        this.debugRoutes = debugRoutes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            answered = route(ctx, (HttpRequest) msg);
        }
        if (!answered) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            answered = false;
        }
        ReferenceCountUtil.release(msg);
    }

    /** Answers the request if it is one of the routes; returns whether it did. */
    private boolean route(ChannelHandlerContext ctx, HttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!HttpMethod.GET.equals(request.method())) {
            return false;
        }
        if (metrics != null && uri.path().equals("/metrics")) {
            respond(ctx, request, HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE, PrometheusText.of(metrics));
            return true;
        }
        if (debugRoutes && uri.path().equals("/debug/block")) {
            List<String> ms = uri.parameters().get("ms");
            long millis;
            try {
                millis = ms == null || ms.size() != 1 ? -1 : Long.parseLong(ms.get(0));
            } catch (NumberFormatException e) {
                millis = -1;
            }
            if (millis < 0 || millis > MAX_BLOCK_MILLIS) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain",
                        "expected ?ms=N with N from 0 to " + MAX_BLOCK_MILLIS + "\n");
            } else {
                blockTheLoop(millis);
                respond(ctx, request, HttpResponseStatus.OK, "text/plain",
                        "blocked " + Thread.currentThread().getName() + " for " + millis + " ms\n");
            }
            return true;
        }
        return false;
    }

    /**
     * What the route is for: the event loop does nothing else for {@code millis}, as a handler that blocks would
     * (a stall detector reports this frame).
     */
    private static void blockTheLoop(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, CharsetUtil.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (HttpUtil.isKeepAlive(request)) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
