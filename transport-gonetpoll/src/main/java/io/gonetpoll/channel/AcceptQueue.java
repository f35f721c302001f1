package io.gonetpoll.channel;

import java.io.IOException;

/**
 * The accept queue's length, asked of a TCP listener ({@code getsockopt(TCP_INFO)}: for a listener
 * {@code tcpi_unacked} is the queue), so that the accept loop can end a batch without the {@code accept4}
 * that fails with {@code EAGAIN}, the dearest call of the loop (the kernel allocates the new socket, inode and
 * file before it looks at the queue, and frees them again; docs/benchmarks/analysis.md has the profiles).
 *
 * <p>Why a counted batch misses nothing. The kernel counts a connection into the queue before it wakes the
 * listener, so a connection the answer did not count wakes it after the question, and so after the wait that
 * consumed the last edge: a new edge is queued. (One counted and also woken gives an edge that finds 0: one
 * question, no accept.) That holds only while no wait has run since the question: a count kept from an
 * earlier run (a batch cut short by {@code MAX_MESSAGES_PER_READ}, or one connection per {@code read()} with
 * autoRead off) is used up and then asked again, since a wait in between may have merged a new connection's
 * edge into the latched readiness.
 *
 * <p>Why the answer must be earned. A kernel or sandbox whose {@code TCP_INFO} reported 0 for a non-empty
 * queue would leave connections queued for good. So the answer is trusted only after one batch drained Go's
 * way (to {@code EAGAIN}) has shown it counting: at least one connection counted before, at least that many
 * accepted, 0 counted after. Until then, and for sockets the question fails on (an fd of another protocol
 * wrapped by the caller), the listener drains to {@code EAGAIN} as Go does. The trust is process-wide: it is a
 * property of the kernel, not of a listener.
 */
final class AcceptQueue {
    /** The socket cannot tell its queue's length: it stays on Go's loop. */
    static final int UNKNOWN = -1;

    /** Whether this kernel's answer has been seen to count real connections; set once, never unset. */
    private static volatile boolean trusted;

    private AcceptQueue() {
    }

    static boolean isTrusted() {
        return trusted;
    }

    /** For tests: forget (or assume) the trust, so that a test can watch it being earned. */
    static void setTrusted(boolean value) {
        trusted = value;
    }

    /** A batch drained Go's way showed the answer counting (see the class comment). */
    static void trust() {
        trusted = true;
    }

    /** The accept queue's length, or {@link #UNKNOWN} if this socket cannot tell. */
    static int length(GoNetpollSocket listener, LoopCounters counters) {
        counters.increment(LoopCounters.ACCEPT_QUEUE_QUERIES);
        try {
            return listener.acceptQueueLength();
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
