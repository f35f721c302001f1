package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options a config honours, each with its getter and setter, looked up once instead of walked through an
 * if-chain per call. One static table per config class; the config instance is passed in.
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

    private final Map<ChannelOption<?>, Accessor<C, ?>> accessors = new IdentityHashMap<>();

    <T> ChannelOptionTable<C> add(ChannelOption<T> option, Getter<C, T> getter, Setter<C, T> setter) {
        if (accessors.put(option, new Accessor<>(getter, setter)) != null) {
            throw new IllegalArgumentException("option added twice: " + option);
        }
        return this;
    }

    boolean contains(ChannelOption<?> option) {
        return accessors.containsKey(option);
    }

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
