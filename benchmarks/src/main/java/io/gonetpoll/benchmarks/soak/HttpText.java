package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP/1.1 the soak's HTTP clients send, and the check of {@link HelloHttp}'s answer. */
final class HttpText {
    static final byte[] KEEP_ALIVE = "GET / HTTP/1.1\r\nHost: soak\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CLOSE = "GET / HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");
    private static final int MAX_HEAD = 8 << 10;

    private HttpText() {
    }

    /** Reads one response (head, then Content-Length bytes); fails unless it is 200 with the hello body. */
    static void expectHello(InputStream in) throws IOException {
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200 OK\r\n")) {
            throw new IOException("response: " + head);
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        if (!length.find()) {
            throw new IOException("no Content-Length: " + head);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
        if (!Arrays.equals(body, HelloHttp.BODY)) {
            throw new IOException("body: " + new String(body, StandardCharsets.US_ASCII));
        }
    }

    /** The status line and headers, up to and with the empty line; {@code in} should be buffered. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed by the server after " + head.length() + " bytes of a response head");
            }
            if (head.length() == MAX_HEAD) {
                throw new IOException("response head over " + MAX_HEAD + " bytes");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
