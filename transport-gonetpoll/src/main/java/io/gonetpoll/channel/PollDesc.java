package io.gonetpoll.channel;

/**
 * Readiness of one registered socket, per side (Go: {@code pollDesc} with its {@code rg}/{@code wg}
 * semaphores, {@code runtime/netpoll.go}). The only place GoNetpoll's edge-triggered state machine lives.
 *
 * <p>Why it exists. Each socket is added to epoll once, {@code EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLPRI|EPOLLET}, and
 * never modified. An edge is reported once; if nobody wants it at that moment it must not be lost, and if
 * somebody is waiting it must resume them. A side knows two things — is readiness known, and does an
 * operation want to run — which gives four states:
 *
 * <pre>
 * IDLE       Go pdNil. No readiness is known and nothing waits. The last attempt would have blocked (EAGAIN,
 *            or a read that left the socket empty — it was short, or the receive queue said so — while the
 *            peer has not closed), or the fd was just added (the ADD itself reports the socket's current
 *            readiness as an edge). An operation that wants to run now must wait for an edge: request()
 *            parks it without a syscall.
 *            Left by: an edge (→ READY), request or park (→ PARKED).
 *
 * READY      Go pdReady. Readiness is known and nothing waits: an edge arrived, or an operation made progress
 *            and stopped before the socket would block (its quota ran out, autoRead was off). The next
 *            operation tries the syscall.
 *            Left by: request or schedule (→ SCHEDULED, queued), drained (→ IDLE), park (→ PARKED).
 *
 * PARKED     Go: rg/wg hold the parked goroutine. An operation wants to run and the socket would block: a
 *            read requested on a drained socket, a flush that hit EAGAIN, a connect in progress. The next edge
 *            resumes it at once, from the event dispatch ("wake the goroutine").
 *            Left by: an edge (→ SCHEDULED, and the operation runs now), cancel (→ IDLE).
 *
 * SCHEDULED  Go: the goroutine is runnable or running. An operation wants to run and readiness is known: it is
 *            queued on the loop's ready queue for the next turn, or it is running now (resumed by an edge or
 *            by the queue). It stays wanted until it makes progress or would block, like a goroutine that
 *            retries its syscall after every wakeup: a read that delivers a message or a flush that empties
 *            the buffer is satisfied (→ READY); one that finds EAGAIN parks again (→ PARKED). So a spurious
 *            edge, or a queued read that finds the data already taken, never loses a read() request.
 *            Queued, never run inline from request(): a read() called from channelReadComplete must not
 *            re-enter the pipeline, and the queue gives other sockets their turn first (see ReadyQueue).
 *            Left by: satisfied or cancel (→ READY), drained or park (→ PARKED).
 * </pre>
 *
 * <p>Transitions (per side; "-" is illegal and throws, as Go throws on "double wait"):
 * <pre>
 *  from \ call   edge          request     satisfied  drained   park     schedule    cancel   failed   isScheduled
 *  IDLE          READY         PARKED      -          IDLE      PARKED   -           IDLE     IDLE     false
 *  READY         READY         SCHEDULED*  READY      IDLE      PARKED   SCHEDULED*  READY    READY    false
 *  PARKED        SCHEDULED, run  PARKED    -          PARKED    PARKED   -           IDLE     PARKED   false
 *  SCHEDULED     SCHEDULED     SCHEDULED   READY      PARKED    PARKED   SCHEDULED*  READY    READY    true
 * </pre>
 * {@code *}: returns {@code true}, and the caller puts the side on the ready queue. "run": {@link #ready}
 * returns the side, and the caller resumes the operation now. {@code isScheduled} is the question the ready
 * queue asks before it runs a side: is the queued operation still wanted (a cancelled or satisfied one is
 * skipped)? It changes nothing: the operation then runs. {@code schedule} on SCHEDULED queues again: it is
 * called by a running operation that stops with work left (a flush whose write quantum ran out). {@code failed}
 * ends a running operation that threw before it was satisfied or would block: nothing proved the socket empty,
 * so readiness stays known (READY) and the next request runs the side again.
 *
 * <p>Deadlines (Go: {@code netpolldeadlineimpl}). When a side's deadline passes, {@link #expire} fails its
 * waiting operation, as Go unblocks the goroutine with no readiness token: a PARKED read goes IDLE (a PARKED
 * write READY, since the write side is never IDLE, see below) and SCHEDULED goes READY (a latched edge is kept
 * for the day the deadline moves). Whether a side is expired, and everything else about deadlines, is kept by
 * the channel's {@link Deadlines}: while a side is expired the channel does not request, run or park
 * operations on it (Go's {@code netpollcheckerr}); edges still latch READY.
 *
 * <p>The sides differ in one way. A read trusts IDLE (after a drain, only an edge brings data), so a read
 * request on IDLE parks without a syscall; Go pays an EAGAIN read per request instead, which we avoid by
 * treating a read that emptied the socket as a drain (the channel decides when a read did, see
 * {@code AbstractGoNetpollStreamChannel.StreamUnsafe.isDrained}; {@link #peerClosed()} is what it needs from
 * here). A write is always attempted unless the write side is PARKED (Go's prepareWrite also just tries the
 * syscall), so the write side starts READY and is never IDLE.
 *
 * <p>Parked operations are counted (Go: {@code netpollWaiters}): while the channel is registered, each side that
 * enters or leaves PARKED moves the loop's {@link LoopCounters#READERS_PARKED} or {@link LoopCounters#WRITERS_PARKED}
 * gauge; {@link #attach} adds the sides already parked when a registration begins, {@link #detach} takes them
 * away when it ends, so a gauge counts exactly the PARKED sides of the loop's registered channels.
 *
 * <p>Threads: every field is confined to the channel's event loop. No CAS, no {@code pdWait} state: Go needs
 * those because many goroutines touch a pollDesc, but in Netty one loop thread owns the channel, and events,
 * operations and the ready queue all run on it.
 */
