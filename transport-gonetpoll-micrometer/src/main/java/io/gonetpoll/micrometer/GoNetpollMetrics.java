package io.gonetpoll.micrometer;

import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollLoopMetric;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A {@link MeterBinder} for the per-loop metrics of GoNetpoll event loops: one meter per
 * {@link GoNetpollLoopMetric} and loop, named {@code netty.gonetpoll.loop.<metric>} and tagged {@code name} with the
 * loop's thread name, as Micrometer's own Netty binder ({@code NettyEventExecutorMetrics}) names and tags
 * {@code netty.eventexecutor.tasks.pending}. Counters are {@link FunctionCounter}s, gauges {@link Gauge}s; times are
 * in seconds, byte counts in bytes.
 * <pre>{@code
 * GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(factory);
 * new GoNetpollMetrics(factory, group).bindTo(registry);
 * }</pre>
 * Like Micrometer's binder, {@link #bindTo} starts the group's loop threads to learn their names, and binds the
 * loops of the groups it was given. A scrape takes one snapshot of every loop (reused for 100 ms, so that the
 * meters of one scrape agree and the longest turn is taken once per scrape). The meters of a loop that was destroyed
 * read {@code NaN}. For {@code netty.eventexecutor.tasks.pending}, bind Micrometer's {@code NettyEventExecutorMetrics}
 * to the same group.
 */
public final class GoNetpollMetrics implements MeterBinder {
    /** The prefix of every meter name. */
    public static final String PREFIX = "netty.gonetpoll.loop.";
    /** The tag that names the loop, as in Micrometer's Netty binder. */
    public static final String LOOP_TAG = "name";

    private static final long SNAPSHOT_REUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final GoNetpollIoHandlerFactory factory;
    private final Iterable<? extends EventExecutorGroup> groups;
    private final Iterable<Tag> tags;
    /** The last snapshot of every loop, by thread name, and when it was taken. Guarded by this. */
    private Map<String, GoNetpollLoopCounters> snapshots = Map.of();
    private long snapshotAt;
    private boolean snapshotTaken;

    /** Binds the loops that {@code factory} made for {@code group}. */
    public GoNetpollMetrics(GoNetpollIoHandlerFactory factory, EventExecutorGroup group) {
        this(factory, java.util.List.of(group), Tags.empty());
    }

    /** Binds the loops that {@code factory} made for {@code groups}, with {@code tags} on every meter. */
    public GoNetpollMetrics(GoNetpollIoHandlerFactory factory, Iterable<? extends EventExecutorGroup> groups,
                            Iterable<Tag> tags) {
        this.factory = factory;
        this.groups = groups;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (EventExecutorGroup group : groups) {
            for (EventExecutor executor : group) {
                if (executor instanceof SingleThreadEventExecutor) {
                    // Starts the loop's thread if it has not started, as Micrometer's Netty binder does.
                    String loop = ((SingleThreadEventExecutor) executor).threadProperties().name();
                    bindLoop(registry, loop);
                }
            }
        }
    }

    private void bindLoop(MeterRegistry registry, String loop) {
        for (GoNetpollLoopMetric metric : GoNetpollLoopMetric.values()) {
            boolean nanos = "nanoseconds".equals(metric.unit());
            String baseUnit = nanos ? "seconds" : "bytes".equals(metric.unit()) ? BaseUnits.BYTES : null;
            ToDoubleFunction<GoNetpollMetrics> value = binder -> {
                GoNetpollLoopCounters counters = binder.snapshot(loop);
                if (counters == null) {
                    return Double.NaN;
                }
                long v = metric.valueOf(counters);
                return nanos ? v / 1e9 : v;
            };
            String name = PREFIX + metric.metricName();
            if (metric.kind() == GoNetpollLoopMetric.Kind.COUNTER) {
                FunctionCounter.builder(name, this, value).description(metric.description()).baseUnit(baseUnit)
                        .tag(LOOP_TAG, loop).tags(tags).register(registry);
            } else {
                Gauge.builder(name, this, value).description(metric.description()).baseUnit(baseUnit)
                        .tag(LOOP_TAG, loop).tags(tags).register(registry);
            }
        }
    }

    /** The snapshot of {@code loop} of this scrape, or null if no live loop of the factory has that name. */
    private synchronized GoNetpollLoopCounters snapshot(String loop) {
        long now = System.nanoTime();
        if (!snapshotTaken || now - snapshotAt >= SNAPSHOT_REUSE_NANOS) {
            Map<String, GoNetpollLoopCounters> byName = new HashMap<>();
            for (GoNetpollLoopCounters counters : factory.loopCounters()) {
                if (counters.loopName() != null) {
                    byName.put(counters.loopName(), counters);
                }
            }
            snapshots = byName;
            snapshotAt = now;
            snapshotTaken = true;
        }
        return snapshots.get(loop);
    }
}
