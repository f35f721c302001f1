package io.gonetpoll.channel;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;

/**
 * Settings of a {@link GoNetpollIoHandler}, copied when a factory is made (later changes to this object do not
 * affect loops already configured with it).
 *
 * <table border="1">
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link #setMaxEventsPerWait(int) maxEventsPerWait}</td><td>512</td>
 *       <td>size of the {@code epoll_event} array one wait can fill (Go uses 128). More ready sockets than
 *       this are picked up by the next wait; nothing is lost with edge triggering because the kernel keeps
 *       unreported edges on its ready list.</td></tr>
 *   <tr><td>{@link #setDeadlineTickMillis(long) deadlineTickMillis}</td><td>10</td>
 *       <td>tick of the group's deadline wheel (one {@link io.netty.util.HashedWheelTimer} per group): deadlines
 *       and {@code READ_TIMEOUT_MILLIS}/{@code WRITE_TIMEOUT_MILLIS} fire up to one tick late. The wheel's
 *       thread wakes every tick while any deadline is pending (it stops when none is), so a shorter tick
 *       costs CPU in proportion (measured in docs/benchmarks/analysis.md).</td></tr>
 *   <tr><td>{@link #setSpinBudgetMicros(long) spinBudgetMicros}</td><td>0 (off)</td>
 *       <td>after a loop turn that found IO, the loop polls epoll with a zero timeout for up to this long before
 *       it blocks, so a request arriving meanwhile is served without the loop sleeping and being woken. The
 *       window adapts: it grows (up to this budget) while spinning finds IO and shrinks to nothing when it does
 *       not; a runnable task ends a spin at once. It trades CPU for latency: a loop spins on its core whenever
 *       it has just done IO (when it pays: README, "Spin before parking"; the policy, state by state: the
 *       package-private {@code SpinPolicy}).</td></tr>
 *   <tr><td>{@link #setSelectStrategyFactory(SelectStrategyFactory) selectStrategyFactory}</td>
 *       <td>Netty's default</td>
 *       <td>Netty's {@link SelectStrategy}, honoured as Netty's epoll honours it: asked at every loop turn
 *       whether there are tasks; {@link SelectStrategy#SELECT} waits (spinning first, if configured),
 *       {@link SelectStrategy#BUSY_WAIT} polls without ever blocking, {@link SelectStrategy#CONTINUE} skips the
 *       turn's IO, and a value &gt;= 0 is the number of events its poll found.</td></tr>
 *   <tr><td>{@link #setStallThresholdMillis(long) stallThresholdMillis}</td><td>0 (off)</td>
 *       <td>the stall detector (Go's {@code sysmon}): a loop that stays in one turn — a handler or task running,
 *       not waiting in {@code epoll_wait} — this long is reported once with its thread's stack: to
 *       {@link GoNetpollLoopCounters#stalls()}, a rate-limited log warning, a JFR event when it ends, and the
 *       {@link #setStallListener(GoNetpollStallListener) stallListener}. One monitor thread per factory, which
 *       checks every threshold/2 (1 ms to 1 s) while the factory has loops; a stall is reported within the
 *       threshold plus that interval.</td></tr>
 *   <tr><td>{@link #setStallListener(GoNetpollStallListener) stallListener}</td><td>none</td>
 *       <td>told of each stall, when detected and when it ends, on the monitor thread.</td></tr>
 *   <tr><td>{@link #setJmxEnabled(boolean) jmxEnabled}</td><td>false</td>
 *       <td>registers each loop's {@link GoNetpollLoopMXBean} with the platform MBean server when its thread
 *       starts, as {@code io.gonetpoll:type=EventLoop,name="<thread name>",id=<loop id>} (the name quoted by
 *       {@code ObjectName.quote}), and unregisters it when the loop is destroyed.</td></tr>
 * </table>
 */
public final class GoNetpollIoHandlerConfig {
    static final int DEFAULT_MAX_EVENTS_PER_WAIT = 512;
    static final int MAX_MAX_EVENTS_PER_WAIT = 1 << 16;

    static final long DEFAULT_DEADLINE_TICK_MILLIS = 10;
    static final long MAX_STALL_THRESHOLD_MILLIS = 3_600_000;

    static final long MAX_SPIN_BUDGET_MICROS = 1_000_000;

    private int maxEventsPerWait = DEFAULT_MAX_EVENTS_PER_WAIT;
    private long deadlineTickMillis = DEFAULT_DEADLINE_TICK_MILLIS;
    private long spinBudgetMicros;
    /** Tests only: SpinPolicy's credit per IO turn, which they scale with their long budgets. */
    private long spinCreditPerIoTurnNanos = SpinPolicy.CREDIT_PER_IO_TURN_NANOS;
    private SelectStrategyFactory selectStrategyFactory = DefaultSelectStrategyFactory.INSTANCE;
    private long stallThresholdMillis;
    private GoNetpollStallListener stallListener;
    private boolean jmxEnabled;

    public int getMaxEventsPerWait() {
        return maxEventsPerWait;
    }

