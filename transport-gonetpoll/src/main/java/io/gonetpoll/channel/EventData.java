package io.gonetpoll.channel;

/**
 * The 64-bit {@code epoll_data} of a registered fd (Go: {@code taggedPointerPack(pd, fdseq)}).
 *
 * <pre>
 *  63                              32 31                               0
 * +----------------------------------+----------------------------------+
 * |  generation (32 bits, unsigned)  |  slot (31 bits, 0..2^31-2)        |
 * +----------------------------------+----------------------------------+
 * </pre>
 *
 * <p>The slot indexes {@link RegistrationTable}; the generation is bumped every time the slot is freed, so an
 * event that {@code epoll_wait} returned for a registration that has since been cancelled (and whose fd number
 * may already belong to a new socket) decodes to a generation that no longer matches and is dropped
 * (golang/go#59545). {@link #WAKEUP} is the eventfd's tag: its slot bits are all ones, which no slot has.
 */
final class EventData {
    /** Tag of the loop's own eventfd. */
    static final long WAKEUP = -1L;
    /** Largest slot index; {@code 0x7fffffff} is left out so that {@link #WAKEUP} cannot collide. */
    static final int MAX_SLOT = Integer.MAX_VALUE - 1;

    private EventData() {
    }

    static long encode(int slot, int generation) {
        assert slot >= 0 && slot <= MAX_SLOT : slot;
        return ((long) generation << 32) | slot;
    }

    static int slot(long data) {
        return (int) data;
    }

    static int generation(long data) {
        return (int) (data >>> 32);
    }
}
