package io.gonetpoll.channel;

/**
 * The two sides of a socket, as bits that combine (Go: the {@code 'r'}/{@code 'w'} modes of {@code netpoll}).
 * A different namespace from {@link PollDesc}'s states, which are an enum, so a side can never be passed
 * where a state is meant or the other way round.
 */
final class Sides {
    /** The read side: reads, or accepts on a listener (Go: {@code rg}). */
    static final int READ = 1;
    /** The write side: flushes, or a connect in progress (Go: {@code wg}). */
    static final int WRITE = 2;
    static final int BOTH = READ | WRITE;

    private Sides() {
    }

    /** The other side of a single side. */
    static int other(int side) {
        return side ^ BOTH;
    }

    static String name(int side) {
        switch (side) {
            case READ: return "read";
            case WRITE: return "write";
            case BOTH: return "read+write";
            default: return "none";
        }
    }
}