final class PollDesc {
    /** The state of one side; the table above. Package-private for tests and diagnostics only. */
    enum State {
        /** Go {@code pdNil}. */
        IDLE,
        /** Go {@code pdReady}. */
        READY,
        /** Go: a parked goroutine. */
        PARKED,
        /** Go: the goroutine is runnable or running. */
        SCHEDULED
    }

    /** State of the read side (Go: {@code rg}). */
    private State readState;
    /** State of the write side (Go: {@code wg}). */
    private State writeState;
    /** EPOLLRDHUP or EPOLLHUP was reported: no data will follow what is queued. Sticky until {@link #registered()}. */
    private boolean peerClosed;
    /**
     * EPOLLPRI was reported: TCP urgent data is pending, and a read stops at its mark with data behind it.
     * Until a read finds the socket empty ({@link #urgentDataPassed}), a short read proves nothing.
     */
    private boolean urgentData;
    /** The counters of the loop the channel is registered with, between {@link #attach} and {@link #detach}. */
    private LoopCounters counters;

    PollDesc() {
        readState = State.IDLE;
        writeState = State.READY;
    }

    /**
     * A new registration (the first, or on another loop after a deregistration). The ADD reports the socket's
     * current readiness as an edge, so latched readiness and what edges said about the stream are dropped; an
     * operation that waited (PARKED, or SCHEDULED on the old loop's ready queue, which will not run it) keeps
     * waiting, PARKED, for that edge: a parked flush or a connect in progress resumes on the new loop.
     */
    void registered() {
        readState = isWaiting(readState) ? State.PARKED : State.IDLE;
        writeState = isWaiting(writeState) ? State.PARKED : State.READY;
        peerClosed = false;
        urgentData = false;
    }

    /** A registration began on the loop of {@code loopCounters}: its gauges count this descriptor's parked sides. */
    void attach(LoopCounters loopCounters) {
        detach();
        counters = loopCounters;
        countParked(1);
    }

    /** The registration ended: the parked sides no longer count on that loop. */
    void detach() {
        if (counters != null) {
            countParked(-1);
            counters = null;
        }
    }

    private void countParked(int sign) {
        if (readState == State.PARKED) {
            counters.add(LoopCounters.READERS_PARKED, sign);
        }
        if (writeState == State.PARKED) {
            counters.add(LoopCounters.WRITERS_PARKED, sign);
        }
    }

    private static boolean isWaiting(State state) {
        return state == State.PARKED || state == State.SCHEDULED;
    }

    /**
     * An edge for {@code sides} (Go: {@code netpollready}), and whether it says the peer closed. Returns the
     * sides whose parked operation must be resumed now; other sides latch READY (or stay SCHEDULED).
     */
    int ready(int sides, boolean peerClosedNow) {
        if (peerClosedNow) {
            peerClosed = true;
        }
        int resume = 0;
        if ((sides & Sides.READ) != 0 && edge(Sides.READ)) {
            resume |= Sides.READ;
        }
        if ((sides & Sides.WRITE) != 0 && edge(Sides.WRITE)) {
            resume |= Sides.WRITE;
        }
        return resume;
    }

    /** One side's edge: latch it, or wake the parked operation (returns {@code true}: run it now). */
    private boolean edge(int side) {
        switch (state(side)) {
            case IDLE:
                set(side, State.READY);
                return false;
            case PARKED:
                set(side, State.SCHEDULED);
                return true;
            default:
                return false;
        }
    }

    /**
     * An operation wants to run on {@code side}. Returns {@code true} if readiness is known and the caller must
     * put the side on the ready queue; otherwise the side is (or stays) PARKED or SCHEDULED.
     */
    boolean request(int side) {
        switch (state(side)) {
            case IDLE:
                set(side, State.PARKED);
                return false;
            case READY:
                set(side, State.SCHEDULED);
                return true;
            default:
                return false;
        }
    }

