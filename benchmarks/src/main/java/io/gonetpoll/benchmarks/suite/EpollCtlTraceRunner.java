package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code epoll_ctl} calls per operation with nothing else traced: each server starts under
 * {@code strace -f --seccomp-bpf -e trace=epoll_ctl}, so the kernel stops it only at {@code epoll_ctl} and every
 * other syscall runs at full speed. The full trace of {@link StraceRunner} slows the server so much that who
 * waits for whom changes: in a backpressure scenario (d) the traced server is no longer faster than its reader,
 * its writes stop backing up, and the interest changes they cause on epoll vanish from the count. This count is
 * taken where the server runs as it does untraced. (The tracer cannot attach this way to a running process,
 * hence a server start of its own.)
 */
final class EpollCtlTraceRunner {
    private static final long SETTLE_MILLIS = 300;

    private final SuiteSettings settings;
    private final Results results;

    EpollCtlTraceRunner(SuiteSettings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    void run(List<ServerPlan> plans) throws InterruptedException {
        TracedRuns.forEach(plans, results, "epoll_ctl trace", (transport, traced) -> {
            // In the scratch directory, which the suite deletes at the end.
            Path file = settings.scratch.resolve("epoll-ctl-" + traced.name + "-" + transport + ".txt");
            List<String> strace = List.of("strace", "-f", "--seccomp-bpf", "-e", "trace=epoll_ctl",
                    "-o", file.toString(), "--");
            try (ServerUnderTest server = ServerUnderTest.start(settings, traced, transport, strace)) {
                results.command("epoll_ctl-only trace", server.server.commandLine);
                InterleavedRunner.warmUp(server, traced, settings.straceWarmupSeconds);
                for (Scenario scenario : traced.scenarios) {
                    count(server, scenario, transport, file);
                }
            }
        });
    }

    /** The calls made while {@code scenario} ran: the trace's count after it minus the count before. */
    private void count(ServerUnderTest server, Scenario scenario, String transport, Path file)
            throws IOException, InterruptedException {
        Thread.sleep(SETTLE_MILLIS); // the warm-up's (or previous scenario's) closes reach the file first
        StraceSummary before = StraceSummary.parseLines(file);
        LoadResult load = scenario.load.runCounted(server, scenario.tracedOperations);
        Thread.sleep(SETTLE_MILLIS);
        StraceSummary after = StraceSummary.parseLines(file);
        StraceSummary during = after.epollCtlSince(before);
        SyscallSample sample = new SyscallSample(scenario, transport, load.operations, during, load.rate);
        results.epollCtl.add(sample);
        Log.info(String.format("epoll_ctl-only trace %-12s %-9s %,.0f %s: epoll_ctl %d (ADD %d MOD %d DEL %d), "
                        + "%.2f per %s, %,.0f %s under the trace%s", scenario.id, transport, load.operations,
                scenario.operation, during.total, during.epollCtlAdd, during.epollCtlMod, during.epollCtlDel,
                sample.perOperation(during.total), scenario.operation, load.rate, scenario.unit,
                load.problems.isEmpty() ? "" : "  " + load.problems));
    }
}
