package io.gonetpoll.benchmarks.soak;

import io.gonetpoll.channel.ReadDeadlineExceededException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The errors the soak server sees, by kind, counted once per connection (a reset also fails every write queued
 * on the connection, each through {@code exceptionCaught}). The load provokes some on purpose, and they are
 * expected: a read deadline that fires on an idle client ({@code read-deadline}), a client that resets its
 * connection ({@code reset}, or {@code broken-pipe} when the reset meets a write), a connect to the closed backend
 * port ({@code refused}). Any other error is unexpected, each one is counted, and the first one fails the soak
 * ({@link SoakServer}).
 */
final class ServerErrors {
    private static final AttributeKey<Boolean> FAILED = AttributeKey.valueOf(ServerErrors.class, "failed");

    private final Tally seen = new Tally();
    private final AtomicReference<Throwable> firstUnexpected = new AtomicReference<>();
    private final ChannelHandler tail = new Tail();

    /** The kind of an error the load provokes on purpose; {@code null} for any other. */
    static String expectedKind(Throwable cause) {
        if (cause instanceof ReadDeadlineExceededException) {
            return "read-deadline";
        }
        if (cause instanceof IOException) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Connection reset by peer")) {
                return "reset";
            }
            if (message.contains("Broken pipe")) {
                return "broken-pipe";
            }
            if (message.contains("Connection refused")) {
                return "refused";
            }
        }
        return null;
    }

    void seen(Throwable cause) {
        seen(cause, true);
    }

    /** {@code first}: the connection's first error; later expected ones are not counted again. */
    private void seen(Throwable cause, boolean first) {
        String kind = expectedKind(cause);
        if (kind == null) {
            kind = "unexpected " + cause.getClass().getName();
            firstUnexpected.compareAndSet(null, cause);
        } else if (!first) {
            return;
        }
        seen.add(kind);
    }

    Throwable firstUnexpected() {
        return firstUnexpected.get();
    }

    Tally tally() {
        return seen;
    }

    /** The last handler of every child pipeline: counts an error and closes the channel. */
    ChannelHandler tail() {
        return tail;
    }

    @ChannelHandler.Sharable
    private final class Tail extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen(cause, ctx.channel().attr(FAILED).setIfAbsent(Boolean.TRUE) == null);
            ctx.close();
        }
    }
}
