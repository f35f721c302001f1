package io.gonetpoll.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task scheduled with a huge delay on a GoNetpoll loop (the GoNetpoll counterpart of the big-delay case of Netty's
 * {@code EpollEventLoopTest}, {@code testScheduleBigDelayNotOverflow}): the loop then waits until the task is due, a
 * timeout of centuries, which must neither overflow into an immediate or negative wait (a loop that spins) nor into a
 * failing {@code epoll_wait}/{@code epoll_pwait2} (a loop exception, logged, then a second's pause on every turn).
 * What must hold: the task does not run, the loop stays idle (its {@code epoll_wait} count does not race up over a
 * quiet second) yet responsive (a task from another thread runs in that second; a short task scheduled after the huge
 * one still fires), the huge task can be cancelled, and the loop logs no exception.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopBigDelayTest {
    /**
     * Waits over the quiet second: each wake-up costs one that returns early, each task run one more; a spinning loop
     * makes thousands.
     */
    private static final long MAX_WAITS_PER_QUIET_SECOND = 10;

    private final ListAppender<ILoggingEvent> loopLog = new ListAppender<>();
    private final Logger handlerLogger = (Logger) LoggerFactory.getLogger(GoNetpollIoHandler.class);
    private Level handlerLevel;

    @BeforeEach
    void captureLoopLog() {
        handlerLevel = handlerLogger.getLevel();
        handlerLogger.setLevel(Level.WARN);
        loopLog.start();
        handlerLogger.addAppender(loopLog);
    }

    @AfterEach
    void releaseLoopLog() {
        handlerLogger.detachAppender(loopLog);
        handlerLogger.setLevel(handlerLevel);
        loopLog.stop();
    }

    static Stream<Arguments> hugeDelays() {
        return Stream.of(
                Arguments.of(Long.MAX_VALUE, TimeUnit.NANOSECONDS),
                Arguments.of(Long.MAX_VALUE, TimeUnit.MILLISECONDS),
                Arguments.of((long) Integer.MAX_VALUE, TimeUnit.DAYS),
                Arguments.of(Long.MAX_VALUE / 2, TimeUnit.NANOSECONDS));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hugeDelays")
    void aHugeDelayNeitherFiresNorSpinsNorFails(long delay, TimeUnit unit) throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            EventLoop loop = group.next();
            ScheduledFuture<?> huge = loop.schedule(() -> { }, delay, unit);
            // A task run after the schedule: the loop has taken the huge task into its wait since.
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

            long waitsBefore = factory.counters().epollWaits();
            Thread.sleep(500);
            // The positive control: the loop is awake to a task from another thread within the quiet second.
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
            Thread.sleep(500);
            long waits = factory.counters().epollWaits() - waitsBefore;
            assertTrue(waits <= MAX_WAITS_PER_QUIET_SECOND, "epoll waits in a quiet second: " + waits
                    + " (the loop spins); " + factory.counters());
            assertFalse(huge.isDone(), "the task of a huge delay ran (or failed): " + huge.cause());

            ScheduledFuture<?> soon = loop.schedule(() -> { }, 50, TimeUnit.MILLISECONDS);
            assertTrue(soon.await(5, TimeUnit.SECONDS), "a short task scheduled after the huge one never ran");
            assertTrue(huge.cancel(false), "the huge task could not be cancelled");
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        assertEquals(List.of(), loopLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList(),
                "the loop logged warnings");
    }
}
