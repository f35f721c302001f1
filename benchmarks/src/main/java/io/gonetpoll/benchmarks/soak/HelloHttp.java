package io.gonetpoll.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 hello world behind Netty's {@code HttpServerCodec}: {@code 200 Hello, World!} to every request, the
 * connection kept unless the request asks to close it. Each body is a buffer of the channel's allocator, so every
 * response is a buffer the leak detector follows.
 */
@ChannelHandler.Sharable
final class HelloHttp extends ChannelInboundHandlerAdapter {
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final Tally ops;

    HelloHttp(Tally ops) {
        this.ops = ops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                respond(ctx, (HttpRequest) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest request) {
        ByteBuf body = ctx.alloc().buffer(BODY.length).writeBytes(BODY);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        ops.add("http-requests");
        if (HttpUtil.isKeepAlive(request)) {
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
}
