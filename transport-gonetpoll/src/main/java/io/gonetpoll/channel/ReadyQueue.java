package io.gonetpoll.channel;

import java.util.Arrays;

/**
 * Operations that are ready to run and wait for the next loop turn (Go: the run queue that
 * {@code netpollunblock} feeds). Loop thread only; a growable ring of (entry, sides) pairs.
 *
 * <p>Each turn runs only the entries that were queued before it started, so an operation that re-queues itself
 * (a reader that hits its quota again) waits a full turn behind every other socket: fairness without a
 * second edge. An entry decides itself whether it still runs (a cancelled registration does not; the
 * channel's PollDesc decides whether a still-valid side is still wanted).
 */
final class ReadyQueue {
    /** Something that queued sides: in the loop, a registration. */
    interface Entry {
        /** The queue reached {@code sides}; returns whether anything ran. */
        boolean runQueued(int sides);
    }

    private Entry[] entries = new Entry[64];
    private int[] sides = new int[64];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void add(Entry entry, int sides) {
        if (size == entries.length) {
            grow();
        }
        int tail = (head + size) & (entries.length - 1);
        entries[tail] = entry;
        this.sides[tail] = sides;
        size++;
    }

    /** Runs the entries queued before this call; returns how many ran. */
    int runQueued() {
        int n = size;
        int ran = 0;
        for (int i = 0; i < n; i++) {
            Entry entry = entries[head];
            int queuedSides = sides[head];
            entries[head] = null;
            head = (head + 1) & (entries.length - 1);
            size--;
            if (entry.runQueued(queuedSides)) {
                ran++;
            }
        }
        return ran;
    }

    private void grow() {
        int capacity = entries.length << 1;
        Entry[] newEntries = new Entry[capacity];
        int[] newSides = new int[capacity];
        for (int i = 0; i < size; i++) {
            int index = (head + i) & (entries.length - 1);
            newEntries[i] = entries[index];
            newSides[i] = sides[index];
        }
        Arrays.fill(entries, null);
        entries = newEntries;
        sides = newSides;
        head = 0;
    }
}
