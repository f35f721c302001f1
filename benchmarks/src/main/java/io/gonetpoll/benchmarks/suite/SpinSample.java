package io.gonetpoll.benchmarks.suite;

/**
 * One measurement of scenario h for one wait strategy (a {@link SpinRunner.Variant}) in one run: a ping-pong
 * ({@link #rate} round trips/s and its RTT percentiles) or the idle server ({@link #serverCpuPercent} only).
 */
final class SpinSample {
    final String variant;
    final int run;
    /** {@link SpinRunner#PING_PONG_1}, {@link SpinRunner#PING_PONG_64} or {@link SpinRunner#IDLE}. */
    final String measure;
    final double rate;
    final double serverCpuMicrosPerRoundTrip;
    final double serverCpuPercent;
    final double loadCpuPercent;
    final double otherCpuPercent;
    final double rttP50Micros;
    final double rttP99Micros;
    final double rttP999Micros;
    final String problems;

    SpinSample(String variant, int run, String measure, double rate, double serverCpuMicrosPerRoundTrip,
               double serverCpuPercent, double loadCpuPercent, double otherCpuPercent, double rttP50Micros,
               double rttP99Micros, double rttP999Micros, String problems) {
        this.variant = variant;
        this.run = run;
        this.measure = measure;
        this.rate = rate;
        this.serverCpuMicrosPerRoundTrip = serverCpuMicrosPerRoundTrip;
        this.serverCpuPercent = serverCpuPercent;
        this.loadCpuPercent = loadCpuPercent;
        this.otherCpuPercent = otherCpuPercent;
        this.rttP50Micros = rttP50Micros;
        this.rttP99Micros = rttP99Micros;
        this.rttP999Micros = rttP999Micros;
        this.problems = problems;
    }
}
