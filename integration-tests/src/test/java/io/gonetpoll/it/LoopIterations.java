package io.gonetpoll.it;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The positive control of a "nothing more happened" check on any Netty transport's loop: waits until the loop has
 * made whole iterations (IO, then tasks) after the call, instead of sleeping and hoping it ran meanwhile. A task
 * queued at the end of an iteration ({@code executeAfterEventLoopIteration}) runs in the next one, after that
 * iteration's IO; so each hop below is one whole IO turn.
 */
public final class LoopIterations {
    private LoopIterations() {
    }

    /** Returns once {@code loop} has run {@code turns} IO turns that began after this call, and their tasks. */
    public static void await(EventLoop loop, int turns) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> hop((SingleThreadEventLoop) loop, turns, done));
        done.get(10, TimeUnit.SECONDS);
    }

    private static void hop(SingleThreadEventLoop loop, int turnsLeft, CompletableFuture<Void> done) {
        if (turnsLeft == 0) {
            done.complete(null);
            return;
        }
        loop.executeAfterEventLoopIteration(() -> loop.execute(() -> hop(loop, turnsLeft - 1, done)));
    }
}
