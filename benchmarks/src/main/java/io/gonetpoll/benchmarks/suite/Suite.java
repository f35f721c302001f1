package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code suite [--quick] [--runs N] [--only a,b,..] [--no-strace] [--out DIR]}: runs benchmark scenarios a-g of
 * issue 5, h (issue 18: spinning and busy-waiting loops beside the default ones), and the UDP (i, j) and
 * Unix-domain (k, l, m) ones, on every transport and writes {@code REPORT.md} and its PNG charts into
 * {@code docs/benchmarks}.
 * {@code benchmarks/run.sh} builds the jars and installs wrk and strace first, then calls this.
 */
public final class Suite {
    private Suite() {
    }

    public static void run(String[] args) throws Exception {
        SuiteSettings settings;
        try {
            settings = SuiteSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("suite: " + e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        Map<String, String> machine = Machine.facts(settings);
        Log.info("GoNetpoll benchmark suite" + (settings.quick ? " (quick smoke run)" : "") + ": " + machine);
        Results results = new Results();
        try {
            List<ServerPlan> plans = Scenarios.plans(settings).stream().map(p -> p.selected(settings))
                    .filter(p -> !p.scenarios.isEmpty()).collect(Collectors.toList());
            new InterleavedRunner(settings, results).run(plans);
            if (settings.strace) {
                new StraceRunner(settings, results).run(plans);
                new EpollCtlTraceRunner(settings, results).run(plans);
            }
            if (settings.includes("g")) {
                new IdleTimeoutRunner(settings, results).run();
            }
            if (settings.includes("h")) {
                new SpinRunner(settings, results).run();
            }
            Files.createDirectories(settings.outDir);
            Path report = settings.outDir.resolve("REPORT.md");
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            new ReportWriter(settings, results, machine).write(report, new ChartWriter(settings.outDir, results),
                    elapsed);
            Log.info("wrote " + report + " (" + elapsed + " s)" + (results.failures.isEmpty() ? ""
                    : "; " + results.failures.size() + " failed run(s), listed in the report"));
        } finally {
            deleteRecursively(settings.scratch);
        }
        if (!results.failures.isEmpty()) {
            System.exit(1);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
