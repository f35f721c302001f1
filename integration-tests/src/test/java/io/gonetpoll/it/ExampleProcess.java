package io.gonetpoll.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server from {@code examples/target/gonetpoll-examples.jar} in a child JVM (optionally under a wrapper such
 * as strace), started on a free port; {@link #port()} is read from its "listening on" line. Closing it
 * destroys the process tree and waits for it.
 */
final class ExampleProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+) ");

    private final Process process;
    private final int port;
    private final List<String> output = new ArrayList<>();

    private ExampleProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path examplesJar() {
        Path jar = Path.of(System.getProperty("gonetpoll.examples.jar", "../examples/target/gonetpoll-examples.jar"));
        assertTrue(Files.isRegularFile(jar), "examples jar not built: " + jar.toAbsolutePath()
                + " (run `mvn install` from the repository root)");
        return jar;
    }

    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dio.netty.leakDetection.level=paranoid");
        command.add("-jar");
        command.add(examplesJar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code wrapper + java -jar examples.jar args} and waits (bounded) until it listens. */
    static ExampleProcess start(List<String> wrapper, String... args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(javaCommand(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // The process went away.
            }
            port.completeExceptionally(new IllegalStateException("exited before listening: " + lines));
        }, "example-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ExampleProcess example = new ExampleProcess(process, port.get(60, TimeUnit.SECONDS));
            example.output.addAll(lines);
            return example;
        } catch (Exception e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Runs a command to completion (bounded) and returns its exit code and output. */
    static Result run(List<String> command, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }

    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM first: the example shuts its loops down and, under strace, strace flushes its output.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
