package io.gonetpoll.channel;

/**
 * Readiness of one registered socket, per side (Go: {@code pollDesc} with its {@code rg}/{@code wg}
 * semaphores, {@code runtime/netpoll.go}). The only place GoNetpoll's edge-triggered state machine lives.
 *
 * <p>Why it exists. Each socket is added to epoll once, {@code EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET}, and
 * never modified. An edge is reported once; if nobody wants it at that moment it must not be lost, and if
 * somebody is waiting it must resume them. So every side keeps one of four states:
 *
 * <pre>
 * IDLE       Go pdNil. No readiness is known and nobody waits. The last attempt would have blocked
 *            (EAGAIN, or a short read of a socket whose peer has not closed), or the fd was just added
 *            (the ADD itself reports the socket's current readiness as an edge). An operation that wants
 *            to run must wait for an edge: request() moves IDLE to PARKED without a syscall.
 *            Left by: an edge (→ READY), request (→ PARKED).
 *
 * READY      Go pdReady. An edge arrived, or an operation stopped before the socket would block (its quota
 *            ran out, or autoRead was off). The next operation tries the syscall.
 *            Entered by: an edge on IDLE, an operation starting (begin), cancel of a SCHEDULED side.
 *            Left by: request (→ SCHEDULED), drained (→ IDLE), park (→ PARKED).
 *
 * PARKED     Go: rg/wg hold the parked goroutine. An operation wants to run and the socket would block: a
 *            read requested on a drained socket, a flush that hit EAGAIN, a connect in progress. The next edge
 *            resumes it at once, from the event dispatch ("wake the goroutine").
 *            Entered by: request on IDLE, park. Left by: an edge (→ READY, resume now), cancel (→ IDLE).
 *
 * SCHEDULED  Go: netpollunblock made the goroutine runnable. An operation wants to run and readiness is known,
 *            so it runs from the loop's ready queue at the next turn. Never inline: a read() called from
 *            channelReadComplete must not re-enter the pipeline, and a ready queue gives other sockets their
 *            turn first (fairness, DESIGN §2.3).
 *            Entered by: request on READY, schedule. Left by: the queue running it (→ READY), cancel
 *            (→ READY), drained (→ PARKED: still wanted, now would block), begin (→ READY: an inline
 *            flush took over), park (→ PARKED).
 * </pre>
 *
 * <p>Transitions (per side; "-" is illegal and throws, as Go throws on "double wait"):
 * <pre>
 *  from \ call    edge         request       drained     park      schedule    cancel    begin     runScheduled
 *  IDLE           READY        PARKED        IDLE        PARKED    -           IDLE      -         no-op (false)
 *  READY          READY        SCHEDULED*    IDLE        PARKED    SCHEDULED*  READY     READY     no-op (false)
 *  PARKED         READY, run!  PARKED        PARKED      PARKED    -           IDLE      -         no-op (false)
 *  SCHEDULED      SCHEDULED    SCHEDULED     PARKED      PARKED    SCHEDULED   READY     READY     READY (true)
 * </pre>
 * {@code *}: returns {@code true}, and the caller puts the side on the ready queue. "run!": {@link #ready}
 * returns the side, and the caller resumes the parked operation now.
 *
 * <p>The sides differ in one way. A read trusts IDLE (after a drain, only an edge brings data), so a read
 * request on IDLE parks without a syscall; Go pays an EAGAIN read per request instead, which we avoid by
 * treating a short read as a drain (unless the peer closed: then the FIN may sit behind the data without a
 * new edge, so reads go on until EOF — see {@link #peerClosed()}). A write is always attempted unless the
 * write side is PARKED (Go's prepareWrite also just tries the syscall), so the write side starts READY
 * and is never IDLE.
 *
 * <p>Threads: every field is confined to the channel's event loop. No CAS, no {@code pdWait} state: Go needs
 * those because many goroutines touch a pollDesc, but in Netty one loop thread owns the channel, and events,
 * operations and the ready queue all run on it.
 */
final class PollDesc {
    /** Side bits; also the side bits of {@link GoNetpollIoEvent}. */
    static final int READ = 1;
    static final int WRITE = 2;

    static final int IDLE = 0;
    static final int READY = 1;
    static final int PARKED = 2;
    static final int SCHEDULED = 3;

    /** State of the read side (Go: {@code rg}). */
    private int readState;
    /** State of the write side (Go: {@code wg}). */
    private int writeState;
    /** EPOLLRDHUP or EPOLLHUP was reported: no data will follow what is queued. Sticky until {@link #reset()}. */
    private boolean peerClosed;

