package io.gonetpoll.benchmarks.suite;

import java.io.IOException;

/**
 * A load generator, run as its own process on the load core against {@code server}. The load also reads the
 * server's CPU time, because only it knows when its measurement window opens and closes.
 */
interface Load {
    /** Measures for {@code seconds} (after the generator's own warm-up, if it needs one). */
    LoadResult runFor(ServerUnderTest server, int seconds) throws IOException, InterruptedException;

    /** Runs until {@code operations} operations are done (for traced runs, where time is distorted). */
    LoadResult runCounted(ServerUnderTest server, long operations) throws IOException, InterruptedException;

    /** Load whose results are thrown away, to warm the server's JIT. */
    void warmUp(ServerUnderTest server, int seconds) throws IOException, InterruptedException;

    /** Extra figures this load reports, in the order of {@link LoadResult#extras}. */
    default String[] extraLabels() {
        return new String[0];
    }
}
