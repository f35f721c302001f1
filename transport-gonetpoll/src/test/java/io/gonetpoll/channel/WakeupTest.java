package io.gonetpoll.channel;

import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Wakeup coalescing and the close gate, on a real eventfd. */
class WakeupTest {
    private static final int WAKERS = 16;

    @Test
    void manyWakersOfOneSleepWriteTheEventFdOnce() throws Exception {
        Wakeup wakeup = new Wakeup(Native.newEventFd());
        try {
            for (int sleep = 1; sleep <= 3; sleep++) {
                wakeup.prepareToSleep();
                wakeAll(wakeup);
                assertEquals(sleep, wakeup.writes(), "one write per sleep");
                wakeup.awake();
            }
            // A loop that is not sleeping is never written to.
            wakeAll(wakeup);
            assertEquals(3, wakeup.writes());
            assertEquals(3, drainCount(wakeup.eventFd()), "the eventfd counter saw exactly those writes");
        } finally {
            wakeup.close();
        }
    }

    @Test
    void nothingIsWrittenAfterClose() throws Exception {
        Wakeup wakeup = new Wakeup(Native.newEventFd());
        wakeup.prepareToSleep();
        wakeup.close();
        wakeAll(wakeup);
        assertEquals(0, wakeup.writes());
    }

    private static void wakeAll(Wakeup wakeup) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WAKERS; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                wakeup.wakeup();
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /** Reads the eventfd counter (one 8-byte read returns and resets it). */
    private static long drainCount(FileDescriptor eventFd) throws Exception {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        int n = eventFd.read(buf, 0, 8);
        assertEquals(8, n);
        return buf.getLong(0);
    }
}
