package io.gonetpoll.leakcheck;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;

/**
 * Netty's leak detector, which also hands every report to {@link LeakReports}. Netty creates its detectors (buffers,
 * timers, SSL contexts) through {@link io.netty.util.ResourceLeakDetectorFactory}, which instantiates this class when
 * the JVM runs with {@code -Dio.netty.customResourceLeakDetector=io.gonetpoll.leakcheck.RecordingLeakDetector} (the
 * root pom's {@code test.jvm.args}); the property must be set before Netty's first detector is created. Public, with
 * both public constructors, because the factory looks them up by reflection.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private final Class<?> resourceType;

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        this.resourceType = resourceType;
        LeakReports.register(this);
    }

    /** The factory's older constructor; Netty ignores {@code maxActive}. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    Class<?> resourceType() {
        return resourceType;
    }

    /** Reports even where Netty's logger does not log errors, which would otherwise drop the report. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        LeakReports.add(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        LeakReports.add(resourceType, "(no records: the leak detection level is below ADVANCED)");
    }

    /**
     * Reports the tracked objects the collector has found unreachable so far: Netty looks at its reference queue only
     * when it starts tracking a new object, so this tracks and at once closes a probe.
     */
    @SuppressWarnings("unchecked")
    void reportCollected() {
        T probe = (T) new Object();
        ResourceLeakTracker<T> tracker = trackForcibly(probe);
        tracker.close(probe);
    }
}
