package io.gonetpoll.channel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class EventDataTest {
    private static final int[] SLOTS = {0, 1, 2, 255, 256, 65535, 65536, 1 << 20, EventData.MAX_SLOT - 1,
            EventData.MAX_SLOT};
    private static final int[] GENERATIONS = {0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};

    @Test
    void roundTripsEverySlotAndGenerationBoundary() {
        for (int slot : SLOTS) {
            for (int generation : GENERATIONS) {
                long data = EventData.encode(slot, generation);
                assertEquals(slot, EventData.slot(data));
                assertEquals(generation, EventData.generation(data));
                assertNotEquals(EventData.WAKEUP, data, "slot " + slot + " generation " + generation);
            }
        }
    }

    @Test
    void roundTripsDenseSample() {
        for (int slot = 0; slot < 1 << 12; slot++) {
            for (int generation = -8; generation < 8; generation++) {
                long data = EventData.encode(slot, generation);
                assertEquals(slot, EventData.slot(data));
                assertEquals(generation, EventData.generation(data));
            }
        }
    }
}
