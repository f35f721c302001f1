package io.gonetpoll.channel;

import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The group's wheel runs only while a deadline waits on it: an idle wheel stops its thread at the next idle
 * check, the next deadline starts a new one, and no deadline is lost to a stop racing with an arm. Real
 * {@link io.netty.util.HashedWheelTimer}s with a 1 ms tick and a 20 ms idle check.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedDeadlineWheelTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_CHECK = 20 * MS;

    private SharedDeadlineWheel wheel;

    @BeforeEach
    void setUp() {
        wheel = new SharedDeadlineWheel(MS, IDLE_CHECK);
        wheel.acquire();
    }

    @AfterEach
    void tearDown() {
        wheel.release();
        assertFalse(wheel.isRunning(), "release of the last loop stops the wheel");
    }

    @Test
    void noThreadUntilTheFirstDeadline() throws Exception {
        assertFalse(wheel.isRunning());
        assertEquals(0, wheel.starts());
        assertEquals(0, wheel.pendingTimeouts());
        Thread.sleep(3 * IDLE_CHECK / MS);
        assertEquals(0, wheel.starts());
    }

    @Test
    void anIdleWheelStopsItsThreadAndTheNextDeadlineStartsANewOne() throws Exception {
        Thread first = fireOnce(5 * MS);
        assertTrue(awaitStopped(), "the wheel kept running with nothing to do");
        first.join(5_000);
        assertFalse(first.isAlive(), "the idle wheel's thread is still alive");

        Thread second = fireOnce(5 * MS);
        assertNotSame(first, second);
        assertEquals(2, wheel.starts());
        assertTrue(awaitStopped());
        second.join(5_000);
        assertFalse(second.isAlive());
    }

    @Test
    void aWheelWithAPendingDeadlineKeepsRunning() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        long armedAt = System.nanoTime();
        wheel.newTimeout(timeout -> fired.countDown(), 15 * IDLE_CHECK);
        for (int i = 0; i < 10; i++) {
            Thread.sleep(IDLE_CHECK / MS);
            assertTrue(wheel.isRunning(), "stopped with a deadline pending");
            assertEquals(1, wheel.starts());
        }
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - armedAt >= 15 * IDLE_CHECK, "fired early");
        assertEquals(1, wheel.starts());
    }

    /** A timeout cancelled before the check is not work: the wheel stops without running it. */
    @Test
    void aCancelledDeadlineDoesNotKeepTheWheelAlive() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Timeout timeout = wheel.newTimeout(t -> ran.incrementAndGet(), TimeUnit.SECONDS.toNanos(30));
        assertEquals(1, wheel.pendingTimeouts());
        assertTrue(timeout.cancel());
        assertTrue(awaitStopped(), "a cancelled timeout kept the wheel running");
        assertEquals(0, ran.get());
    }

    /**
     * Four threads arm short deadlines in bursts separated by pauses around the idle-check period, so wheels
     * stop and start many times while arms race with the checks: every deadline fires exactly once.
     */
    @Test
    void noDeadlineIsLostWhileWheelsStopAndStart() throws Exception {
        int threads = 4;
        int perThread = 400;
        AtomicInteger fired = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<CompletableFuture<Void>> armers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            armers.add(CompletableFuture.runAsync(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < perThread; i++) {
                    wheel.newTimeout(timeout -> fired.incrementAndGet(), random.nextLong(0, 3 * MS));
                    if (random.nextInt(8) == 0) {
                        sleepQuietly(random.nextLong(0, 2 * IDLE_CHECK / MS + 1));
                    }
                }
            }, pool));
        }
        try {
            CompletableFuture.allOf(armers.toArray(new CompletableFuture[0])).get(40, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fired.get() < threads * perThread && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(threads * perThread, fired.get(), "deadlines lost or fired twice");
        assertTrue(wheel.starts() > 1, "the pauses never let a wheel stop: the race was not exercised ("
                + wheel.starts() + " start)");
        Thread.sleep(50);
        assertEquals(threads * perThread, fired.get(), "a deadline fired twice");
    }

    @Test
    void aReleasedWheelRefusesDeadlines() {
        wheel.release();
        assertThrows(IllegalStateException.class, () -> wheel.newTimeout(timeout -> { }, MS));
        wheel.acquire();
    }

    /**
     * The last loop releases the wheel while the wheel's thread, in an idle check, waits for the lock. The check is
     * held until the stop interrupts the wheel's thread, so it asks for the lock exactly while the release stops
     * the wheel: a release that stops under the lock joins, for ever, a thread that waits for that lock.
     */
    @Test
    void releaseStopsAWheelWhoseThreadWaitsForTheLock() throws Exception {
        CountDownLatch checking = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        AtomicReference<Thread> wheelThread = new AtomicReference<>();
        Runnable holdUntilStopped = () -> {
            wheelThread.set(Thread.currentThread());
            checking.countDown();
            try {
                released.await(10, TimeUnit.SECONDS); // until the stop interrupts this thread
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        };
        SharedDeadlineWheel held = new SharedDeadlineWheel(MS, IDLE_CHECK, new DefaultThreadFactory("deadlines", true),
                holdUntilStopped);
        held.acquire();
        held.newTimeout(timeout -> { }, 0);
        assertTrue(checking.await(5, TimeUnit.SECONDS), "no idle check");
        within("release()", () -> {
            held.release();
            return null;
        }, wheelThread.get());
        released.countDown();
        assertFalse(wheelThread.get().isAlive(), "release() returned before the wheel's thread ended");
        assertFalse(held.isRunning());
    }

    /** {@link io.netty.util.HashedWheelTimer#stop()} refuses the wheel's own thread: a release there still stops. */
    @Test
    void aReleaseOnTheWheelsOwnThreadStopsIt() throws Exception {
        SharedDeadlineWheel own = new SharedDeadlineWheel(MS, IDLE_CHECK);
        own.acquire();
        CompletableFuture<Thread> releasedOn = new CompletableFuture<>();
        own.newTimeout(timeout -> {
            own.release();
            releasedOn.complete(Thread.currentThread());
        }, 0);
        Thread thread = releasedOn.get(5, TimeUnit.SECONDS);
        assertFalse(own.isRunning());
        thread.join(5_000);
        assertFalse(thread.isAlive(), "the wheel's thread outlived the release of its last loop");
    }

    /**
     * A wheel whose thread fails to start (no native thread left) is not kept: the arm that started it fails with
     * that error, and the next arm, from another thread, starts a wheel that runs. Kept, it would make every later
     * arm wait for ever, under the lock, for a thread that never ran.
     */
    @Test
    void aWheelWhoseThreadFailedToStartIsNotKept() throws Exception {
        OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread: injected by the test");
        SharedDeadlineWheel failing = new SharedDeadlineWheel(MS, IDLE_CHECK, new FirstStartFails(noThread), () -> { });
        failing.acquire();
        assertSame(noThread, assertThrows(OutOfMemoryError.class, () -> failing.newTimeout(timeout -> { }, MS)));

        CountDownLatch fired = new CountDownLatch(1);
        within("the next arm", () -> failing.newTimeout(timeout -> fired.countDown(), MS));
        assertTrue(fired.await(5, TimeUnit.SECONDS), "the next arm's timeout did not fire");
        assertEquals(1, failing.starts(), "wheels started");
        within("release()", () -> {
            failing.release();
            return null;
        });
        assertFalse(failing.isRunning());
    }

    /** Threads whose first {@link Thread#start()} throws, as the JVM does when no native thread is left. */
    private static final class FirstStartFails implements ThreadFactory {
        private final OutOfMemoryError error;
        private final AtomicBoolean failed = new AtomicBoolean();

        FirstStartFails(OutOfMemoryError error) {
            this.error = error;
        }

        @Override
        public Thread newThread(Runnable task) {
            boolean fail = failed.compareAndSet(false, true);
            Thread thread = new Thread(task, "deadlines") {
                @Override
                public synchronized void start() {
                    if (fail) {
                        throw error;
                    }
                    super.start();
                }
            };
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Arms a timeout and returns the wheel thread it fired on. */
    private Thread fireOnce(long delayNanos) throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        wheel.newTimeout(timeout -> ranOn.complete(Thread.currentThread()), delayNanos);
        assertTrue(wheel.isRunning());
        return ranOn.get(5, TimeUnit.SECONDS);
    }

    private boolean awaitStopped() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (wheel.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return !wheel.isRunning();
    }

    /**
     * Runs {@code call} on a daemon thread (which a hang leaves behind) and fails, with the stacks of that thread and
     * of {@code alsoShow}, if it has not returned within 5 s.
     */
    private static <T> T within(String what, Callable<T> call, Thread... alsoShow) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread caller = new Thread(task, what);
        caller.setDaemon(true);
        caller.start();
        try {
            return task.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            StringBuilder stacks = new StringBuilder(what + " did not return within 5 s");
            for (Thread thread : concat(caller, alsoShow)) {
                stacks.append("\n\"").append(thread.getName()).append("\" ").append(thread.getState())
                        .append(Arrays.stream(thread.getStackTrace()).map(frame -> "\n\tat " + frame)
                                .collect(Collectors.joining()));
            }
            return fail(stacks.toString());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    private static List<Thread> concat(Thread first, Thread... rest) {
        List<Thread> all = new ArrayList<>(List.of(first));
        all.addAll(Arrays.asList(rest));
        return all;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
