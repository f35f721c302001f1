package io.gonetpoll.channel;

import java.util.Arrays;

/**
 * Operations that are ready to run and wait for the next loop turn (Go: the run queue that
 * {@code netpollunblock} feeds). Loop thread only; a growable ring of (registration, sides) pairs.
 *
 * <p>Each turn runs only the entries that were queued before it started, so an operation that re-queues itself
 * (a reader that hits its quota again) waits a full turn behind every other socket: fairness without a
 * second edge. Entries of cancelled registrations are skipped; the PollDesc decides whether a still-valid
 * entry is still wanted.
 */
final class ReadyQueue {
    private GoNetpollIoRegistration[] registrations = new GoNetpollIoRegistration[64];
    private int[] sides = new int[64];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void add(GoNetpollIoRegistration registration, int side) {
        if (size == registrations.length) {
            grow();
        }
        int tail = (head + size) & (registrations.length - 1);
        registrations[tail] = registration;
        sides[tail] = side;
        size++;
    }

    /** Runs the entries queued before this call; returns how many ran. */
    int runQueued() {
        int n = size;
        int ran = 0;
        for (int i = 0; i < n; i++) {
            GoNetpollIoRegistration registration = registrations[head];
            int side = sides[head];
            registrations[head] = null;
            head = (head + 1) & (registrations.length - 1);
            size--;
            if (registration.runScheduled(side)) {
                ran++;
            }
        }
        return ran;
    }

    private void grow() {
        int capacity = registrations.length << 1;
        GoNetpollIoRegistration[] newRegistrations = new GoNetpollIoRegistration[capacity];
        int[] newSides = new int[capacity];
        for (int i = 0; i < size; i++) {
            int index = (head + i) & (registrations.length - 1);
            newRegistrations[i] = registrations[index];
            newSides[i] = sides[index];
        }
        Arrays.fill(registrations, null);
        registrations = newRegistrations;
        sides = newSides;
        head = 0;
    }
}
