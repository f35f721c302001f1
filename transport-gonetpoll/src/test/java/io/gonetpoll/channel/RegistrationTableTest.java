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
    private static GoNetpollIoRegistration newRegistration() {
        return new GoNetpollIoRegistration(null, null, null);
    }

    @Test
    void lookupFindsTheLiveRegistration() {
        RegistrationTable table = new RegistrationTable(4);
        GoNetpollIoRegistration a = newRegistration();
        long data = table.add(a);
        assertSame(a, table.lookup(data));
        assertEquals(1, table.size());
    }

    @Test
    void aFreedSlotRejectsEventsOfItsFormerOccupant() {
        RegistrationTable table = new RegistrationTable(4);
        GoNetpollIoRegistration a = newRegistration();
        long aData = table.add(a);
        table.remove(aData);
        assertNull(table.lookup(aData), "event for a cancelled registration");

        GoNetpollIoRegistration b = newRegistration();
        long bData = table.add(b);
        assertEquals(EventData.slot(aData), EventData.slot(bData), "slot is reused");
        assertNotEquals(aData, bData, "with a new generation");
        assertNull(table.lookup(aData), "the old tag still does not reach the new occupant");
        assertSame(b, table.lookup(bData));
    }

    @Test
    void removingTwiceOrWithAStaleTagFails() {
        RegistrationTable table = new RegistrationTable(4);
        long data = table.add(newRegistration());
        table.remove(data);
        assertThrows(IllegalStateException.class, () -> table.remove(data));
    }

    @Test
    void growsAndKeepsEveryRegistration() {
        RegistrationTable table = new RegistrationTable(1);
        List<GoNetpollIoRegistration> registrations = new ArrayList<>();
        List<Long> tags = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            GoNetpollIoRegistration r = newRegistration();
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
        RegistrationTable table = new RegistrationTable(4);
        assertNull(table.lookup(EventData.encode(3, 0)));
        assertNull(table.lookup(EventData.encode(EventData.MAX_SLOT, 0)));
    }
}