    PollDesc() {
        reset();
    }

    /** A new registration: the ADD reports current readiness, so nothing older is worth keeping. */
    void reset() {
        readState = IDLE;
        writeState = READY;
        peerClosed = false;
    }

    /**
     * An edge for {@code sides} (Go: {@code netpollready}). Returns the sides whose parked operation must be
     * resumed now; other sides latch READY (or stay SCHEDULED).
     */
    int ready(int sides, boolean peerClosedNow) {
        if (peerClosedNow) {
            peerClosed = true;
        }
        int resume = 0;
        if ((sides & READ) != 0) {
            int old = readState;
            if (old != SCHEDULED) {
                readState = READY;
            }
            if (old == PARKED) {
                resume |= READ;
            }
        }
        if ((sides & WRITE) != 0) {
            int old = writeState;
            if (old != SCHEDULED) {
                writeState = READY;
            }
            if (old == PARKED) {
                resume |= WRITE;
            }
        }
        return resume;
    }

    /**
     * An operation wants to run on {@code side}. Returns {@code true} if readiness is known and the caller must
     * put the side on the ready queue; otherwise the side is (or stays) PARKED or SCHEDULED.
     */
    boolean request(int side) {
        switch (state(side)) {
            case IDLE:
                set(side, PARKED);
                return false;
            case READY:
                set(side, SCHEDULED);
                return true;
            default:
                return false;
        }
    }

    /**
     * The last syscall on {@code side} would have blocked (EAGAIN, or a short read). A side nobody waits for
     * goes IDLE; a side still wanted (SCHEDULED meanwhile) parks until the next edge.
     */
    void drained(int side) {
        int state = state(side);
        if (state == READY) {
            set(side, IDLE);
        } else if (state == SCHEDULED) {
            set(side, PARKED);
        }
    }

    /** The operation on {@code side} would block and still has work: wait for the next edge (Go: gopark). */
    void park(int side) {
        set(side, PARKED);
    }

    /**
     * The operation on {@code side} stopped with readiness left (its quota ran out) and has more to do: run it
     * again from the ready queue. Returns {@code true} if the caller must enqueue it.
     */
    boolean schedule(int side) {
        int state = state(side);
        if (state == READY) {
            set(side, SCHEDULED);
            return true;
        }
        if (state == SCHEDULED) {
            return false;
        }
        throw illegal(side, state, "schedule");
    }

    /** Nobody wants {@code side} any more (autoRead turned off): forget a parked or scheduled operation. */
    void cancel(int side) {
        int state = state(side);
        if (state == PARKED) {
            set(side, IDLE);
        } else if (state == SCHEDULED) {
            set(side, READY);
        }
    }

    /** An operation starts on {@code side} now (an inline flush, or a resumed one). */
    void begin(int side) {
        int state = state(side);
        if (state != READY && state != SCHEDULED) {
            throw illegal(side, state, "begin");
        }
        set(side, READY);
    }

    /** The ready queue reached {@code side}. Returns {@code true} if the scheduled operation is still wanted. */
    boolean runScheduled(int side) {
        if (state(side) == SCHEDULED) {
            set(side, READY);
            return true;
        }
        return false;
    }

    boolean isParked(int side) {
        return state(side) == PARKED;
    }

    int state(int side) {
        return side == READ ? readState : writeState;
    }

    /** See {@link #ready}: once the peer closed, a short read no longer proves the socket drained. */
    boolean peerClosed() {
        return peerClosed;
    }

    private void set(int side, int state) {
        if (side == READ) {
            readState = state;
        } else {
            writeState = state;
        }
    }

    private static IllegalStateException illegal(int side, int state, String call) {
        return new IllegalStateException(call + " on " + sideName(side) + " side in state " + stateName(state));
    }

    static String sideName(int side) {
        return side == READ ? "read" : "write";
    }

    static String stateName(int state) {
        switch (state) {
            case IDLE: return "IDLE";
            case READY: return "READY";
            case PARKED: return "PARKED";
            case SCHEDULED: return "SCHEDULED";
            default: return "UNKNOWN(" + state + ')';
        }
    }

    @Override
    public String toString() {
        return "PollDesc{read=" + stateName(readState) + ", write=" + stateName(writeState)
                + (peerClosed ? ", peerClosed" : "") + '}';
    }
}
