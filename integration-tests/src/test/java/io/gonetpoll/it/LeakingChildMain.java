package io.gonetpoll.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link ChildProcessLeakTest}: drops a buffer unreleased and makes Netty report it, then
 * prints {@code reported} and exits 0 (1 if the buffer was never collected).
 */
public final class LeakingChildMain {
    private LeakingChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ReferenceQueue<Object> collected = new ReferenceQueue<>();
        PhantomReference<Object> leaked = new PhantomReference<>(leak(), collected);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            System.gc();
        } while (collected.remove(100) == null && System.nanoTime() < deadline);
        if (System.nanoTime() >= deadline) {
            System.out.println("the leaked buffer was not collected");
            System.exit(1);
        }
        Reference.reachabilityFence(leaked);
        // Netty reports a collected buffer when it next tracks one. Twice: the JVM may enqueue Netty's reference to
        // the buffer after this one; a second collection ends after the reference handler is done with the first's.
        for (int i = 0; i < 2; i++) {
            System.gc();
            UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        System.out.println("reported");
    }

    /** A direct buffer: Netty's unpooled allocator does not track its heap buffers. */
    private static ByteBuf leak() {
        return UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeInt(42);
    }
}
