package io.gonetpoll.channel;

import java.time.Duration;

/**
 * Hears of the stalls of a factory's loops ({@link GoNetpollIoHandlerConfig#setStallListener}). Called on the
 * factory's stall monitor thread, which watches every loop of the factory: a listener must return quickly, and
 * what it throws is logged and otherwise ignored.
 */
public interface GoNetpollStallListener {
    /** A loop has stayed in one turn past the threshold; called once per stall, while it lasts. */
    void stallDetected(GoNetpollStall stall);

    /**
     * The stalled turn ended after {@code length} in total (from its start, not from its detection). Not called
     * for a stall still going on when its loop is destroyed.
     */
    default void stallEnded(GoNetpollStall stall, Duration length) {
    }
}
