package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;

/**
 * Child JVM of {@link LoopConstructionFailureTest}: with direct memory capped below the event array's size,
 * makes a GoNetpoll loop (which fails) and prints the open fds before and after.
 */
public final class LoopConstructionFailureMain {
    private LoopConstructionFailureMain() {
    }

    public static void main(String[] args) throws Exception {
        GoNetpoll.ensureAvailability();
        // Load every class the attempt needs first, so class loading opens nothing between the counts.
        GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig().setMaxEventsPerWait(65536);
        Class.forName(MultiThreadIoEventLoopGroup.class.getName());
        long before = OpenFiles.count();
        String outcome;
        try {
            new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory(config)).shutdownGracefully();
            outcome = "constructed";
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            outcome = "failed: " + root;
        }
        System.out.println(outcome);
        System.out.println("fds before=" + before + " after=" + OpenFiles.count());
    }
}
