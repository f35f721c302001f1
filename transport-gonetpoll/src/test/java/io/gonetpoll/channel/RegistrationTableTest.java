package io.gonetpoll.channel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistrationTableTest {
    /** Any object stands for a registration: the table only stores and finds it. */
    private static Object newRegistration() {
        return new Object();
    }

    @Test
    void lookupFindsTheLiveRegistration() {
        RegistrationTable<Object> table = new RegistrationTable<>(4);
        Object a = newRegistration();
        long data = table.add(a);
        assertSame(a, table.lookup(data));
        assertEquals(1, table.size());
    }

    @Test
    void aFreedSlotRejectsEventsOfItsFormerOccupant() {
        RegistrationTable<Object> table = new RegistrationTable<>(4);
        Object a = newRegistration();
        long aData = table.add(a);
        table.remove(aData);
        assertNull(table.lookup(aData), "event for a cancelled registration");

        Object b = newRegistration();
        long bData = table.add(b);
        assertEquals(EventData.slot(aData), EventData.slot(bData), "slot is reused");
        assertNotEquals(aData, bData, "with a new generation");
        assertNull(table.lookup(aData), "the old tag still does not reach the new occupant");
        assertSame(b, table.lookup(bData));
    }

    @Test
    void removingTwiceOrWithAStaleTagFails() {
        RegistrationTable<Object> table = new RegistrationTable<>(4);
        long data = table.add(newRegistration());
        table.remove(data);
        assertThrows(IllegalStateException.class, () -> table.remove(data));
    }

    @Test
    void growsAndKeepsEveryRegistration() {
        RegistrationTable<Object> table = new RegistrationTable<>(1);
        List<Object> registrations = new ArrayList<>();
        List<Long> tags = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Object r = newRegistration();
            registrations.add(r);
            long tag = table.add(r);
            tags.add(tag);
            slots.add(EventData.slot(tag));
        }
        assertEquals(1000, slots.size(), "every live registration has its own slot");
        for (int i = 0; i < 1000; i++) {
            assertSame(registrations.get(i), table.lookup(tags.get(i)));
        }
        assertEquals(1000, table.snapshot().size());
    }

    @Test
    void lookupOfASlotNeverHandedOutIsStale() {
        RegistrationTable<Object> table = new RegistrationTable<>(4);
        assertNull(table.lookup(EventData.encode(3, 0)));
        assertNull(table.lookup(EventData.encode(EventData.MAX_SLOT, 0)));
    }
}
