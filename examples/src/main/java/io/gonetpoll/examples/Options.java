package io.gonetpoll.examples;

import io.netty.channel.unix.DomainSocketAddress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --name value} options of one subcommand, and {@code --name} flags. Every option must be declared by
 * the subcommand; unknown
 * names and malformed numbers are {@link UsageException}s that say which option and value.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flagsGiven = new HashSet<>();

    Options(String[] args, int from, Set<String> known) {
        this(args, from, known, Set.of());
    }

    /** {@code flags}: options that take no value ({@code --metrics}); {@link #flag} says whether one was given. */
    Options(String[] args, int from, Set<String> known, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (flags.contains(name)) {
                flagsGiven.add(name);
                continue;
            }
            if (!known.contains(name)) {
                Set<String> all = new TreeSet<>(known);
                all.addAll(flags);
                throw new UsageException("unknown option --" + name + " (this subcommand takes --"
                        + String.join(", --", all) + ')');
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option --" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
    }

    boolean flag(String name) {
        return flagsGiven.contains(name);
    }

    String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int getInt(String name, int defaultValue, int min, int max) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + parsed);
        }
        return parsed;
    }

    Transport transport() {
        return Transport.parse(get("transport", "gonetpoll"));
    }

    String host() {
        return get("host", "127.0.0.1");
    }

    int port(int defaultPort) {
        return getInt("port", defaultPort, 0, 65535);
    }

    /** {@code --uds PATH}: a Unix-domain socket instead of {@code --host}/{@code --port}; {@code null} if absent. */
    DomainSocketAddress uds() {
        String path = values.get("uds");
        return path == null ? null : new DomainSocketAddress(path);
    }

    int threads() {
        return getInt("threads", 1, 1, 1024);
    }
}
