package io.gonetpoll.benchmarks.suite;

import java.util.Map;

/** The syscalls a server made during a fixed-count, traced run of one scenario. */
final class SyscallSample {
    final Scenario scenario;
    final String transport;
    final double operations;
    final StraceSummary summary;
    /** The load's rate under the tracer: only to show how much tracing slowed things, not a result. */
    final double tracedRate;

    SyscallSample(Scenario scenario, String transport, double operations, StraceSummary summary,
                  double tracedRate) {
        this.scenario = scenario;
        this.transport = transport;
        this.operations = operations;
        this.summary = summary;
        this.tracedRate = tracedRate;
    }

    double perOperation(long calls) {
        return operations > 0 ? calls / operations : Double.NaN;
    }

    Map<String, Long> calls() {
        return summary.calls;
    }
}
