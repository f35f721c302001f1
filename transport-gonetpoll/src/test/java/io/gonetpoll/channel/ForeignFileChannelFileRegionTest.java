package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DefaultFileRegion} over a {@link FileChannel} that is not the JDK's default-file-system channel (here
 * one of the zip file system) has no file descriptor that {@code sendfile(2)} could use: sendfile must refuse it
 * without touching it, and a channel must still deliver exactly the file's bytes, through the copying path.
 */
class ForeignFileChannelFileRegionTest {
    private static final int FILE_SIZE = 4 * 1024 * 1024;
    private static final int TIMEOUT_SECONDS = 30;

    @TempDir
    Path tempDir;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    /** The file is larger than the socket buffers, so the write parks and resumes on the copying path too. */
    @Test
    void zipFileSystemChannelDeliversTheFileByteForByte() throws Exception {
        byte[] content = content(FILE_SIZE);
        Path zip = zipHolding(content);
        try (FileSystem zipFs = FileSystems.newFileSystem(zip);
             ServerSocket receiver = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel sender = new Bootstrap().group(loops.group()).channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new InetSocketAddress(receiver.getInetAddress(), receiver.getLocalPort()))
                    .sync().channel();
            receiver.setSoTimeout(TIMEOUT_SECONDS * 1000);
            try (Socket accepted = receiver.accept()) {
                FileChannel fileChannel = FileChannel.open(zipFs.getPath("/content.bin"));
                assertFalse(fileChannel.getClass().getName().startsWith("sun.nio.ch."),
                        "the test needs a channel other than the JDK's FileChannelImpl: " + fileChannel.getClass());
                // The outbound buffer releases the region once written or failed, which closes fileChannel.
                ChannelFuture written = sender.writeAndFlush(new DefaultFileRegion(fileChannel, 0, content.length));
                written.addListener(f -> sender.close());
                accepted.setSoTimeout(TIMEOUT_SECONDS * 1000);
                byte[] received = readUntilEof(accepted.getInputStream());
                assertTrue(written.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "write did not complete");
                assertNull(written.cause(), "write failed");
                assertEquals(content.length, received.length, "bytes received");
                assertArrayEquals(content, received);
            } finally {
                sender.close().sync();
            }
        }
    }

    /** The native contract itself: only the JDK's own FileChannel is sent from; the other is left untouched. */
    @Test
    void sendfileRefusesAForeignChannelAndTakesTheJdksOwn() throws Exception {
        byte[] content = content(64 * 1024);
        Path zip = zipHolding(content);
        Path plainFile = Files.write(tempDir.resolve("plain.bin"), content);
        GoNetpollSocket listener = GoNetpollSocket.newStream(SocketProtocolFamily.INET);
        try (FileSystem zipFs = FileSystems.newFileSystem(zip); Socket client = new Socket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.listen(1);
            client.connect(listener.localAddress(), TIMEOUT_SECONDS * 1000);
            GoNetpollSocket accepted = new GoNetpollSocket(acceptWithinTimeout(listener));
            try {
                DefaultFileRegion foreign =
                        new DefaultFileRegion(FileChannel.open(zipFs.getPath("/content.bin")), 0, content.length);
                try {
                    assertEquals(SocketNative.SENDFILE_FOREIGN_CHANNEL,
                            accepted.sendFile(foreign, 0, 0, content.length));
                    assertEquals(0, foreign.transferred());
                } finally {
                    foreign.release();
                }
                DefaultFileRegion plain = new DefaultFileRegion(plainFile.toFile(), 0, content.length);
                try {
                    long sent = accepted.sendFile(plain, 0, 0, content.length);
                    assertTrue(sent > 0, "sendfile sent " + sent);
                    assertEquals(sent, plain.transferred());
                } finally {
                    plain.release();
                }
            } finally {
                accepted.close();
            }
        } finally {
            listener.close();
        }
    }

    private static byte[] content(int size) {
        byte[] content = new byte[size];
        new Random(13).nextBytes(content);
        return content;
    }

    private Path zipHolding(byte[] content) throws Exception {
        Path zip = tempDir.resolve("region.zip");
        try (FileSystem zipFs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Files.write(zipFs.getPath("/content.bin"), content);
        }
        return zip;
    }

    /** The client's connect has returned; the listener (non-blocking) sees the connection as soon as it is queued. */
    private static int acceptWithinTimeout(GoNetpollSocket listener) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        byte[] address = new byte[26];
        for (;;) {
            int fd = listener.accept(address);
            if (fd >= 0) {
                return fd;
            }
            assertTrue(System.nanoTime() < deadline, "no connection to accept");
            Thread.yield();
        }
    }

    private static byte[] readUntilEof(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(FILE_SIZE);
        byte[] chunk = new byte[64 * 1024];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
