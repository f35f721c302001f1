package io.gonetpoll.benchmarks.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures the suite reads from wrk's text output. */
final class WrkOutput {
    private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m)\\b");
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([\\d.]+)");
    private static final Pattern P99 = Pattern.compile("^\\s*99(?:\\.000)?%\\s+([\\d.]+)(us|ms|s|m)\\b");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("^\\s*Socket errors: (.*)$");
    private static final Pattern NON_2XX = Pattern.compile("^\\s*Non-2xx or 3xx responses: (\\d+)");

    final long requests;
    final double requestsPerSecond;
    /** 99th percentile latency in µs; NaN without {@code --latency}. */
    final double p99Micros;
    /** Socket errors and non-2xx counts as wrk printed them; empty when there were none. */
    final String problems;

    private WrkOutput(long requests, double requestsPerSecond, double p99Micros, String problems) {
        this.requests = requests;
        this.requestsPerSecond = requestsPerSecond;
        this.p99Micros = p99Micros;
        this.problems = problems;
    }

    static WrkOutput parse(List<String> lines) {
        long requests = -1;
        double rate = Double.NaN;
        double p99 = Double.NaN;
        List<String> problems = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = REQUESTS.matcher(line)).find()) {
                requests = Long.parseLong(m.group(1));
            } else if ((m = RATE.matcher(line)).find()) {
                rate = Double.parseDouble(m.group(1));
            } else if ((m = P99.matcher(line)).find()) {
                p99 = micros(Double.parseDouble(m.group(1)), m.group(2));
            } else if ((m = SOCKET_ERRORS.matcher(line)).find()) {
                problems.add("socket errors: " + m.group(1));
            } else if ((m = NON_2XX.matcher(line)).find()) {
                problems.add("non-2xx: " + m.group(1));
            }
        }
        if (requests < 0 || Double.isNaN(rate)) {
            throw new IllegalStateException("wrk printed no result:\n" + String.join("\n", lines));
        }
        return new WrkOutput(requests, rate, p99, String.join("; ", problems));
    }

    static double micros(double value, String unit) {
        switch (unit) {
            case "us":
                return value;
            case "ms":
                return value * 1e3;
            case "s":
                return value * 1e6;
            case "m":
                return value * 60e6;
            default:
                throw new IllegalArgumentException("unit " + unit);
        }
    }
}
