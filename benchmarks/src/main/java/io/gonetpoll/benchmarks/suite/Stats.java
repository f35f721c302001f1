package io.gonetpoll.benchmarks.suite;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Median, min and max of a few runs (NaN values, from runs that could not tell, are left out). */
final class Stats {
    final double median;
    final double min;
    final double max;
    final int count;

    private Stats(double median, double min, double max, int count) {
        this.median = median;
        this.min = min;
        this.max = max;
        this.count = count;
    }

    static Stats of(List<Double> values) {
        double[] v = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue)
                .filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1], n);
    }

    static Stats of(double... values) {
        return of(Arrays.stream(values).boxed().collect(java.util.stream.Collectors.toList()));
    }
}
