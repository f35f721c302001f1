package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the suite started, pinned to one core with {@code taskset -c}. Its stdout and stderr (merged) go to
 * a file, not a pipe: what a JVM prints in its shutdown hook, just before it exits, was lost from the pipe
 * (the JDK drains and closes a child's pipe when it sees the exit, racing with a reader). The file keeps it.
 * {@code taskset} execs the command, so {@link #pid()} is the pid of the program itself (what /proc is read for).
 */
final class Child implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    final String commandLine;
    private final Process process;
    /** Where the output goes while the process runs; deleted once it has exited and been read. */
    private final Path outputFile;
    /** The whole output, once the process has exited; null before. */
    private List<String> finalLines;

    private Child(String commandLine, Process process, Path outputFile) {
        this.commandLine = commandLine;
        this.process = process;
        this.outputFile = outputFile;
    }

    static Child start(int core, List<String> command) throws IOException {
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core)));
        pinned.addAll(command);
        Path output = Files.createTempFile("gonetpoll-suite-child", ".log");
        Process process = new ProcessBuilder(pinned).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        return new Child(String.join(" ", pinned), process, output);
    }

    long pid() {
        return process.pid();
    }

    /** The first group of the first line matching {@code pattern}; fails with the output so far after a timeout. */
    String awaitLine(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            for (String line : lines()) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
            if (exited || System.nanoTime() > deadline) {
                throw new IOException("no line matching '" + pattern + "' from: " + commandLine
                        + (exited ? " (exited " + process.exitValue() + ")" : " in " + timeout) + "\n" + tail());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Waits for the process to exit on its own; kills it (and fails) if it overruns {@code timeout}. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop();
            throw new IOException("did not finish in " + timeout + ": " + commandLine + "\n" + tail());
        }
        return process.exitValue();
    }

    /** Sends a signal by name ({@code INT}, ...): Process can only send TERM and KILL itself. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        kill.waitFor();
    }

    /** SIGTERM (servers print their counters in a shutdown hook), then SIGKILL if it does not go. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        lines(); // reads the final output and removes the file
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The output so far (all of it once the process has exited). */
    synchronized List<String> lines() {
        if (finalLines != null) {
            return finalLines;
        }
        boolean exited = !process.isAlive();
        List<String> lines;
        try {
            lines = Files.readAllLines(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (exited) {
            finalLines = lines;
            try {
                Files.deleteIfExists(outputFile);
            } catch (IOException e) {
                // a stray temp file is harmless
            }
        }
        return lines;
    }

    String output() {
        return String.join("\n", lines());
    }

    private String tail() {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    }
}
