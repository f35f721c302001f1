package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every plan's scenarios on every transport, interleaved, each run starting each transport's server afresh,
 * so slow drifts of the machine (other tenants, thermal) spread over all transports alike. The order rotates
 * from run to run (A B C D, B C D A, C D A B, ...): with a fixed order the first transport was always measured
 * right after a different plan's servers and the last always after three others, and an A/B of plain HTTP in
 * the opposite order turned GoNetpoll's 0.89x of epoll in the suite into 1.03x (docs/benchmarks/analysis.md).
 */
final class InterleavedRunner {
    private final SuiteSettings settings;
    private final Results results;

    InterleavedRunner(SuiteSettings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    void run(List<ServerPlan> plans) throws InterruptedException {
        for (int run = 1; run <= settings.runs; run++) {
            for (ServerPlan plan : plans) {
                for (String transport : rotated(SuiteSettings.TRANSPORTS, run - 1)) {
                    try {
                        measure(plan, transport, run);
                    } catch (IOException | RuntimeException e) {
                        String failure = "run " + run + " " + plan.name + " " + transport + ": " + e.getMessage();
                        results.failures.add(failure);
                        Log.info("FAILED " + failure);
                    }
                }
            }
        }
    }

    /** {@code list} rotated left by {@code by}: run 1 keeps the order, run 2 starts with the second, ... */
    static List<String> rotated(List<String> list, int by) {
        List<String> rotated = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            rotated.add(list.get((i + by) % list.size()));
        }
        return rotated;
    }

    private void measure(ServerPlan plan, String transport, int run) throws IOException, InterruptedException {
        try (ServerUnderTest server = ServerUnderTest.start(settings, plan, transport)) {
            results.command("server " + plan.name, server.server.commandLine);
            warmUp(server, plan, settings.warmupSeconds);
            for (Scenario scenario : plan.scenarios) {
                LoadResult load = scenario.load.runFor(server, settings.measureSeconds);
                Sample sample = new Sample(scenario, transport, run, load);
                results.samples.add(sample);
                results.command("load " + scenario.id, load.commandLine);
                Log.info(String.format("run %d %-12s %-9s %,12.0f %s  server %.2f µs/%s %.0f%%  load-gen %.0f%%  "
                                + "others %.0f%%%s", run, scenario.id, transport, load.rate, scenario.unit,
                        sample.serverCpuMicrosPerOperation(), scenario.operation, load.serverCpuPercent,
                        load.loadCpuPercent, load.otherCpuPercent(), load.problems.isEmpty() ? "" : "  " + load.problems));
            }
        }
    }

    /**
     * At least {@code seconds} of load before anything is measured, shared among the plan's scenarios so
     * each one's code path is compiled. Results are thrown away.
     */
    static void warmUp(ServerUnderTest server, ServerPlan plan, int seconds) throws IOException, InterruptedException {
        int share = Math.max(1, (seconds + plan.scenarios.size() - 1) / plan.scenarios.size());
        for (Scenario scenario : plan.scenarios) {
            scenario.load.warmUp(server, share);
        }
    }
}
