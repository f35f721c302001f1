package io.gonetpoll.channel;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition with a deadline instead of a fixed sleep: the loaded two-core CI hosts stall a thread
 * for tens of milliseconds at times. A condition still false at the deadline fails the test, naming what was
 * awaited; a wait that could pass silently would let the test's later checks prove nothing.
 */
final class Await {
    static final long DEFAULT_SECONDS = 10;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEFAULT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + DEFAULT_SECONDS + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
