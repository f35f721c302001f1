package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollLoopMetric;

import java.util.List;

/**
 * A factory's per-loop metrics in the Prometheus text exposition format (version 0.0.4): one family per
 * {@link GoNetpollLoopMetric}, named {@code gonetpoll_<name>}, counters ending in {@code _total}, times in seconds,
 * one sample per loop labelled {@code loop="<thread name>"}. Each call takes a snapshot of every loop, so the
 * longest turn is the longest since the previous scrape.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    static String of(GoNetpollIoHandlerFactory factory) {
        List<GoNetpollLoopCounters> loops = factory.loopCounters();
        StringBuilder out = new StringBuilder(8192);
        for (GoNetpollLoopMetric metric : GoNetpollLoopMetric.values()) {
            boolean nanos = "nanoseconds".equals(metric.unit());
            boolean counter = metric.kind() == GoNetpollLoopMetric.Kind.COUNTER;
            String name = "gonetpoll_" + metric.metricName().replace('.', '_') + (nanos ? "_seconds" : "")
                    + (counter ? "_total" : "");
            out.append("# HELP ").append(name).append(' ').append(metric.description()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(counter ? "counter" : "gauge").append('\n');
            for (GoNetpollLoopCounters loop : loops) {
                long value = metric.valueOf(loop);
                out.append(name).append("{loop=\"").append(escape(loop.loopName())).append("\"} ");
                if (nanos) {
                    out.append(value / 1e9);
                } else {
                    out.append(value);
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** A label value: backslash, double quote and line feed escaped; a loop not started yet has no name. */
    private static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