    /** Sets the {@code epoll_event} array size, 1 to 65536. */
    public GoNetpollIoHandlerConfig setMaxEventsPerWait(int maxEventsPerWait) {
        if (maxEventsPerWait < 1 || maxEventsPerWait > MAX_MAX_EVENTS_PER_WAIT) {
            throw new IllegalArgumentException("maxEventsPerWait: " + maxEventsPerWait
                    + " (expected: 1-" + MAX_MAX_EVENTS_PER_WAIT + ")");
        }
        this.maxEventsPerWait = maxEventsPerWait;
        return this;
    }

    public long getDeadlineTickMillis() {
        return deadlineTickMillis;
    }

    /** Sets the tick of the deadline wheel, 1 to 1000 ms. */
    public GoNetpollIoHandlerConfig setDeadlineTickMillis(long deadlineTickMillis) {
        if (deadlineTickMillis < 1 || deadlineTickMillis > 1000) {
            throw new IllegalArgumentException("deadlineTickMillis: " + deadlineTickMillis + " (expected: 1-1000)");
        }
        this.deadlineTickMillis = deadlineTickMillis;
        return this;
    }

    public long getSpinBudgetMicros() {
        return spinBudgetMicros;
    }

    /** Sets the longest spin before a loop blocks, 0 (off, the default) to 1,000,000 µs. */
    public GoNetpollIoHandlerConfig setSpinBudgetMicros(long spinBudgetMicros) {
        if (spinBudgetMicros < 0 || spinBudgetMicros > MAX_SPIN_BUDGET_MICROS) {
            throw new IllegalArgumentException("spinBudgetMicros: " + spinBudgetMicros + " (expected: 0-"
                    + MAX_SPIN_BUDGET_MICROS + ")");
        }
        this.spinBudgetMicros = spinBudgetMicros;
        return this;
    }

    public SelectStrategyFactory getSelectStrategyFactory() {
        return selectStrategyFactory;
    }

    /** Sets the factory of each loop's {@link SelectStrategy} (one strategy per loop, as on Netty's epoll). */
    public GoNetpollIoHandlerConfig setSelectStrategyFactory(SelectStrategyFactory selectStrategyFactory) {
        if (selectStrategyFactory == null) {
            throw new NullPointerException("selectStrategyFactory");
        }
        this.selectStrategyFactory = selectStrategyFactory;
        return this;
    }

    public long getStallThresholdMillis() {
        return stallThresholdMillis;
    }

    /** Sets the stall threshold, 0 (off, the default) or 1 to 3,600,000 ms (an hour). */
    public GoNetpollIoHandlerConfig setStallThresholdMillis(long stallThresholdMillis) {
        if (stallThresholdMillis < 0 || stallThresholdMillis > MAX_STALL_THRESHOLD_MILLIS) {
            throw new IllegalArgumentException("stallThresholdMillis: " + stallThresholdMillis
                    + " (expected: 0 (off) or 1-" + MAX_STALL_THRESHOLD_MILLIS + ")");
        }
        this.stallThresholdMillis = stallThresholdMillis;
        return this;
    }

    public GoNetpollStallListener getStallListener() {
        return stallListener;
    }

    /** Sets the listener told of stalls ({@code null}: none); it hears nothing unless a threshold is set. */
    public GoNetpollIoHandlerConfig setStallListener(GoNetpollStallListener stallListener) {
        this.stallListener = stallListener;
        return this;
    }

    public boolean isJmxEnabled() {
        return jmxEnabled;
    }

    long spinCreditPerIoTurnNanos() {
        return spinCreditPerIoTurnNanos;
    }

    /** Tests only (see the field). */
    GoNetpollIoHandlerConfig setSpinCreditPerIoTurnNanos(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("spinCreditPerIoTurnNanos: " + nanos + " (expected: > 0)");
        }
        this.spinCreditPerIoTurnNanos = nanos;
        return this;
    }

    /** Whether each loop registers a {@link GoNetpollLoopMXBean} (see the table above). */
    public GoNetpollIoHandlerConfig setJmxEnabled(boolean jmxEnabled) {
        this.jmxEnabled = jmxEnabled;
        return this;
    }

    GoNetpollIoHandlerConfig copy() {
        return new GoNetpollIoHandlerConfig().setMaxEventsPerWait(maxEventsPerWait)
                .setDeadlineTickMillis(deadlineTickMillis).setSpinBudgetMicros(spinBudgetMicros)
                .setSelectStrategyFactory(selectStrategyFactory).setStallThresholdMillis(stallThresholdMillis)
                .setStallListener(stallListener).setJmxEnabled(jmxEnabled)
                .setSpinCreditPerIoTurnNanos(spinCreditPerIoTurnNanos);
    }

    @Override
    public String toString() {
        return "GoNetpollIoHandlerConfig{maxEventsPerWait=" + maxEventsPerWait + ", deadlineTickMillis="
                + deadlineTickMillis + ", spinBudgetMicros=" + spinBudgetMicros + ", selectStrategyFactory="
                + selectStrategyFactory + ", stallThresholdMillis=" + stallThresholdMillis
                + (stallListener == null ? "" : ", stallListener=" + stallListener) + ", jmxEnabled=" + jmxEnabled
                + '}';
    }
}
