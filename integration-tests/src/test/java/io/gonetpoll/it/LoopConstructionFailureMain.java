package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Child JVM of {@link LoopConstructionFailureTest}: with direct memory capped below the event array's size,
 * makes a GoNetpoll loop (which fails) and prints the open fds and the direct memory in use before and after (the
 * latter only where Netty uses Unsafe, see below).
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
        long directBefore = directMemoryUsed();
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
        if (PlatformDependent.hasUnsafe()) {
            System.out.println("direct before=" + directBefore + " after=" + directMemoryUsed());
        } else {
            // Netty without Unsafe (its default on JDK 24 and later) keeps an IovArray's memory after release():
            // seen on 4.2.17-4.2.20 on JDK 25, even after a GC. Not a reading of what GoNetpoll freed.
            System.out.println("direct not measurable: Netty has no Unsafe");
        }
    }

    /**
     * The JDK's count of direct buffers plus Netty's own count. Netty may count a buffer the JDK counts as well
     * (the 16 KiB IovArray showed up as 32 KiB); only the difference between two readings matters here.
     */
    private static long directMemoryUsed() {
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                jdk = pool.getMemoryUsed();
            }
        }
        return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
    }
}
