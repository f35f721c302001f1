package io.gonetpoll.leakcheck;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The leak reports of this JVM not yet claimed by a test class, each with the test that was running when it
 * surfaced, and the {@link RecordingLeakDetector}s that make them.
 */
final class LeakReports {
    /** One report: Netty's resource type and its records (creation and last accesses, at PARANOID). */
    record Leak(String resourceType, String records, String surfacedDuring) { }

    private static final long COLLECTION_TIMEOUT_SECONDS = 30;

    private static final List<RecordingLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static final Queue<Leak> REPORTS = new ConcurrentLinkedQueue<>();
    /** What runs now, set by {@link LeakCheckExtension}; read by whichever thread reports. */
    private static volatile String running = "no test class";

    private LeakReports() {
    }

    static void register(RecordingLeakDetector<?> detector) {
        DETECTORS.add(detector);
    }

    static void add(String resourceType, String records) {
        REPORTS.add(new Leak(resourceType, records, running));
    }

    static String running() {
        return running;
    }

    static void running(String what) {
        running = what;
    }

    /** Fails unless Netty's buffers report through a {@link RecordingLeakDetector}: without it no leak fails a test. */
    static void requireInstalled() {
        Unpooled.buffer(1).release(); // creates the buffers' detector, if nothing did yet
        if (DETECTORS.stream().noneMatch(detector -> detector.resourceType() == ByteBuf.class)) {
            throw new IllegalStateException("Netty's ByteBuf leak detector is not a " + RecordingLeakDetector.class
                    .getSimpleName() + ", so leaks would not fail the tests: run the test JVM with -Dio.netty"
                    + ".customResourceLeakDetector=" + RecordingLeakDetector.class.getName() + " (the root pom's "
                    + "test.jvm.args)");
        }
    }

    /**
     * Makes every detector report what is unreachable now. Two rounds of a full collection then a look by every
     * detector: the JVM enqueues the references a collection found on its reference handler thread, after the
     * collection, so the sentinel of one round shows that the handler has reached the sentinel, not everything.
     */
    static void collect() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            awaitCollection();
            DETECTORS.forEach(RecordingLeakDetector::reportCollected);
        }
    }

    /** Returns the reports not yet claimed and forgets them. */
    static List<Leak> drain() {
        List<Leak> leaks = new ArrayList<>();
        for (Leak leak; (leak = REPORTS.poll()) != null; ) {
            leaks.add(leak);
        }
        return leaks;
    }

    private static void awaitCollection() throws InterruptedException {
        ReferenceQueue<Object> collected = new ReferenceQueue<>();
        PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), collected);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COLLECTION_TIMEOUT_SECONDS);
        do {
            System.gc();
            if (collected.remove(100) != null) {
                Reference.reachabilityFence(sentinel);
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("no garbage collection within " + COLLECTION_TIMEOUT_SECONDS + " s of "
                + "System.gc() (explicit collections disabled?): leaked objects cannot be found");
    }
}
