package io.gonetpoll.benchmarks.soak;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty's leak detector, which also counts its reports so that the soak server can fail on the first one, and
 * prints each to stderr whatever logging framework is (not) configured. Netty creates its detectors (buffers,
 * timers) through {@code ResourceLeakDetectorFactory}, which instantiates this class when the JVM runs with
 * {@code -Dio.netty.customResourceLeakDetector=io.gonetpoll.benchmarks.soak.CountingLeakDetector}
 * ({@code scripts/soak.sh} sets it). Public, with both constructors the factory looks up by reflection.
 */
public final class CountingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final AtomicLong REPORTS = new AtomicLong();
    private static final List<CountingLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();

    public CountingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        DETECTORS.add(this);
    }

    /** The factory's older constructor; Netty ignores {@code maxActive}. */
    public CountingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Leak reports so far, of every detector. */
    static long reports() {
        return REPORTS.get();
    }

    /** Whether this JVM's detectors are ours (the soak is meaningless without them). */
    static boolean installed() {
        return CountingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }

    /**
     * Makes every detector report what the collector has found unreachable so far: Netty looks at its reference
     * queue only when it starts tracking a new object, so this tracks and at once closes a probe.
     */
    static void reportCollected() {
        for (CountingLeakDetector<?> detector : DETECTORS) {
            detector.probe();
        }
    }

    @SuppressWarnings("unchecked")
    private void probe() {
        T probe = (T) new Object();
        ResourceLeakTracker<T> tracker = trackForcibly(probe);
        tracker.close(probe);
    }

    /** Reports even where Netty's logger would drop the report. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.incrementAndGet();
        System.err.println("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.incrementAndGet();
        System.err.println("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                + " (no records: the leak detection level is below ADVANCED)");
    }
}
