package io.gonetpoll.channel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.gonetpoll.channel.PollDesc.State.IDLE;
import static io.gonetpoll.channel.PollDesc.State.PARKED;
import static io.gonetpoll.channel.PollDesc.State.READY;
import static io.gonetpoll.channel.PollDesc.State.SCHEDULED;
import static io.gonetpoll.channel.Sides.READ;
import static io.gonetpoll.channel.Sides.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every row of the transition table in {@link PollDesc}'s Javadoc, for both sides, including the illegal ones.
 * A start state is reached only through the public transitions, as a channel would reach it.
 */
class PollDescTest {
    /** Result marker for calls that must throw. */
    private static final int ILLEGAL = -1;

    /** A call, and what it returns (an int: resume bits, or 1/0 for booleans, or 0 for void). */
    private enum Call {
        EDGE(pd -> side -> pd.ready(side, false)),
        REQUEST(pd -> side -> pd.request(side) ? 1 : 0),
        DRAINED(pd -> side -> { pd.drained(side); return 0; }),
        PARK(pd -> side -> { pd.park(side); return 0; }),
        SCHEDULE(pd -> side -> pd.schedule(side) ? 1 : 0),
        CANCEL(pd -> side -> { pd.cancel(side); return 0; }),
        SATISFIED(pd -> side -> { pd.satisfied(side); return 0; }),
        FAILED(pd -> side -> { pd.failed(side); return 0; }),
        IS_SCHEDULED(pd -> side -> pd.isScheduled(side) ? 1 : 0);

        final Function<PollDesc, Function<Integer, Integer>> apply;

        Call(Function<PollDesc, Function<Integer, Integer>> apply) {
            this.apply = apply;
        }
    }

    /** The table: from-state, call, to-state, return value (EDGE returns the side when it resumes). */
    private static final Object[][] TABLE = {
            {IDLE, Call.EDGE, READY, 0},
            {IDLE, Call.REQUEST, PARKED, 0},
            {IDLE, Call.SATISFIED, IDLE, ILLEGAL},
            {IDLE, Call.DRAINED, IDLE, 0},
            {IDLE, Call.PARK, PARKED, 0},
            {IDLE, Call.SCHEDULE, IDLE, ILLEGAL},
            {IDLE, Call.CANCEL, IDLE, 0},
            {IDLE, Call.FAILED, IDLE, 0},
            {IDLE, Call.IS_SCHEDULED, IDLE, 0},

            {READY, Call.EDGE, READY, 0},
            {READY, Call.REQUEST, SCHEDULED, 1},
            {READY, Call.SATISFIED, READY, 0},
            {READY, Call.DRAINED, IDLE, 0},
            {READY, Call.PARK, PARKED, 0},
            {READY, Call.SCHEDULE, SCHEDULED, 1},
            {READY, Call.CANCEL, READY, 0},
            {READY, Call.FAILED, READY, 0},
            {READY, Call.IS_SCHEDULED, READY, 0},

            {PARKED, Call.EDGE, SCHEDULED, 1},
            {PARKED, Call.REQUEST, PARKED, 0},
            {PARKED, Call.SATISFIED, PARKED, ILLEGAL},
            {PARKED, Call.DRAINED, PARKED, 0},
            {PARKED, Call.PARK, PARKED, 0},
            {PARKED, Call.SCHEDULE, PARKED, ILLEGAL},
            {PARKED, Call.CANCEL, IDLE, 0},
            {PARKED, Call.FAILED, PARKED, 0},
            {PARKED, Call.IS_SCHEDULED, PARKED, 0},

            {SCHEDULED, Call.EDGE, SCHEDULED, 0},
            {SCHEDULED, Call.REQUEST, SCHEDULED, 0},
            {SCHEDULED, Call.SATISFIED, READY, 0},
            {SCHEDULED, Call.DRAINED, PARKED, 0},
            {SCHEDULED, Call.PARK, PARKED, 0},
            {SCHEDULED, Call.SCHEDULE, SCHEDULED, 1},
            {SCHEDULED, Call.CANCEL, READY, 0},
            {SCHEDULED, Call.FAILED, READY, 0},
            {SCHEDULED, Call.IS_SCHEDULED, SCHEDULED, 1},
    };

