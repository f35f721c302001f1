package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A running example server (pinned to the server core), and for the proxy also its backend echo server (on
 * the load core, Netty epoll, the same for every transport under test).
 */
final class ServerUnderTest implements AutoCloseable {
    /** What the examples' servers print once bound to a port ({@code udp:} before a UDP server's host). */
    private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+) transport=");
    /** ... and to a Unix-domain socket. */
    private static final Pattern LISTENING_UDS = Pattern.compile("listening on unix:(\\S+) transport=");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Servers started so far, for unique socket paths. */
    private static final AtomicInteger STARTS = new AtomicInteger();

    final Child server;
    /** The server's TCP or UDP port; 0 when it listens on {@link #uds}. */
    final int port;
    /** The path of the server's Unix-domain socket; null when it listens on {@link #port}. */
    final String uds;
    private final Child backend;

    /** Started under a wrapper (strace): the process {@link #server} is not the server itself. */
    private final boolean wrapped;

    private ServerUnderTest(Child server, int port, String uds, Child backend, boolean wrapped) {
        this.server = server;
        this.port = port;
        this.uds = uds;
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

    static ServerUnderTest start(SuiteSettings settings, ServerPlan plan, String transport)
            throws IOException, InterruptedException {
        return start(settings, plan, transport, List.of());
    }

    /**
     * {@code wrapper} runs the server (e.g. {@code strace ... --}); then {@link #pid()} is the wrapper's, and its
     * CPU figures are not the server's.
     */
    static ServerUnderTest start(SuiteSettings settings, ServerPlan plan, String transport, List<String> wrapper)
            throws IOException, InterruptedException {
        Child backend = null;
        List<String> extra = new ArrayList<>(plan.serverArgs.apply(transport));
        if (plan.subcommand.equals("proxy")) {
            backend = Child.start(SuiteSettings.LOAD_CORE, example(settings, "echo-server", "epoll",
                    List.of("--port", "0")));
            extra.addAll(List.of("--remote-port", backend.awaitLine(LISTENING, START_TIMEOUT)));
        }
        // A path of its own per start: a server that had to be killed leaves its socket file behind, and NIO's
        // bind, unlike the native transports', does not replace an existing file.
        List<String> address = plan.address == ServerPlan.Address.UDS
                ? List.of("--uds", settings.scratch.resolve(plan.name + "-" + transport + "-"
                        + STARTS.incrementAndGet() + ".sock").toString())
                : List.of("--port", "0");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(example(settings, plan.subcommand, transport, address));
        command.addAll(extra);
        Child server = Child.start(SuiteSettings.SERVER_CORE, command);
        try {
            if (plan.address == ServerPlan.Address.UDS) {
                String path = server.awaitLine(LISTENING_UDS, START_TIMEOUT);
                return new ServerUnderTest(server, 0, path, backend, !wrapper.isEmpty());
            }
            int port = Integer.parseInt(server.awaitLine(LISTENING, START_TIMEOUT));
            return new ServerUnderTest(server, port, null, backend, !wrapper.isEmpty());
        } catch (IOException | RuntimeException e) {
            server.stop();
            if (backend != null) {
                backend.stop();
            }
            throw e;
        }
    }

    private static List<String> example(SuiteSettings settings, String subcommand, String transport,
                                        List<String> address) {
        List<String> command = settings.java(SuiteSettings.SERVER_JVM_OPTIONS.toArray(new String[0]));
        command.addAll(List.of("-jar", settings.examplesJar.toString(), subcommand, "--transport", transport));
        command.addAll(address);
        return command;
    }

    /** The load generator's arguments that say where the server is: {@code --port P} or {@code --uds PATH}. */
    List<String> addressArgs() {
        return uds != null ? List.of("--uds", uds) : List.of("--port", Integer.toString(port));
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
