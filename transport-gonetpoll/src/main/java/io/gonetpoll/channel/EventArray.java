package io.gonetpoll.channel;

import io.netty.channel.unix.Buffer;
import io.netty.util.internal.CleanableDirectBuffer;

import java.nio.ByteBuffer;

/**
 * Direct memory for {@code struct epoll_event[]}, filled by {@code epoll_wait}.
 *
 * <pre>
 * struct epoll_event {         // size and data offset come from C (Native.SIZEOF_EPOLL_EVENT,
 *     uint32_t     events;     // Native.OFFSETOF_EPOLL_DATA): 12 and 4 on x86_64, where the
 *     epoll_data_t data;       // struct is packed, 16 and 8 on aarch64.
 * };
 * </pre>
 * Loop thread only. Reads go through the {@link ByteBuffer} (absolute, unaligned-safe), so no Unsafe is needed.
 */
final class EventArray {
    /** Cleanable: from JDK 24 on, Netty can free only direct memory it allocated as such. */
    private final CleanableDirectBuffer cleanable;
    private final ByteBuffer memory;
    private final long address;
    private final int capacity;

    EventArray(int capacity) {
        this.capacity = capacity;
        cleanable = Buffer.allocateDirectBufferWithNativeOrder(capacity * Native.SIZEOF_EPOLL_EVENT);
        memory = cleanable.buffer();
        address = Buffer.memoryAddress(memory);
    }

    long address() {
        return address;
    }

    int capacity() {
        return capacity;
    }

    int events(int index) {
        return memory.getInt(index * Native.SIZEOF_EPOLL_EVENT);
    }

    long data(int index) {
        return memory.getLong(index * Native.SIZEOF_EPOLL_EVENT + Native.OFFSETOF_EPOLL_DATA);
    }

    /** Any use after this may crash the JVM. */
    void free() {
        cleanable.clean();
    }
}
