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

    private ServerUnderTest(Child server, int port, Child backend) {
        this.server = server;
        this.port = port;
        this.backend = backend;
    }

    long pid() {
        return server.pid();
    }

    static ServerUnderTest start(SuiteSettings settings, String subcommand, String transport)
            throws IOException, InterruptedException {
        Child backend = null;
        List<String> extra = new ArrayList<>();
        if (subcommand.equals("proxy")) {
            backend = Child.start(SuiteSettings.LOAD_CORE, example(settings, "echo-server", "epoll"));
            extra.addAll(List.of("--remote-port", backend.awaitLine(LISTENING, START_TIMEOUT)));
        }
        List<String> command = example(settings, subcommand, transport);
        command.addAll(extra);
        Child server = Child.start(SuiteSettings.SERVER_CORE, command);
        try {
            int port = Integer.parseInt(server.awaitLine(LISTENING, START_TIMEOUT));
            return new ServerUnderTest(server, port, backend);
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
        server.stop();
        if (backend != null) {
            backend.stop();
        }
    }
}
