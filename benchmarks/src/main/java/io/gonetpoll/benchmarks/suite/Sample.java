package io.gonetpoll.benchmarks.suite;

/** One measured run of one scenario on one transport. */
final class Sample {
    final Scenario scenario;
    final String transport;
    final int run;
    final LoadResult load;
    /** utime + stime of the server process over the measurement window. */
    final double serverCpuSeconds;

    Sample(Scenario scenario, String transport, int run, LoadResult load) {
        this.scenario = scenario;
        this.transport = transport;
        this.run = run;
        this.load = load;
        this.serverCpuSeconds = load.serverCpuSeconds;
    }

    double serverCpuMicrosPerOperation() {
        return load.operations > 0 ? serverCpuSeconds * 1e6 / load.operations : Double.NaN;
    }
}
