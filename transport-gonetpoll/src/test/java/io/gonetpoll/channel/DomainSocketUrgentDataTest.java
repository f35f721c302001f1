package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentest4j.TestAbortedException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Out-of-band data on a Unix stream socket (Linux 5.15+, {@code CONFIG_AF_UNIX_OOB}) stops a read as TCP urgent
 * data does: a read that has copied anything ends at the out-of-band byte, short, with the bytes behind it still
 * queued and their edge spent; the kernel announces the byte with EPOLLPRI, as for TCP. A peer sends "AAAA", one
 * byte with MSG_OOB, then "CCCC", all queued before the server reads, and stays connected (a FIN would make the
 * reads go on to EOF and hide the case); the server must get all of it, with autoRead and with one {@code read()}
 * per message, with and without {@code SO_OOBINLINE}. The peer is Python's socket module, the one client here that
 * sends MSG_OOB on a Unix socket (the JDK's cannot); without python3, or on a kernel without Unix out-of-band data,
 * the test is skipped and says which.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DomainSocketUrgentDataTest {
    /** SOL_SOCKET and SO_OOBINLINE from asm-generic/socket.h, the same on x86_64 and aarch64. */
    private static final IntegerUnixChannelOption SO_OOBINLINE = new IntegerUnixChannelOption("SO_OOBINLINE", 1, 10);

    /** Connects to argv[1], queues the three parts, says so, and stays connected until its stdin closes. */
    private static final String PEER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.connect(sys.argv[1])",
            "s.sendall(b'AAAA')",
            "try:",
            "    s.send(b'B', socket.MSG_OOB)",
            "except OSError as e:",
            "    print('unsupported', e, flush=True)",
            "    sys.exit(0)",
            "s.sendall(b'CCCC')",
            "print('sent', flush=True)",
            "sys.stdin.read()");

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "autoRead={0}, oobInline={1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void dataBehindTheOutOfBandByteIsRead(boolean autoRead, boolean oobInline) throws Exception {
        String expected = oobInline ? "AAAABCCCC" : "AAAACCCC";
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("oob.sock").toString());
        CompletableFuture<Channel> child = new CompletableFuture<>();
        CompletableFuture<String> received = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(SO_OOBINLINE, oobInline ? 1 : 0)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new UrgentDataTest.Collector(expected, autoRead, received));
                        child.complete(ch);
                    }
                })
                .bind(address).sync().channel();
        Process peer = startPeer(address);
        try {
            BufferedReader peerSays = new BufferedReader(
                    new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String line = peerSays.readLine();
            assumeTrue(line == null || !line.startsWith("unsupported"), "no out-of-band data on Unix sockets here: "
                    + line);
            assertEquals("sent", line, "the peer's report");
            // All three parts are in the child's receive queue now (a Unix send queues in the receiver's socket).
            Channel accepted = child.get(10, TimeUnit.SECONDS);
            if (autoRead) {
                accepted.config().setAutoRead(true);
            } else {
                accepted.read();
            }
            assertEquals(expected, received.get(5, TimeUnit.SECONDS));
        } finally {
            peer.getOutputStream().close();
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
            server.close().sync();
        }
    }

    private static Process startPeer(DomainSocketAddress address) {
        try {
            return new ProcessBuilder("python3", "-c", PEER, address.path())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new TestAbortedException("python3, the peer that sends MSG_OOB, cannot be started", e);
        }
    }
}
