package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Syscalls per operation for the scenarios that ask for them (a, d, e, i-m): a separate, fixed-count run per
 * transport with {@code strace -f -C} attached to the warmed server (all its threads). Tracing stops the
 * process at every syscall, so rates under the tracer are not results; only the counts are.
 */
final class StraceRunner {
    /** Time for strace to attach to every thread of the JVM before the load starts. */
    private static final long ATTACH_MILLIS = 700;

    private final SuiteSettings settings;
    private final Results results;

    StraceRunner(SuiteSettings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    void run(List<ServerPlan> plans) throws InterruptedException {
        TracedRuns.forEach(plans, results, "strace", (transport, traced) -> {
            try (ServerUnderTest server = ServerUnderTest.start(settings, traced, transport)) {
                InterleavedRunner.warmUp(server, traced, settings.straceWarmupSeconds);
                for (Scenario scenario : traced.scenarios) {
                    trace(server, scenario, transport);
                }
            }
        });
    }

    private void trace(ServerUnderTest server, Scenario scenario, String transport)
            throws IOException, InterruptedException {
        Path file = settings.scratch.resolve("strace-" + scenario.id + "-" + transport + ".txt");
        Child strace = Child.start(SuiteSettings.LOAD_CORE,
                List.of("strace", "-f", "-C", "-o", file.toString(), "-p", Long.toString(server.pid())));
        LoadResult load;
        try {
            Thread.sleep(ATTACH_MILLIS);
            load = scenario.load.runCounted(server, scenario.tracedOperations);
        } finally {
            strace.stop(); // SIGTERM: strace detaches and appends the summary table
        }
        results.command("strace", strace.commandLine);
        results.command("traced load " + scenario.id, load.commandLine);
        StraceSummary summary = StraceSummary.parse(file);
        Files.deleteIfExists(file);
        SyscallSample sample = new SyscallSample(scenario, transport, load.operations, summary, load.rate);
        results.syscalls.add(sample);
        Log.info(String.format("strace %-12s %-9s %,.0f %s: %.2f syscalls/%s, epoll_ctl %d (MOD %d)%s",
                scenario.id, transport, load.operations, scenario.operation, sample.perOperation(summary.total),
                scenario.operation, summary.calls("epoll_ctl"), summary.epollCtlMod,
                load.problems.isEmpty() ? "" : "  " + load.problems));
    }
}
