package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A running example server (pinned to the server core), and for the proxy also its backend echo server (on
 * the load core, Netty epoll, the same for every transport under test).
 */
final class ServerUnderTest implements AutoCloseable {
    /** What {@code Servers.serve} in the examples prints once bound. */
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+) transport=");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    final Child server;
    final int port;
    private final Child backend;

    /** Started under a wrapper (strace): the process {@link #server} is not the server itself. */
    private final boolean wrapped;

    private ServerUnderTest(Child server, int port, Child backend, boolean wrapped) {
        this.server = server;
        this.port = port;
        this.backend = backend;
        this.wrapped = wrapped;
    }

    /** The server's pid: under a wrapper, the wrapper's child (strace forks the server and traces it). */
    long pid() {
        if (!wrapped) {
            return server.pid();
        }
        return ProcessHandle.of(server.pid()).flatMap(h -> h.children().findFirst()).map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("the wrapped server is gone: " + server.commandLine));
    }

    static ServerUnderTest start(SuiteSettings settings, String subcommand, String transport)
            throws IOException, InterruptedException {
        return start(settings, subcommand, transport, List.of());
    }

    /**
     * {@code wrapper} runs the server (e.g. {@code strace ... --}); then {@link #pid()} is the wrapper's, and its
     * CPU figures are not the server's.
     */
    static ServerUnderTest start(SuiteSettings settings, String subcommand, String transport, List<String> wrapper)
            throws IOException, InterruptedException {
        return start(settings, subcommand, transport, wrapper, List.of());
    }

    /** With {@code serverOptions} added to the example's command line (e.g. {@code --busy-wait}). */
    static ServerUnderTest start(SuiteSettings settings, String subcommand, String transport, List<String> wrapper,
                                 List<String> serverOptions) throws IOException, InterruptedException {
        Child backend = null;
        List<String> extra = new ArrayList<>();
        if (subcommand.equals("proxy")) {
            backend = Child.start(SuiteSettings.LOAD_CORE, example(settings, "echo-server", "epoll"));
            extra.addAll(List.of("--remote-port", backend.awaitLine(LISTENING, START_TIMEOUT)));
        }
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(example(settings, subcommand, transport));
        command.addAll(serverOptions);
        command.addAll(extra);
        Child server = Child.start(SuiteSettings.SERVER_CORE, command);
        try {
            int port = Integer.parseInt(server.awaitLine(LISTENING, START_TIMEOUT));
            return new ServerUnderTest(server, port, backend, !wrapper.isEmpty());
        } catch (IOException | RuntimeException e) {
            server.stop();
            if (backend != null) {
                backend.stop();
            }
            throw e;
        }
    }

    private static List<String> example(SuiteSettings settings, String subcommand, String transport) {
        List<String> command = settings.java(SuiteSettings.SERVER_JVM_OPTIONS.toArray(new String[0]));
        command.addAll(List.of("-jar", settings.examplesJar.toString(), subcommand, "--transport", transport,
                "--port", "0"));
        return command;
    }

    @Override
    public void close() throws InterruptedException {
        if (wrapped) {
            // strace ignores SIGTERM while its command runs (and would leave the server running if it died):
            // stop the server, and the tracer exits with it.
            ProcessHandle.of(server.pid()).ifPresent(h -> h.children().forEach(ProcessHandle::destroy));
        }
        server.stop();
        if (backend != null) {
            backend.stop();
        }
    }
}
