package io.gonetpoll.benchmarks.suite;

/** One run of scenario g (many mostly idle connections with a read timeout) for one timeout variant. */
final class IdleSample {
    final String variant;
    final int run;
    final double messagesPerSecond;
    final double serverCpuMicrosPerMessage;
    final double serverCpuPercent;
    final double loadCpuPercent;
    /** Live heap after full GCs with all connections open, minus the same once all are closed, per connection. */
    final double heapBytesPerConnection;
    /** Deadline-wheel arms + cancels per echoed message (GoNetpoll only; NaN for the epoll variants). */
    final double wheelOperationsPerMessage;
    final String problems;

    IdleSample(String variant, int run, double messagesPerSecond, double serverCpuMicrosPerMessage,
               double serverCpuPercent, double loadCpuPercent, double heapBytesPerConnection,
               double wheelOperationsPerMessage, String problems) {
        this.variant = variant;
        this.run = run;
        this.messagesPerSecond = messagesPerSecond;
        this.serverCpuMicrosPerMessage = serverCpuMicrosPerMessage;
        this.serverCpuPercent = serverCpuPercent;
        this.loadCpuPercent = loadCpuPercent;
        this.heapBytesPerConnection = heapBytesPerConnection;
        this.wheelOperationsPerMessage = wheelOperationsPerMessage;
        this.problems = problems;
    }
}
