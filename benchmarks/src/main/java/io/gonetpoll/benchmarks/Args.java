package io.gonetpoll.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs; a missing required option or a malformed number stops with a message. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, int from) {
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value at " + args[i]);
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    public int getInt(String name, int defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + value);
        }
    }
}
