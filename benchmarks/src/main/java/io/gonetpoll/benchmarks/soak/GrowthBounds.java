package io.gonetpoll.benchmarks.soak;

/**
 * How much the soak server may grow after its warm-up, compared with the sample that ended the warm-up. Each
 * bound is wide enough for what a healthy server does under {@link SoakLoad} and narrow enough that a leak of one
 * thing per connection crosses it within minutes, at the hundreds of connections a second the load opens:
 * <ul>
 *   <li>fds: {@value #FDS} more. Each of the load's workers holds one connection at a time ({@link SoakLoad}), and
 *   a relayed one costs the server two fds: a larger difference is fds that were not closed.</li>
 *   <li>threads: {@value #THREADS} more. After start-up the server starts threads only on demand, and they end
 *   when idle: the deadline wheel's, Netty's {@code GlobalEventExecutor}.</li>
 *   <li>heap after a full collection: {@value #HEAP_MIB} MiB more. The live set is the loops, the pools' caches
 *   and what is in flight, none of which grows with time.</li>
 * </ul>
 */
final class GrowthBounds {
    static final long FDS = 32;
    static final int THREADS = 4;
    static final long HEAP_MIB = 32;

    private GrowthBounds() {
    }

    /** What grew beyond its bound since {@code baseline}, or {@code null}. */
    static String exceeded(ServerSample baseline, ServerSample now) {
        if (now.fds > baseline.fds + FDS) {
            return "open fds grew from " + baseline.fds + " to " + now.fds + " (bound +" + FDS + ")";
        }
        if (now.threads > baseline.threads + THREADS) {
            return "threads grew from " + baseline.threads + " to " + now.threads + " (bound +" + THREADS + ")";
        }
        if (now.heapAfterGc > baseline.heapAfterGc + (HEAP_MIB << 20)) {
            return "heap after GC grew from " + ServerSample.mib(baseline.heapAfterGc) + " to "
                    + ServerSample.mib(now.heapAfterGc) + " (bound +" + HEAP_MIB + "MiB)";
        }
        return null;
    }
}
