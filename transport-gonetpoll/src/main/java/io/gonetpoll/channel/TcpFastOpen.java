package io.gonetpoll.channel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code /proc/sys/net/ipv4/tcp_fastopen} allows: bit 0 clients, bit 1 servers ({@code ip-sysctl.rst}). */
final class TcpFastOpen {
    static final boolean CLIENT_SUPPORTED = (mode() & 1) != 0;

    private TcpFastOpen() {
    }

    private static int mode() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_fastopen")).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
