package io.gonetpoll.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code echo-client} load generator checks every byte it gets back; the benchmarks and the backpressure
 * tests rely on that. Here a plain blocking echo server changes one byte at a known stream offset (or none), and
 * the client, with the leak detector at PARANOID as everywhere, must name that offset (or pass).
 */
class EchoClientCheckTest {
    @ParameterizedTest(name = "{0}, byte {2} changed")
    @CsvSource({
            "stream,   65536, -1",
            "stream,   65536, 70001",
            "stream,   65536, 0",
            "pingpong, 64,    -1",
            "pingpong, 64,    130",
    })
    void clientReportsTheFirstWrongByte(String mode, int messageSize, long corruptAt) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> echoOnce(listener, corruptAt), "corrupting echo");
            echo.start();
            List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
                    "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(),
                    "echo-client", "--transport", "nio", "--host", "127.0.0.1",
                    "--port", String.valueOf(listener.getLocalPort()), "--connections", "1", "--mode", mode,
                    "--message-size", String.valueOf(messageSize), "--messages", "4"));
            try (ChildProcess client = ChildProcess.start("echo-client", command)) {
                int exit = client.awaitExit(60);
                if (corruptAt < 0) {
                    assertEquals(0, exit, client::output);
                    assertTrue(client.stdout().contains("result=ok"), client::output);
                } else {
                    assertEquals(1, exit, client::output);
                    assertTrue(client.output().contains("echo mismatch at byte " + corruptAt + "\n"),
                            client::output);
                }
            }
            echo.join(10_000);
        }
    }

    /** Echoes one connection until the peer closes, adding 1 to the byte at {@code corruptAt} (if >= 0). */
    private static void echoOnce(ServerSocket listener, long corruptAt) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buf = new byte[8192];
            long offset = 0;
            for (int n; (n = in.read(buf)) > 0; offset += n) {
                if (corruptAt >= offset && corruptAt < offset + n) {
                    buf[(int) (corruptAt - offset)]++;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // The client closes as soon as it sees the wrong byte; a reset here is expected.
        }
    }
}
