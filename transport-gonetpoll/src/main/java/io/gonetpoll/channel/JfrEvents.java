package io.gonetpoll.channel;

import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GoNetpoll's JFR events, in Netty's style ({@code @Category("Netty")}, names under {@code io.gonetpoll}):
 * {@link StallEvent} when a stall ends, and {@link LoopStatisticsEvent}, periodic, one per live loop. This class
 * names no {@code jdk.jfr} type, so it loads where JFR is missing (a jlinked image without {@code jdk.jfr}, or the
 * module path without {@code --add-modules jdk.jfr}); then it does nothing.
 *
 * <p>The periodic hook is added only once JFR has started (a listener is told), so an application that never
 * records pays nothing for it per period. Adding the listener loads part of JFR's internals (tens of milliseconds
 * on a busy 2-core host), so it is done once, on Netty's global executor, not on the thread that makes the first
 * loop. Loops are known here from creation to destruction.
 */
final class JfrEvents {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(JfrEvents.class);
    private static final boolean AVAILABLE = probe();
    private static final Set<GoNetpollIoHandler> LOOPS = ConcurrentHashMap.newKeySet();
    /** Guarded by the class. */
    private static boolean listening;

    private JfrEvents() {
    }

    private static boolean probe() {
        try {
            Class.forName("jdk.jfr.FlightRecorder", false, JfrEvents.class.getClassLoader());
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    static boolean isAvailable() {
        return AVAILABLE;
    }

    static void loopCreated(GoNetpollIoHandler loop) {
        if (!AVAILABLE) {
            return;
        }
        LOOPS.add(loop);
        synchronized (JfrEvents.class) {
            if (!listening) {
                listening = true;
                GlobalEventExecutor.INSTANCE.execute(() -> {
                    try {
                        JfrSupport.addStatisticsHookWhenRecording();
                    } catch (Throwable t) {
                        logger.debug("JFR statistics of GoNetpoll loops are not available", t);
                    }
                });
            }
        }
    }

    static void loopDestroyed(GoNetpollIoHandler loop) {
        LOOPS.remove(loop);
    }

    /** Loops alive now, for the periodic event. */
    static Set<GoNetpollIoHandler> loops() {
        return LOOPS;
    }

    static void stallEnded(GoNetpollStall stall, long lengthNanos) {
        if (AVAILABLE) {
            JfrSupport.commitStall(stall, lengthNanos);
        }
    }
}
