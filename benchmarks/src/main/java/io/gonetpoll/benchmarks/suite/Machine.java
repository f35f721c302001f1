package io.gonetpoll.benchmarks.suite;

import io.netty.util.Version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The facts a reader needs to compare these numbers with theirs, read off the machine when the suite starts. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> facts(SuiteSettings settings) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Date", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                .format(Instant.now()));
        facts.put("CPU", cpuModel() + ", " + cpuCount() + " cores (server on core " + SuiteSettings.SERVER_CORE
                + ", load on core " + SuiteSettings.LOAD_CORE + ")");
        facts.put("Kernel", run("uname", "-r"));
        facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        Version netty = Version.identify().get("netty-common");
        facts.put("Netty", netty == null ? "unknown" : netty.artifactVersion());
        facts.put("wrk", run("sh", "-c", "wrk -v 2>&1 | head -1"));
        facts.put("GoNetpoll", "commit " + run("git", "-C", settings.root.toString(), "rev-parse",
                "--short", "HEAD") + (run("git", "-C", settings.root.toString(), "status", "--porcelain",
                "--untracked-files=no").isEmpty() ? "" : " (with uncommitted changes)"));
        facts.put("Load average at start", loadAverage());
        return facts;
    }

    /**
     * 1, 5 and 15 minute load averages from /proc/loadavg: on a shared machine, other tenants' work shows here
     * (the suite itself keeps about 2 runnable), and explains runs that are slower than their neighbours.
     */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        return cpuinfo().stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }

    private static long cpuCount() {
        return cpuinfo().stream().filter(l -> l.startsWith("processor")).count();
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
