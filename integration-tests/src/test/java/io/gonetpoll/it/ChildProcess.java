package io.gonetpoll.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A child process whose stdout and stderr are drained by two daemon threads into memory (so it never blocks on a
 * full pipe), with a bounded wait for a line of its output. {@link #close()} always stops it, and every process
 * it started ({@code strace} -> {@code java}), first with SIGTERM, then with SIGKILL; then it fails if the child
 * printed a Netty leak report ({@code LEAK:}), so a leak in any child fails the test that closes it.
 */
public final class ChildProcess implements AutoCloseable {
    /** {@code listening on <host>:<port> transport=<t> threads=<n>}, printed by every examples server once bound. */
    public static final Pattern LISTENING = Pattern.compile("^listening on (\\S+):(\\d+) transport=(\\S+) threads=(\\d+)$");

    private static final long STOP_WAIT_SECONDS = 10;
    /** How Netty's leak detector starts every report, wherever a log format puts it on the line. */
    private static final String LEAK = "LEAK:";

    private final String description;
    private final Process process;
    /** Lines of stdout; guarded by itself, which is notified on every line and at end of stream. */
    private final List<String> stdout = new ArrayList<>();
    /** Set (under the {@code stdout} lock) once stdout reached end of stream. */
    private boolean stdoutClosed;
    private final StringBuilder stderr = new StringBuilder();
    private final List<Thread> drains = new ArrayList<>();

    private ChildProcess(String description, Process process) {
        this.description = description;
        this.process = process;
        drain(process.getInputStream(), description + " stdout", line -> {
            synchronized (stdout) {
                stdout.add(line);
                stdout.notifyAll();
            }
        }, () -> {
            synchronized (stdout) {
                stdoutClosed = true;
                stdout.notifyAll();
            }
        });
        drain(process.getErrorStream(), description + " stderr", line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        }, () -> { });
    }

    public static ChildProcess start(String description, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ChildProcess(description, builder.start());
    }

    /** The {@code java} of the JVM running the tests. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code examples/target/gonetpoll-examples.jar}, from the path the pom passes; fails if it is not built. */
    public static Path examplesJar() {
        String property = System.getProperty("gonetpoll.examples.jar");
        if (property == null) {
            fail("system property gonetpoll.examples.jar is not set: run the tests through Maven (the pom sets it)");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), () -> jar + " does not exist: build the examples first "
                + "(mvn -q install -DskipTests -pl transport-gonetpoll,examples)");
        return jar;
    }

    /** Waits at most {@code timeoutSeconds} for a stdout line matching {@code pattern}; fails with the output. */
    public Matcher awaitLine(Pattern pattern, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        int seen = 0;
        synchronized (stdout) {
            while (true) {
                for (; seen < stdout.size(); seen++) {
                    Matcher matcher = pattern.matcher(stdout.get(seen));
                    if (matcher.matches()) {
                        return matcher;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || stdoutClosed && seen == stdout.size()) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
        fail(description + ": no line matching '" + pattern + "' within " + timeoutSeconds + " s "
                + (process.isAlive() ? "(still running)" : "(exited with " + process.exitValue() + ")") + '\n'
                + output());
        throw new AssertionError("unreachable");
    }

    /** Writes one line to the process's stdin (a pipe) and flushes it. */
    public void sendLine(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + '\n').getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits at most {@code timeoutSeconds} for the process to exit and returns its exit code. */
    public int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            fail(description + " did not exit within " + timeoutSeconds + " s\n" + output());
        }
        return process.exitValue();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far, for failure messages. */
    public String output() {
        StringBuilder out = new StringBuilder("--- stdout of ").append(description).append(" ---\n");
        synchronized (stdout) {
            stdout.forEach(line -> out.append(line).append('\n'));
        }
        out.append("--- stderr ---\n");
        synchronized (stderr) {
            out.append(stderr);
        }
        return out.toString();
    }

    public String stdout() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    /**
     * SIGTERM to the process and its descendants; SIGKILL to whatever is still alive after a bounded wait. An
     * interrupt while waiting kills at once, and the thread stays interrupted. Then, once the output is read to its
     * end (bounded), fails with the whole output if it holds a leak report.
     */
    @Override
    public void close() {
        stop();
        awaitDrained();
        if (output().contains(LEAK)) {
            throw new AssertionError(description + " reported a leak (" + LEAK + " in its output)\n" + output());
        }
    }

    private void stop() {
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        // Children first: a tracer (strace) must not exit and leave its tracee running.
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        for (ProcessHandle handle : all) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            } catch (ExecutionException | TimeoutException e) {
                handle.destroyForcibly();
            }
        }
    }

    /** The drains end at end of stream, which the stopped process and its descendants no longer hold open. */
    private void awaitDrained() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        try {
            for (Thread drain : drains) {
                TimeUnit.NANOSECONDS.timedJoin(drain, Math.max(deadline - System.nanoTime(), 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(InputStream in, String name, Consumer<String> sink, Runnable atEnd) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException closed) {
                // The process was destroyed; what was read is kept.
            } finally {
                atEnd.run();
            }
        }, "drain " + name);
        thread.setDaemon(true);
        drains.add(thread);
        thread.start();
    }
}
