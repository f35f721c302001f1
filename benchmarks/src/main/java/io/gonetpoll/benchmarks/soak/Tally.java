package io.gonetpoll.benchmarks.soak;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** Counts by kind (operations done, errors seen), added from any thread; prints as {@code {kind=n, ...}}. */
final class Tally {
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();

    void add(String kind) {
        add(kind, 1);
    }

    void add(String kind, long n) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).add(n);
    }

    @Override
    public String toString() {
        return counts.entrySet().stream().map(e -> e.getKey() + '=' + e.getValue().sum())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
