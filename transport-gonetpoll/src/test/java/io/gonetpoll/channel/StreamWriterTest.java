package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StreamWriter}'s return contract, on a real connection whose peer reads only when told to: 0 when no
 * syscall was needed, 1 for a syscall that wrote, {@link StreamWriter#SOCKET_BUFFER_FULL} for one that wrote
 * nothing. The writer is driven directly on the channel's loop, with messages put into the outbound buffer by
 * hand, so each call's result and side effects can be seen.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamWriterTest {
    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;
    private ServerSocket peerListener;
    private Socket peer;
    private GoNetpollSocketChannel client;
    private StreamWriter writer;

    @BeforeEach
    void setUp() throws Exception {
        factory = GoNetpollIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, factory);
        peerListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        client = (GoNetpollSocketChannel) new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(peerListener.getLocalSocketAddress()).sync().channel();
        peer = peerListener.accept();
        writer = new StreamWriter(client);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close().sync();
        peer.close();
        peerListener.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void anEmptyBufferCostsNoSyscall() throws Exception {
        int result = onLoop(() -> {
            ChannelOutboundBuffer in = flushed(Unpooled.EMPTY_BUFFER);
            int r = writer.writeSingle(in);
            assertEquals(0, in.size(), "removed");
            return r;
        });
        assertEquals(0, result);
        assertEquals(0, factory.counters().writeSyscalls());
    }

    @Test
    void aWriteThatSendsReturnsOneAndRemovesWhatWasSent() throws Exception {
        assertOneSyscallSendsAll(false, 1000);
    }

    @Test
    void aGatheringWriteSendsSeveralBuffersInOneSyscall() throws Exception {
        assertOneSyscallSendsAll(true, 100, 200, 300);
    }

    /** Buffers of {@code sizes}, written with one call, are all sent by one syscall that returns 1. */
    private void assertOneSyscallSendsAll(boolean gathering, int... sizes) throws Exception {
        int total = 0;
        ByteBuf[] buffers = new ByteBuf[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            buffers[i] = Unpooled.directBuffer().writeBytes(new byte[sizes[i]]);
            total += sizes[i];
        }
        int result = onLoop(() -> {
            ChannelOutboundBuffer in = flushed(buffers);
            int r = gathering ? writer.writeGathering(in) : writer.writeSingle(in);
            assertEquals(0, in.size(), "all of it went");
            return r;
        });
        assertEquals(1, result);
        assertEquals(1, factory.counters().writeSyscalls());
        assertEquals(total, readFromPeer(total));
    }

    @Test
    void aFullSocketBufferReturnsSocketBufferFullAndKeepsTheMessage() throws Exception {
        onLoop(() -> {
            ChannelOutboundBuffer in = flushed(Unpooled.directBuffer(64 << 10).writeBytes(new byte[64 << 10]));
            // The peer does not read: the kernel's buffers fill, then a write takes nothing.
            for (int i = 0; i < 100_000; i++) {
                if (in.size() == 0) {
                    in.addMessage(Unpooled.directBuffer(64 << 10).writeBytes(new byte[64 << 10]), 64 << 10,
                            client.newPromise());
                    in.addFlush();
                }
                int r = writer.writeSingle(in);
                if (r == StreamWriter.SOCKET_BUFFER_FULL) {
                    assertEquals(1, in.size(), "the unsent message stays for the next edge");
                    return r;
                }
                assertEquals(1, r);
            }
            throw new AssertionError("the socket never filled");
        });
        assertEquals(1, factory.counters().writesWouldBlock());
    }

    @Test
    void aRegionAlreadyTransferredCostsNoSyscall(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("empty"), new byte[0]);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        int result = onLoop(() -> {
            ChannelOutboundBuffer in = client.unsafe().outboundBuffer();
            in.addMessage(new DefaultFileRegion(channel, 0, 0), 0, client.newPromise());
            in.addFlush();
            int r = writer.writeSingle(in);
            assertEquals(0, in.size());
            return r;
        });
        assertEquals(0, result);
        assertEquals(0, factory.counters().writeSyscalls());
        assertTrue(!channel.isOpen(), "the region was released with its message");
    }

    /** Puts {@code buffers} into the outbound buffer, flushed, as a write and flush would. Loop thread. */
    private ChannelOutboundBuffer flushed(ByteBuf... buffers) {
        ChannelOutboundBuffer in = client.unsafe().outboundBuffer();
        for (ByteBuf buf : buffers) {
            in.addMessage(buf, buf.readableBytes(), client.newPromise());
        }
        in.addFlush();
        return in;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return client.eventLoop().submit(task).get(20, TimeUnit.SECONDS);
    }

    private int readFromPeer(int expected) throws Exception {
        peer.setSoTimeout(10_000);
        InputStream in = peer.getInputStream();
        byte[] buf = new byte[expected];
        int total = 0;
        while (total < expected) {
            int n = in.read(buf, total, expected - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
