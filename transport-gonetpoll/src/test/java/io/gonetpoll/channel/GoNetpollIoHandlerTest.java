package io.gonetpoll.channel;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop on real epoll, driven by hand ({@link ManualIoEventLoop}) with eventfds as the polled files: one ADD
 * per registration, one DEL at cancel, stale events dropped by generation, wakeups breaking a blocking wait.
 */
class GoNetpollIoHandlerTest {
    private GoNetpollIoHandlerFactory factory;
    private ManualIoEventLoop loop;
    private final List<EventFdHandle> handles = new ArrayList<>();

    @BeforeEach
    void setUp() {
        factory = GoNetpollIoHandler.newFactory();
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        while (!loop.isTerminated()) {
            loop.runNow();
        }
        for (EventFdHandle handle : handles) {
            handle.close();
        }
    }

    @Test
    void armAddsOnceAndCancelDeletesOnce() throws Exception {
        EventFdHandle handle = newHandle();
        IoRegistration registration = register(handle);
        registration.submit(GoNetpollIoOps.EPOLL_ADD);
        assertThrows(IllegalStateException.class, () -> registration.submit(GoNetpollIoOps.EPOLL_ADD));
        assertEquals(1, factory.counters().epollCtlAdds());

        assertTrue(registration.cancel());
        assertFalse(registration.cancel(), "a second cancel does nothing");
        assertEquals(1, factory.counters().epollCtlDels());
        assertEquals(1, handle.unregistered);
        assertEquals(-1, registration.submit(GoNetpollIoOps.QUEUE_READ), "a cancelled registration");
    }

    @Test
    void edgesAreDeliveredOncePerChange() throws Exception {
        EventFdHandle handle = newHandle();
        register(handle).submit(GoNetpollIoOps.EPOLL_ADD);
        loop.runNow();
        // The ADD reports the eventfd as writable: one write-side edge.
        assertEquals(1, handle.events.size(), handle.events.toString());
        assertEquals(Sides.WRITE, handle.events.get(0).sides());

        loop.runNow();
        assertEquals(1, handle.events.size(), "edge triggered: no new event without a change");

        Native.eventFdWrite(handle.fd.intValue(), 1);
        loop.runNow();
        assertEquals(2, handle.events.size());
        assertEquals(Sides.READ | Sides.WRITE, handle.events.get(1).sides());
    }

    @Test
    void eventOfARegistrationCancelledEarlierInTheSameBatchIsDropped() throws Exception {
        EventFdHandle a = newHandle();
        EventFdHandle b = newHandle();
        IoRegistration ra = register(a);
        IoRegistration rb = register(b);
        ra.submit(GoNetpollIoOps.EPOLL_ADD);
        rb.submit(GoNetpollIoOps.EPOLL_ADD);
        loop.runNow();
        a.events.clear();
        b.events.clear();

        // Whichever of the two is handled first cancels the other and registers a newcomer, which takes the
        // freed slot; the other's event, already returned by the same epoll_wait, must not reach anyone.
        EventFdHandle newcomer = newHandle();
        Consumer<EventFdHandle> cancelOther = self -> {
            IoRegistration other = self == a ? rb : ra;
            if (other.isValid()) {
                other.cancel();
                register(newcomer);
            }
        };
        a.onEvent = cancelOther;
        b.onEvent = cancelOther;
        Native.eventFdWrite(a.fd.intValue(), 1);
        Native.eventFdWrite(b.fd.intValue(), 1);
        loop.runNow();

        assertEquals(1, a.events.size() + b.events.size(), "only the first of the two was delivered");
        assertEquals(0, newcomer.events.size(), "the newcomer in the reused slot got nothing");
        assertEquals(1, factory.counters().staleEventsDropped());
    }

    @Test
    void scheduledSidesRunAtTheNextTurn() throws Exception {
        EventFdHandle handle = newHandle();
        IoRegistration registration = register(handle);
        registration.submit(GoNetpollIoOps.QUEUE_READ);
        assertEquals(List.of(), handle.queuedRuns, "not inline");
        loop.runNow();
        assertEquals(List.of(Sides.READ), handle.queuedRuns, "through its own entry point");
        assertEquals(0, handle.events.size(), "not an edge");
        assertEquals(1, factory.counters().readyQueueRuns());
    }

    @Test
    void wakeupFromAnotherThreadBreaksABlockingWait() throws Exception {
        // Let the loop settle, then block it with no deadline; another thread must get it out.
        loop.runNow();
        Thread waker = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            loop.wakeup();
        });
        waker.start();
        long start = System.nanoTime();
        loop.run(TimeUnit.SECONDS.toNanos(60));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        waker.join();
        assertTrue(waitedMillis < 30_000, "the wait ended because of the wakeup, after " + waitedMillis + " ms");
        assertEquals(1, factory.counters().wakeupsWritten());
        loop.runNow();
        assertTrue(factory.counters().wakeupEvents() >= 1);
    }

    private EventFdHandle newHandle() throws IOException {
        EventFdHandle handle = new EventFdHandle(Native.newEventFd());
        handles.add(handle);
        return handle;
    }

    private IoRegistration register(EventFdHandle handle) {
        try {
            return loop.register(handle).sync().getNow();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A polled eventfd that records what the loop tells it. */
    private static final class EventFdHandle implements GoNetpollIoHandle {
        final FileDescriptor fd;
        final List<GoNetpollIoEvent> events = new ArrayList<>();
        final List<Integer> queuedRuns = new ArrayList<>();
        Consumer<EventFdHandle> onEvent = self -> { };
        int unregistered;

        EventFdHandle(FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            events.add((GoNetpollIoEvent) event);
            onEvent.accept(this);
        }

        @Override
        public void runQueued(int sides) {
            queuedRuns.add(sides);
        }

        @Override
        public void unregistered() {
            unregistered++;
        }

        @Override
        public void close() {
            try {
                fd.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
