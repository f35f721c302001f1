package io.gonetpoll.benchmarks.suite;

import java.util.HashMap;
import java.util.Map;

/** A {@code word key=value key=value ...} line, as the examples and benchmark programs print results. */
final class KeyValues {
    private final Map<String, String> values = new HashMap<>();
    private final String line;

    private KeyValues(String line) {
        this.line = line;
    }

    static KeyValues parse(String line) {
        KeyValues kv = new KeyValues(line);
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                kv.values.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return kv;
    }

    String text(String key) {
        return values.get(key);
    }

    double number(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("no " + key + "= in: " + line);
        }
        return Double.parseDouble(value);
    }

    double numberOr(String key, double fallback) {
        String value = values.get(key);
        return value == null ? fallback : Double.parseDouble(value);
    }
}
