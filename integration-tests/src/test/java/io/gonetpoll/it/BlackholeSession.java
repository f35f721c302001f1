package io.gonetpoll.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Netty's testsuite "bad host" for the whole test JVM: a {@link BlackholeListener} on a port the kernel picks,
 * open from the start of the JUnit launcher session to its end, whose address this sets as
 * {@code io.netty.testsuite.badHost} and {@code io.netty.testsuite.badPort} (docs/testing.md#nettys-testsuite).
 *
 * <p>Netty reads those properties once, when {@code SocketTestPermutation} is initialised, which happens with
 * the first testsuite class that runs, whichever it is; the JUnit platform opens the session, and so calls this
 * listener (registered in {@code META-INF/services}), before it loads any test class. A port chosen at run time
 * cannot collide with another build or test on the same machine, and the listener keeps it taken for as long as
 * Netty may connect to it.
 */
public final class BlackholeSession implements LauncherSessionListener {
    private static volatile BlackholeListener blackhole;

    /** The black hole's port; fails if no session opened it. */
    public static int port() {
        BlackholeListener open = blackhole;
        if (open == null) {
            throw new IllegalStateException("no black hole: " + BlackholeSession.class.getName()
                    + " runs when a JUnit launcher session opens (META-INF/services)");
        }
        return open.port();
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            BlackholeListener open = BlackholeListener.open();
            blackhole = open;
            System.setProperty("io.netty.testsuite.badHost", "127.0.0.1");
            System.setProperty("io.netty.testsuite.badPort", Integer.toString(open.port()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the black hole for Netty's testsuite", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        BlackholeListener open = blackhole;
        blackhole = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
