package io.gonetpoll.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Slots of one loop's registrations ({@code R}: the loop's registration type), with a free list and a generation per slot
 * (Go: {@code pollCache} plus {@code fdseq}). Loop thread only.
 *
 * <p>Invariant: {@code registrations[s] != null} iff slot {@code s} is in use, and then
 * the tag handed out by {@link #add} for it is {@code EventData.encode(s, generations[s])}. Freeing a slot bumps its
 * generation before the slot can be handed out again, so {@link #lookup} rejects every event that was tagged
 * for an earlier occupant.
 */
final class RegistrationTable<R> {
    /** Slot → occupant ({@code R}), or null while free. */
    private Object[] registrations;
    private int[] generations;
    /** Stack of freed slots below {@link #highWater}; reused before new slots are taken. */
    private int[] freeSlots;
    private int freeCount;
    /** Slots {@code >= highWater} have never been used. */
    private int highWater;
    private int size;

    RegistrationTable(int initialCapacity) {
        int capacity = Math.max(16, initialCapacity);
        registrations = new Object[capacity];
        generations = new int[capacity];
        freeSlots = new int[capacity];
    }

    /** Takes a free slot for {@code registration} and returns the {@link EventData} it is to be tagged with. */
    long add(R registration) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (highWater == registrations.length) {
                grow();
            }
            slot = highWater++;
        }
        registrations[slot] = registration;
        size++;
        return EventData.encode(slot, generations[slot]);
    }

    /** Returns the registration an event was tagged for, or {@code null} if the event is stale. */
    @SuppressWarnings("unchecked")
    R lookup(long eventData) {
        int slot = EventData.slot(eventData);
        if (slot < 0 || slot >= highWater || generations[slot] != EventData.generation(eventData)) {
            return null;
        }
        return (R) registrations[slot];
    }

    /** Frees the slot of {@code eventData}; its generation moves on so late events for it are dropped. */
    void remove(long eventData) {
        int slot = EventData.slot(eventData);
        if (generations[slot] != EventData.generation(eventData) || registrations[slot] == null) {
            throw new IllegalStateException("slot " + slot + " is not held by generation "
                    + EventData.generation(eventData));
        }
        registrations[slot] = null;
        generations[slot]++;
        freeSlots[freeCount++] = slot;
        size--;
    }

    int size() {
        return size;
    }

    /** A copy of the live registrations, for shutdown (closing them changes the table). */
    @SuppressWarnings("unchecked")
    List<R> snapshot() {
        List<R> live = new ArrayList<>(size);
        for (int i = 0; i < highWater; i++) {
            if (registrations[i] != null) {
                live.add((R) registrations[i]);
            }
        }
        return live;
    }

    private void grow() {
        if (registrations.length > EventData.MAX_SLOT / 2) {
            throw new IllegalStateException("too many registrations on one loop: " + registrations.length);
        }
        int capacity = registrations.length << 1;
        registrations = Arrays.copyOf(registrations, capacity);
        generations = Arrays.copyOf(generations, capacity);
        freeSlots = Arrays.copyOf(freeSlots, capacity);
    }
}
