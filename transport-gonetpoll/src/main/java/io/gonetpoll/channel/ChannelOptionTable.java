package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options a config honours, each with its getter and setter, looked up once instead of walked through an
 * if-chain per call. One static table per config class; the config instance is passed in. A table starts with
 * the rows of the tables it includes (a parent config's, a family of options several configs share), so each
 * row is written once.
 *
 * @param <C> the config type the accessors work on
 */
final class ChannelOptionTable<C> {
    interface Getter<C, T> {
        T get(C config);
    }

    interface Setter<C, T> {
        void set(C config, T value);
    }

    private static final class Accessor<C, T> {
        final Getter<C, T> getter;
        final Setter<C, T> setter;

        Accessor(Getter<C, T> getter, Setter<C, T> setter) {
            this.getter = getter;
            this.setter = setter;
        }
    }

    /** Accessors of {@code C} or of a supertype of it (rows of included tables). */
    private final Map<ChannelOption<?>, Accessor<?, ?>> accessors = new IdentityHashMap<>();

    /** A table with the rows of {@code included}, whose accessors take {@code C} or a supertype of it. */
    @SafeVarargs
    ChannelOptionTable(ChannelOptionTable<? super C>... included) {
        for (ChannelOptionTable<? super C> table : included) {
            for (Map.Entry<ChannelOption<?>, Accessor<?, ?>> row : table.accessors.entrySet()) {
                put(row.getKey(), row.getValue());
            }
        }
    }

    <T> ChannelOptionTable<C> add(ChannelOption<T> option, Getter<C, T> getter, Setter<C, T> setter) {
        put(option, new Accessor<>(getter, setter));
        return this;
    }

    private void put(ChannelOption<?> option, Accessor<?, ?> accessor) {
        if (accessors.put(option, accessor) != null) {
            throw new IllegalArgumentException("option added twice: " + option);
        }
    }

    boolean contains(ChannelOption<?> option) {
        return accessors.containsKey(option);
    }

    /** Safe: every accessor takes {@code C} or a supertype of it. */
    @SuppressWarnings("unchecked")
    <T> T get(C config, ChannelOption<T> option) {
        return ((Accessor<C, T>) accessors.get(option)).getter.get(config);
    }

    @SuppressWarnings("unchecked")
    <T> void set(C config, ChannelOption<T> option, T value) {
        ((Accessor<C, T>) accessors.get(option)).setter.set(config, value);
    }

    Set<ChannelOption<?>> options() {
        return accessors.keySet();
    }
}