    /**
     * The last syscall on {@code side} would have blocked (EAGAIN, or a read that emptied the socket). A side
     * nobody waits for goes IDLE; an operation still wanted (SCHEDULED) parks until the next edge.
     */
    void drained(int side) {
        State state = state(side);
        if (state == State.READY) {
            set(side, State.IDLE);
        } else if (state == State.SCHEDULED) {
            set(side, State.PARKED);
        }
    }

    /** The operation on {@code side} would block and still has work: wait for the next edge (Go: gopark). */
    void park(int side) {
        set(side, State.PARKED);
    }

    /**
     * The operation on {@code side} stops with readiness left (its quota ran out) and work to do: run it again
     * from the ready queue. Always returns {@code true}: the caller enqueues it.
     */
    boolean schedule(int side) {
        State state = state(side);
        if (state != State.READY && state != State.SCHEDULED) {
            throw illegal(side, state, "schedule");
        }
        set(side, State.SCHEDULED);
        return true;
    }

    /** Nobody wants {@code side} any more (autoRead turned off): forget a parked or scheduled operation. */
    void cancel(int side) {
        State state = state(side);
        if (state == State.PARKED) {
            set(side, State.IDLE);
        } else if (state == State.SCHEDULED) {
            set(side, State.READY);
        }
    }

    /**
     * The running operation on {@code side} made progress (a read delivered a message, a flush emptied the
     * outbound buffer): it is no longer waiting. A read() made while the previous message was delivered is
     * satisfied by this one, as Netty resets readPending on every read (netty#2254).
     */
    void satisfied(int side) {
        State state = state(side);
        if (state != State.READY && state != State.SCHEDULED) {
            throw illegal(side, state, "satisfied");
        }
        set(side, State.READY);
    }

    /**
     * The running operation on {@code side} threw before it made progress or found the socket empty (an
     * allocator that failed, an unexpected errno): it is over. Left SCHEDULED, the side would ignore every later
     * edge and request with nothing queued to run it. A request made while it ran is consumed with it, as a
     * Netty read request is consumed by the {@code channelReadComplete} that reports the failure.
     */
    void failed(int side) {
        if (state(side) == State.SCHEDULED) {
            set(side, State.READY);
        }
    }

    /**
     * Whether an operation on {@code side} is queued or running: asked when the ready queue reaches the side
     * (the operation then runs, and stays SCHEDULED until it is satisfied or would block).
     */
    boolean isScheduled(int side) {
        return state(side) == State.SCHEDULED;
    }

    /**
     * The deadline of {@code side} passed (Go: {@code netpolldeadlineimpl}). Returns {@code true} if an operation
     * was waiting (PARKED or SCHEDULED): the caller fails it.
     */
    boolean expire(int side) {
        State state = state(side);
        if (state == State.PARKED) {
            set(side, side == Sides.READ ? State.IDLE : State.READY);
            return true;
        }
        if (state == State.SCHEDULED) {
            set(side, State.READY);
            return true;
        }
        return false;
    }

    /** Readiness is latched on {@code side} and nothing waits for it. */
    boolean isReady(int side) {
        return state(side) == State.READY;
    }

    boolean isParked(int side) {
        return state(side) == State.PARKED;
    }

    /** See {@link #ready}: once the peer closed, a short read no longer proves the socket drained. */
    boolean peerClosed() {
        return peerClosed;
    }

    /** An edge announced urgent data (EPOLLPRI); comes before the {@link #ready} of the same edge. */
    void urgentDataAnnounced() {
        urgentData = true;
    }

    /** Urgent data was announced and no read has found the socket empty since: short reads prove nothing. */
    boolean urgentDataPending() {
        return urgentData;
    }

    /**
     * A read found the socket empty (EAGAIN): the urgent mark, if any, is behind us. Urgent data that comes later
     * raises a new EPOLLPRI edge.
     */
    void urgentDataPassed() {
        urgentData = false;
    }

    /** For tests and diagnostics; channels ask the questions above. */
    State state(int side) {
        return side == Sides.READ ? readState : writeState;
    }

    private void set(int side, State state) {
        State old;
        if (side == Sides.READ) {
            old = readState;
            readState = state;
        } else {
            old = writeState;
            writeState = state;
        }
        if (counters != null && (old == State.PARKED) != (state == State.PARKED)) {
            counters.add(side == Sides.READ ? LoopCounters.READERS_PARKED : LoopCounters.WRITERS_PARKED,
                    state == State.PARKED ? 1 : -1);
        }
    }

    private static IllegalStateException illegal(int side, State state, String call) {
        return new IllegalStateException(call + " on " + Sides.name(side) + " side in state " + state);
    }

    @Override
    public String toString() {
        return "PollDesc{read=" + readState + ", write=" + writeState + (peerClosed ? ", peerClosed" : "")
                + (urgentData ? ", urgentData" : "") + '}';
    }
}
