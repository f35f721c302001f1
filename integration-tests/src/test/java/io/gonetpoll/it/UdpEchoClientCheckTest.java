package io.gonetpoll.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code udp-echo-client} reports what the benchmarks read from it, so its counts must be right. A plain JDK echo
 * socket misbehaves once, on the 5th datagram (sequence number 5) of 20: drops it (the client counts one loss
 * after its timeout), holds it back until the 6th arrives (one loss, and one late echo), or changes its byte 40
 * (the client fails, naming the datagram and the byte). Without a fault, 20 round trips and nothing lost.
 */
class UdpEchoClientCheckTest {
    private static final Pattern RESULT = Pattern.compile("^udp-echo-client .* round-trips=(\\d+) round-trips/s=\\d+ "
            + "lost=(\\d+) late=(\\d+) stray=0 .* result=(\\S+)$");
    private static final int MESSAGES = 20;
    private static final long FAULTY = 5;
    private static final int CORRUPT_BYTE = 40;

    enum Fault { NONE, DROP, LATE, CORRUPT }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void clientCountsWhatHappened(Fault fault) throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread thread = new Thread(() -> serve(echo, fault), "faulty udp echo");
            thread.setDaemon(true);
            thread.start();
            List<String> command = List.of(ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid",
                    "-jar", ChildProcess.examplesJar().toString(), "udp-echo-client", "--transport", "nio",
                    "--port", String.valueOf(echo.getLocalPort()), "--senders", "1", "--messages",
                    String.valueOf(MESSAGES), "--message-size", "100", "--timeout-millis", "1000");
            try (ChildProcess client = ChildProcess.start("udp-echo-client", command)) {
                int exit = client.awaitExit(60);
                Matcher result = client.awaitLine(RESULT, 10);
                if (fault == Fault.CORRUPT) {
                    assertEquals(1, exit, client::output);
                    assertEquals("FAILED", result.group(4), client::output);
                    assertTrue(client.output().contains("echo mismatch in datagram " + FAULTY + " of sender 0 at byte "
                            + CORRUPT_BYTE + " "), client::output);
                    return;
                }
                assertEquals(0, exit, client::output);
                assertEquals("ok", result.group(4), client::output);
                long lost = fault == Fault.NONE ? 0 : 1;
                assertEquals(MESSAGES - lost, Long.parseLong(result.group(1)), client::output);
                assertEquals(lost, Long.parseLong(result.group(2)), client::output);
                assertEquals(fault == Fault.LATE ? 1 : 0, Long.parseLong(result.group(3)), client::output);
            }
        }
    }

    /** Echoes until the socket is closed, with {@code fault} applied to datagram {@link #FAULTY}. */
    private static void serve(DatagramSocket socket, Fault fault) {
        byte[] buffer = new byte[2048];
        DatagramPacket held = null;
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer.clone(), buffer.length);
                socket.receive(packet);
                long sequence = sequence(packet);
                if (sequence == FAULTY && fault == Fault.DROP) {
                    continue;
                }
                if (sequence == FAULTY && fault == Fault.LATE) {
                    held = packet;
                    continue;
                }
                if (sequence == FAULTY && fault == Fault.CORRUPT) {
                    packet.getData()[CORRUPT_BYTE]++;
                }
                if (held != null) {
                    socket.send(held);
                    held = null;
                }
                socket.send(packet);
            }
        } catch (SocketException closed) {
            // the test is over
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client's header: the count of the sequence number, big-endian, in bytes 4-7 (0-3: the run's tag). */
    private static long sequence(DatagramPacket packet) {
        long sequence = 0;
        for (int i = 4; i < 8; i++) {
            sequence = sequence << 8 | (packet.getData()[i] & 0xff);
        }
        return sequence;
    }
}
