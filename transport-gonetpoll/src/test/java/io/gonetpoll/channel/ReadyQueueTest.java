package io.gonetpoll.channel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ready queue's contract: FIFO, one turn runs only what was queued before it, entries decide if they ran. */
class ReadyQueueTest {
    /** Records its runs; re-queues itself {@code requeues} times (a reader that keeps hitting its quota). */
    private static final class Entry implements ReadyQueue.Entry {
        final String name;
        final List<String> log;
        final ReadyQueue queue;
        int requeues;
        boolean valid = true;

        Entry(String name, List<String> log, ReadyQueue queue) {
            this.name = name;
            this.log = log;
            this.queue = queue;
        }

        @Override
        public boolean runQueued(int sides) {
            if (!valid) {
                return false;
            }
            log.add(name + ":" + Sides.name(sides));
            if (requeues > 0) {
                requeues--;
                queue.add(this, sides);
            }
            return true;
        }
    }

    @Test
    void runsInOrderWithTheSidesEachEntryQueued() {
        ReadyQueue queue = new ReadyQueue();
        List<String> log = new ArrayList<>();
        queue.add(new Entry("a", log, queue), Sides.READ);
        queue.add(new Entry("b", log, queue), Sides.WRITE);
        queue.add(new Entry("c", log, queue), Sides.BOTH);
        assertEquals(3, queue.runQueued());
        assertEquals(List.of("a:read", "b:write", "c:read+write"), log);
        assertTrue(queue.isEmpty());
    }

    @Test
    void anEntryQueuedDuringATurnWaitsForTheNextOne() {
        ReadyQueue queue = new ReadyQueue();
        List<String> log = new ArrayList<>();
        Entry greedy = new Entry("greedy", log, queue);
        greedy.requeues = 2;
        queue.add(greedy, Sides.READ);
        queue.add(new Entry("other", log, queue), Sides.READ);

        assertEquals(2, queue.runQueued());
        assertEquals(List.of("greedy:read", "other:read"), log, "the re-queued entry did not run twice");
        assertFalse(queue.isEmpty());
        assertEquals(1, queue.runQueued());
        assertEquals(1, queue.runQueued());
        assertTrue(queue.isEmpty());
        assertEquals(4, log.size());
    }

    @Test
    void anEntryThatNoLongerRunsIsNotCounted() {
        ReadyQueue queue = new ReadyQueue();
        List<String> log = new ArrayList<>();
        Entry cancelled = new Entry("cancelled", log, queue);
        cancelled.valid = false;
        queue.add(cancelled, Sides.READ);
        queue.add(new Entry("live", log, queue), Sides.READ);
        assertEquals(1, queue.runQueued());
        assertEquals(List.of("live:read"), log);
        assertTrue(queue.isEmpty(), "a skipped entry leaves the queue too");
    }

    @Test
    void growsPastItsInitialCapacityWithoutLosingOrder() {
        ReadyQueue queue = new ReadyQueue();
        List<String> log = new ArrayList<>();
        // Wrap the ring first, so growth has to unroll it.
        for (int i = 0; i < 40; i++) {
            queue.add(new Entry("w" + i, log, queue), Sides.READ);
        }
        queue.runQueued();
        log.clear();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            queue.add(new Entry("e" + i, log, queue), Sides.WRITE);
            expected.add("e" + i + ":write");
        }
        assertEquals(1000, queue.runQueued());
        assertEquals(expected, log);
    }
}
