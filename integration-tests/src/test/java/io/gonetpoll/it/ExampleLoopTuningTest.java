package io.gonetpoll.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servers' {@code --spin-micros N} and {@code --busy-wait}, in child JVMs of the examples jar: where the
 * transport supports the option the server starts and echoes; everywhere else it exits with status 2 and an
 * error that names the option and the transport, before it listens.
 */
class ExampleLoopTuningTest {
    private static final long START_TIMEOUT_SECONDS = 60;

    @ParameterizedTest(name = "{0} --transport {1} {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "echo-server; gonetpoll; --spin-micros 50",
            "echo-server; gonetpoll; --busy-wait",
            "echo-server; epoll;     --busy-wait",
            "http;        gonetpoll; --spin-micros 1000000",
            "udp-echo-server; gonetpoll; --spin-micros 50",
            "udp-echo-server; gonetpoll; --busy-wait",
            "udp-echo-server; epoll;     --busy-wait",
    })
    void supportedTuningStartsAndServes(String example, String transport, String tuning) throws Exception {
        List<String> command = command(example, transport, tuning);
        try (ChildProcess server = ChildProcess.start(example + " " + tuning, command)) {
            boolean udp = example.equals("udp-echo-server");
            Matcher listening = server.awaitLine(udp ? UdpExamplesTest.LISTENING_UDP : ChildProcess.LISTENING,
                    START_TIMEOUT_SECONDS);
            assertEquals(transport, listening.group(3), server::output);
            if (example.equals("echo-server")) {
                echo(Integer.parseInt(listening.group(2)));
            } else if (udp) {
                echoDatagrams(Integer.parseInt(listening.group(2)));
            }
        }
    }

    @ParameterizedTest(name = "{0} --transport {1} {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "echo-server; nio;       --busy-wait;                 --busy-wait is not available with --transport nio",
            "echo-server; io_uring;  --busy-wait;                 --busy-wait is not available with --transport io_uring",
            "http;        nio;       --spin-micros 50;            --spin-micros is GoNetpoll's spin before parking, not available with --transport nio",
            "proxy;       io_uring;  --spin-micros 50;            --spin-micros is GoNetpoll's spin before parking, not available with --transport io_uring",
            "echo-server; epoll;     --spin-micros 50;            not available with --transport epoll (epoll has --busy-wait)",
            "echo-server; gonetpoll; --spin-micros 50 --busy-wait; --spin-micros and --busy-wait exclude each other",
            "echo-server; gonetpoll; --spin-micros -1;            --spin-micros must be between 0 and 1000000, not -1",
            "echo-server; gonetpoll; --spin-micros 1000001;       --spin-micros must be between 0 and 1000000, not 1000001",
            "echo-server; gonetpoll; --spin-micros fast;          --spin-micros must be a number, not 'fast'",
            "echo-client; gonetpoll; --busy-wait;                 unknown option --busy-wait",
            "udp-echo-server; nio;   --spin-micros 50;            --spin-micros is GoNetpoll's spin before parking, not available with --transport nio",
            "udp-echo-server; io_uring; --busy-wait;              --busy-wait is not available with --transport io_uring",
    })
    void unsupportedTuningIsAUsageError(String example, String transport, String tuning, String message)
            throws Exception {
        List<String> command = command(example, transport, tuning);
        if (example.equals("proxy")) {
            command.addAll(List.of("--remote-port", "9"));
        }
        try (ChildProcess server = ChildProcess.start(example + " " + tuning, command)) {
            assertEquals(2, server.awaitExit(START_TIMEOUT_SECONDS), server::output);
            assertTrue(server.output().contains("error: "), server::output);
            assertTrue(server.output().contains(message), server::output);
            assertFalse(server.stdout().contains("listening on"), server::output);
        }
    }

    private static List<String> command(String example, String transport, String tuning) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(), example,
                "--transport", transport, "--port", "0"));
        command.addAll(Arrays.asList(tuning.trim().split("\\s+")));
        return command;
    }

    /** One datagram at a time on loopback, each answered before the next is sent: none is dropped. */
    private static void echoDatagrams(int port) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            for (int i = 0; i < 50; i++) {
                byte[] request = {(byte) i, 'e', 'c', 'h', 'o'};
                socket.send(new DatagramPacket(request, request.length));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                socket.receive(reply);
                assertArrayEquals(request, Arrays.copyOf(reply.getData(), reply.getLength()));
            }
        }
    }

    private static void echo(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 50; i++) {
                byte[] request = {(byte) i, 'e', 'c', 'h', 'o'};
                out.write(request);
                assertArrayEquals(request, in.readNBytes(request.length));
            }
        }
    }
}
