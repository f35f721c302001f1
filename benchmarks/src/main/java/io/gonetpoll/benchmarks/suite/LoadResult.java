package io.gonetpoll.benchmarks.suite;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one load-generator run measured: operations done, their rate, extra figures, and its own CPU use. */
final class LoadResult {
    /** Operations in the run (requests, round trips, connections; for streaming: MB). */
    final double operations;
    /** Operations per second as the load generator reports it. */
    final double rate;
    /** Scenario-specific figures (p99 latency in µs, ...), by label; NaN where the generator cannot tell. */
    final Map<String, Double> extras = new LinkedHashMap<>();
    /** utime + stime of the server process over the measurement window, in seconds. */
    double serverCpuSeconds = Double.NaN;
    /** The server's CPU use over the window, in % of one core. */
    double serverCpuPercent = Double.NaN;
    /** All cores' busy time over the window, in % of one core (200 % = both cores busy). */
    double machineBusyPercent = Double.NaN;
    /** The load generator's CPU use over the run, in % of its core: near 100 % means it may be the bottleneck. */
    double loadCpuPercent = Double.NaN;
    /** Errors the generator reported (socket errors, non-2xx, a failed echo check); empty when clean. */
    String problems = "";

    /** CPU that neither the server nor the load generator used: other processes on the machine, in % of a core. */
    double otherCpuPercent() {
        return Math.max(0, machineBusyPercent - serverCpuPercent - loadCpuPercent);
    }
    final String commandLine;

    LoadResult(double operations, double rate, String commandLine) {
        this.operations = operations;
        this.rate = rate;
        this.commandLine = commandLine;
    }
}
