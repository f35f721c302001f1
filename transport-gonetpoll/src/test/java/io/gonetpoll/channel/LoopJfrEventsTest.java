package io.gonetpoll.channel;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The JFR events (issue 17, item 3), recorded with {@link Recording} and read back from the file: a stall event
 * with the loop, the stall's whole length and the loop's stack, and the periodic statistics of the loop.
 */
class LoopJfrEventsTest {
    @TempDir
    Path dir;

    @Test
    void aStallAndTheLoopsStatisticsAreRecorded() throws Exception {
        StallRecorder listener = new StallRecorder();
        GoNetpollIoHandlerFactory factory = StallDetectorTest.newFactory(100, listener);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try (Recording recording = new Recording()) {
            recording.enable("io.gonetpoll.LoopStall");
            recording.enable("io.gonetpoll.LoopStatistics").withPeriod(Duration.ofMillis(100));
            recording.start();
            EventLoop loop = group.next();
            String threadName = loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            long sleepMillis = 500;
            loop.execute(() -> StallDetectorTest.sleepInHandler(sleepMillis));
            // The event is committed before the listener hears of the end.
            GoNetpollStall slept = listener.awaitDetected(StallDetectorTest.class.getName(), "sleepInHandler").stall;
            listener.awaitEnded(slept);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Path file = dir.resolve("gonetpoll.jfr");
            for (;;) {
                recording.dump(file);
                List<RecordedEvent> events = RecordingFile.readAllEvents(file);
                // Only the sleep's: a cold JVM's first turns (class loading) may have been stalls too.
                List<RecordedEvent> stalls = named(events, "io.gonetpoll.LoopStall").stream()
                        .filter(e -> e.getString("loopStack").contains("StallDetectorTest.sleepInHandler"))
                        .collect(Collectors.toList());
                List<RecordedEvent> statistics = named(events, "io.gonetpoll.LoopStatistics").stream()
                        .filter(e -> threadName.equals(e.getString("loop"))).collect(Collectors.toList());
                boolean statisticsAfterTheStall = !statistics.isEmpty()
                        && statistics.get(statistics.size() - 1).getLong("stalls") >= 1;
                if (!stalls.isEmpty() && statisticsAfterTheStall) {
                    assertEquals(1, stalls.size(), stalls::toString);
                    RecordedEvent stall = stalls.get(0);
                    assertEquals(threadName, stall.getString("loop"));
                    assertTrue(stall.getDuration("stallDuration").toMillis() >= sleepMillis, stall::toString);
                    assertTrue(stall.getDuration("detectedAfter").toMillis() >= 100, stall::toString);
                    assertEquals(100, stall.getDuration("threshold").toMillis());
                    assertTrue(stall.getString("loopStack").contains("StallDetectorTest.sleepInHandler"),
                            stall::toString);
                    RecordedEvent last = statistics.get(statistics.size() - 1);
                    assertTrue(last.getLong("epollWaits") > 0, last::toString);
                    assertTrue(last.getLong("stalls") >= 1, last::toString);
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    fail("not recorded in 20 s: " + stalls.size() + " stall events, " + statistics.size()
                            + " statistics events of " + threadName);
                }
                Thread.sleep(50);
            }
        } finally {
            StallDetectorTest.shutdown(group);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }
}
