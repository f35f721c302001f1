package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * wrk with one thread (one core is all the load side has). Plain keep-alive needs no script: a Lua
 * {@code request()} would make wrk call into Lua per request and slow the load side further. Pipelining and
 * counted runs need one, written to the suite's scratch directory.
 */
final class WrkLoad implements Load {
    /** A counted run still has a time bound, in case the server stalls under the tracer. */
    private static final int COUNTED_RUN_LIMIT_SECONDS = 120;
    /** What the counted-run script prints once it has stopped the load (must match {@link #script}). */
    private static final java.util.regex.Pattern LIMIT_REACHED = java.util.regex.Pattern.compile("^limit reached");

    private final int connections;
    private final int pipelineDepth;
    private final boolean closeEachConnection;
    private final SuiteSettings settings;

    WrkLoad(SuiteSettings settings, int connections, int pipelineDepth, boolean closeEachConnection) {
        this.settings = settings;
        this.connections = connections;
        this.pipelineDepth = pipelineDepth;
        this.closeEachConnection = closeEachConnection;
    }

    @Override
    public String[] extraLabels() {
        // wrk times a pipelined batch as one, so its percentiles mean nothing there.
        return pipelineDepth > 1 ? new String[0] : new String[] {"p99 µs"};
    }

    @Override
    public LoadResult runFor(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        return run(server, seconds, 0);
    }

    @Override
    public LoadResult runCounted(ServerUnderTest server, long operations) throws IOException, InterruptedException {
        return run(server, COUNTED_RUN_LIMIT_SECONDS, operations);
    }

    @Override
    public void warmUp(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        run(server, seconds, 0);
    }

    private LoadResult run(ServerUnderTest server, int seconds, long limit) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                "--latency"));
        if (closeEachConnection) {
            // wrk opens a new connection after a response that says "Connection: close".
            command.addAll(List.of("-H", "Connection: close"));
        }
        if (pipelineDepth > 1 || limit > 0) {
            command.addAll(List.of("-s", script(limit).toString()));
        }
        command.add("http://127.0.0.1:" + server.port + "/");
        CpuWindow window = CpuWindow.open(server.pid());
        Child wrk = Child.start(SuiteSettings.LOAD_CORE, command);
        try (CpuSampler cpu = new CpuSampler(wrk.pid())) {
            if (limit > 0) {
                // wrk's main thread sleeps for the whole -d even after the Lua script stopped the load thread;
                // SIGINT wakes it, and it prints its summary as at the end of a timed run.
                wrk.awaitLine(LIMIT_REACHED, Duration.ofSeconds(seconds));
                wrk.signal("INT");
            }
            int exit = wrk.awaitExit(Duration.ofSeconds(seconds + 30L));
            WrkOutput out = WrkOutput.parse(wrk.lines());
            LoadResult result = new LoadResult(out.requests, out.requestsPerSecond, wrk.commandLine);
            window.close(result);
            if (pipelineDepth == 1) {
                result.extras.put("p99 µs", out.p99Micros);
            }
            result.loadCpuPercent = cpu.percent(0);
            result.problems = out.problems + (exit == 0 ? "" : " wrk exit " + exit);
            return result;
        }
    }

    private Path script(long limit) throws IOException {
        Path file = settings.scratch.resolve("wrk-depth" + pipelineDepth + "-limit" + limit + ".lua");
        if (Files.exists(file)) {
            return file;
        }
        StringBuilder lua = new StringBuilder()
                .append("-- written by the GoNetpoll benchmark suite\n")
                .append("local depth = ").append(pipelineDepth).append('\n')
                .append("local limit = ").append(limit).append('\n')
                .append("local done = 0\n")
                .append("init = function(args)\n")
                .append("  local r = {}\n")
                .append("  for i = 1, depth do r[i] = wrk.format(nil, \"/\") end\n")
                .append("  req = table.concat(r)\n")
                .append("end\n")
                .append("request = function() return req end\n");
        if (limit > 0) {
            lua.append("response = function(status, headers, body)\n")
                    .append("  done = done + 1\n")
                    .append("  if done == limit then\n")
                    .append("    wrk.thread:stop()\n")
                    .append("    io.write(\"limit reached\\n\")\n")
                    .append("    io.flush()\n")
                    .append("  end\n")
                    .append("end\n");
        }
        Files.writeString(file, lua, StandardCharsets.US_ASCII);
        return file;
    }
}