    static Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        for (int side : new int[] {READ, WRITE}) {
            for (Object[] row : TABLE) {
                rows.add(Arguments.of(Sides.name(side), side, row[0], row[1], row[2], row[3]));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} side: {2} --{3}--> {4}")
    @MethodSource("rows")
    void transition(String sideName, int side, PollDesc.State from, Call call, PollDesc.State to, int result) {
        PollDesc pd = inState(side, from);
        int other = Sides.other(side);
        PollDesc.State otherBefore = pd.state(other);
        if (result == ILLEGAL) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> call.apply.apply(pd).apply(side));
            assertTrue(e.getMessage().contains(sideName) && e.getMessage().contains(from.name()), e.getMessage());
        } else {
            int returned = call.apply.apply(pd).apply(side);
            int expected = call == Call.EDGE ? result * side : result;
            assertEquals(expected, returned, "return value");
        }
        assertEquals(to, pd.state(side));
        assertEquals(otherBefore, pd.state(other), "other side untouched");
    }

    /** Drives a fresh PollDesc to {@code state} on {@code side} with the calls a channel makes. */
    private static PollDesc inState(int side, PollDesc.State state) {
        PollDesc pd = new PollDesc();
        // Fresh: read side IDLE (the ADD reports readiness), write side READY (writes are always tried).
        if (pd.state(side) == READY) {
            pd.drained(side);
        }
        assertEquals(IDLE, pd.state(side));
        switch (state) {
            case IDLE:
                break;
            case READY:
                pd.ready(side, false);
                break;
            case PARKED:
                pd.request(side);
                break;
            case SCHEDULED:
                pd.ready(side, false);
                pd.request(side);
                break;
            default:
                throw new AssertionError(state);
        }
        assertEquals(state, pd.state(side));
        return pd;
    }

    @org.junit.jupiter.api.Test
    void freshDescriptorReadsOnlyAfterAnEdgeButWritesAtOnce() {
        PollDesc pd = new PollDesc();
        assertEquals(IDLE, pd.state(READ));
        assertEquals(READY, pd.state(WRITE));
        assertFalse(pd.peerClosed());
    }

    @org.junit.jupiter.api.Test
    void oneEdgeResumesBothParkedSides() {
        PollDesc pd = new PollDesc();
        pd.request(READ);
        pd.park(WRITE);
        assertEquals(READ | WRITE, pd.ready(READ | WRITE, false));
        assertEquals(SCHEDULED, pd.state(READ), "running until satisfied or drained");
        assertEquals(SCHEDULED, pd.state(WRITE));
    }

    @org.junit.jupiter.api.Test
    void peerClosedIsStickyUntilTheNextRegistration() {
        PollDesc pd = new PollDesc();
        pd.ready(READ, true);
        pd.ready(READ, false);
        assertTrue(pd.peerClosed());
        pd.registered();
        assertFalse(pd.peerClosed());
        assertEquals(IDLE, pd.state(READ), "latched readiness is dropped: the ADD reports it again");
        assertEquals(READY, pd.state(WRITE));
    }

    /** A registration on another loop keeps what waited waiting, for the edge the new ADD reports. */
    @org.junit.jupiter.api.Test
    void aNewRegistrationKeepsWaitingOperationsParked() {
        for (PollDesc.State from : PollDesc.State.values()) {
            for (int side : new int[] {READ, WRITE}) {
                PollDesc pd = inState(side, from);
                pd.registered();
                boolean waited = from == PARKED || from == SCHEDULED;
                PollDesc.State expected = waited ? PARKED : side == READ ? IDLE : READY;
                assertEquals(expected, pd.state(side), Sides.name(side) + " side from " + from);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void urgentDataIsPendingUntilAReadFindsTheSocketEmpty() {
        PollDesc pd = new PollDesc();
        assertFalse(pd.urgentDataPending());
        pd.urgentDataAnnounced();
        pd.ready(READ, false);
        pd.drained(READ);
        assertTrue(pd.urgentDataPending(), "a drain alone does not pass the mark: only an empty read does");
        pd.urgentDataPassed();
        assertFalse(pd.urgentDataPending());
        pd.urgentDataAnnounced();
        pd.registered();
        assertFalse(pd.urgentDataPending(), "a new registration starts clean");
    }

    @org.junit.jupiter.api.Test
    void edgeLatchedWhileNobodyReadsIsConsumedByTheNextRequest() {
        // autoRead off: data arrives, nobody reads; the later read() must run without a new edge.
        PollDesc pd = new PollDesc();
        assertEquals(0, pd.ready(READ, false));
        assertTrue(pd.request(READ), "read() after a latched edge is queued to run");
        assertTrue(pd.isScheduled(READ));
        pd.satisfied(READ);
        assertEquals(READY, pd.state(READ));
    }

    @org.junit.jupiter.api.Test
    void aResumedReadThatFindsNothingStaysWanted() {
        // autoRead off, one read() pending: a spurious edge (its data already read) resumes it, the read finds
        // EAGAIN; the request must survive to the next edge, or the channel would never read again.
        PollDesc pd = new PollDesc();
        pd.request(READ);
        assertEquals(READ, pd.ready(READ, false));
        pd.drained(READ);
        assertEquals(PARKED, pd.state(READ));
        // Likewise a queued read that finds its data taken by an earlier loop.
        pd.ready(READ, false);
        pd.satisfied(READ);
        assertTrue(pd.request(READ));
        assertTrue(pd.isScheduled(READ));
        pd.drained(READ);
        assertEquals(PARKED, pd.state(READ));
    }

    /** Go's netpolldeadlineimpl: the waiter of a side fails, a latched edge survives. */
    @org.junit.jupiter.api.Test
    void expiryFailsTheWaiterAndKeepsALatchedEdge() {
        PollDesc pd = new PollDesc();
        assertFalse(pd.expire(READ), "nothing waits on a fresh read side");
        assertEquals(IDLE, pd.state(READ));

        pd.request(READ);
        assertTrue(pd.expire(READ), "a parked read fails");
        assertEquals(IDLE, pd.state(READ), "no readiness is known after a parked read");

        pd.park(WRITE);
        assertTrue(pd.expire(WRITE), "a parked flush fails");
        assertEquals(READY, pd.state(WRITE), "the write side is never IDLE");

        pd.ready(READ, false);
        pd.request(READ);
        assertTrue(pd.expire(READ), "a queued read fails");
        assertEquals(READY, pd.state(READ), "the latched edge is kept for the next read");
        assertFalse(pd.isScheduled(READ), "the queued entry is no longer wanted");
    }
}
