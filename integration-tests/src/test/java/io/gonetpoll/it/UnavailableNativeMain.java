package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;

/**
 * Run in a child JVM where GoNetpoll cannot work (see {@link UnavailableNativeTest}): prints what a user would
 * see when creating a GoNetpoll loop there. Exit 0: it failed as it should, with the cause reported by
 * {@link GoNetpoll#unavailabilityCause()}; exit 1: anything else.
 */
public final class UnavailableNativeMain {
    private UnavailableNativeMain() {
    }

    public static void main(String[] args) {
        System.out.println("available=" + GoNetpoll.isAvailable());
        Throwable cause = GoNetpoll.unavailabilityCause();
        System.out.println("unavailabilityCause=" + cause);
        try {
            new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory()).shutdownGracefully();
            System.out.println("created a loop");
            System.exit(1);
        } catch (Throwable t) {
            System.out.println("thrown=" + t);
            System.out.println("causeIsUnavailabilityCause=" + (cause != null && t.getCause() == cause));
            System.exit(cause != null && t.getCause() == cause ? 0 : 1);
        }
    }
}
