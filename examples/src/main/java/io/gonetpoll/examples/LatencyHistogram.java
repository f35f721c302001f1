package io.gonetpoll.examples;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip times in microseconds, safe to record from several event loops: 1 µs buckets up to 1 ms, 10 µs up
 * to 10 ms, 100 µs up to 100 ms, 1 ms up to 1 s (slower ones count as 1 s). Percentiles are reported as the
 * upper bound of their bucket.
 */
final class LatencyHistogram {
    private static final int LINEAR = 1000;
    private static final int[] STEP_MICROS = {1, 10, 100, 1000};
    private final AtomicLongArray counts = new AtomicLongArray(LINEAR + 3 * (LINEAR - LINEAR / 10));

    void record(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    private static int index(long micros) {
        long limit = LINEAR;
        int base = 0;
        for (int step : STEP_MICROS) {
            if (micros < limit || step == STEP_MICROS[STEP_MICROS.length - 1]) {
                long offset = step == 1 ? micros : micros / step - LINEAR / 10;
                return (int) Math.min(base + offset, (long) (base + (step == 1 ? LINEAR : LINEAR - LINEAR / 10)) - 1);
            }
            base += step == 1 ? LINEAR : LINEAR - LINEAR / 10;
            limit *= 10;
        }
        throw new AssertionError();
    }

    private static long upperBoundMicros(int index) {
        if (index < LINEAR) {
            return index + 1;
        }
        int rest = index - LINEAR;
        int level = rest / (LINEAR - LINEAR / 10) + 1;
        int offset = rest % (LINEAR - LINEAR / 10);
        return (long) (offset + LINEAR / 10 + 1) * STEP_MICROS[level];
    }

    long count() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The smallest bucket bound at or below which {@code percentile} % of the samples fall, in µs. */
    long percentileMicros(double percentile) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBoundMicros(i);
            }
        }
        return upperBoundMicros(counts.length() - 1);
    }
}
