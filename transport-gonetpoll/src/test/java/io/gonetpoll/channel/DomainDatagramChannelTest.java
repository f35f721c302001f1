package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix-domain datagram channels on real sockets: a sender connected to a receiver that does not read fills the
 * receiver's queue, its flush parks on EAGAIN, and resumes on the write edge when the receiver reads (every
 * datagram then arrives, in order); a write deadline fails a parked flush and leaves the channel open (a
 * datagram is never half-sent); one ADD and one DEL per socket.
 */
class DomainDatagramChannelTest {
    private static final int TIMEOUT_SECONDS = 10;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(2);

    @TempDir
    Path dir;

    private DomainSocketAddress newAddress() {
        return new DomainSocketAddress(dir.resolve(UUID.randomUUID().toString().substring(0, 8)).toString());
    }

    private static final class Recorder extends SimpleChannelInboundHandler<DomainDatagramPacket> {
        final BlockingQueue<Integer> numbers = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
            numbers.add(packet.content().readInt());
        }
    }

    private Channel receiver(Recorder recorder, DomainSocketAddress address) throws Exception {
        return new Bootstrap().group(loops.group()).channel(GoNetpollDomainDatagramChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(recorder)
                .bind(address).sync().channel();
    }

    private Channel sender(DomainSocketAddress to) throws Exception {
        return new Bootstrap().group(loops.group()).channel(GoNetpollDomainDatagramChannel.class)
                .handler(new Recorder())
                .connect(to).sync().channel();
    }

    /**
     * Writes datagrams 0, 1, ... until one write stays pending with the flush parked (the loop counted an EAGAIN
     * send); returns how many were written.
     */
    private int fillUntilParked(Channel sender, List<ChannelFuture> writes) throws Exception {
        for (int i = 0; i < 100_000; i++) {
            long wouldBlock = loops.factory().counters().writesWouldBlock();
            ChannelFuture write = sender.writeAndFlush(Unpooled.directBuffer(1024).writeInt(i).writeZero(1020));
            writes.add(write);
            await(() -> write.isDone() || loops.factory().counters().writesWouldBlock() > wouldBlock,
                    "datagram " + i + " written or parked");
            if (!write.isDone()) {
                return i + 1;
            }
            assertTrue(write.isSuccess(), "datagram " + i + ": " + write.cause());
        }
        throw new AssertionError("the receiver's queue never filled");
    }

    @Test
    void parkedFlushResumesOnTheWriteEdge() throws Exception {
        DomainSocketAddress address = newAddress();
        Recorder recorder = new Recorder();
        Channel receiver = receiver(recorder, address);
        Channel sender = sender(address);
        List<ChannelFuture> writes = new ArrayList<>();
        int written = fillUntilParked(sender, writes);
        receiver.config().setAutoRead(true);
        for (ChannelFuture write : writes) {
            assertTrue(write.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "a parked write never completed: "
                    + loops.factory().counters());
            assertTrue(write.isSuccess(), String.valueOf(write.cause()));
        }
        for (int i = 0; i < written; i++) {
            assertEquals(i, recorder.numbers.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "datagram " + i);
        }
        sender.close().sync();
        receiver.close().sync();
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(2, counters.epollCtlAdds(), counters.toString());
        assertEquals(2, counters.epollCtlDels(), counters.toString());
    }

    @Test
    void writeDeadlineFailsParkedFlushAndLeavesChannelOpen() throws Exception {
        DomainSocketAddress address = newAddress();
        Recorder recorder = new Recorder();
        Channel receiver = receiver(recorder, address);
        Channel sender = sender(address);
        List<ChannelFuture> writes = new ArrayList<>();
        fillUntilParked(sender, writes);
        ChannelFuture parked = writes.get(writes.size() - 1);
        ((GoNetpollDeadlineChannel) sender).setWriteDeadline(Duration.ofMillis(50));
        assertTrue(parked.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(WriteDeadlineExceededException.class, parked.cause());
        assertTrue(sender.isOpen(), "a datagram channel stays open");
        ((GoNetpollDeadlineChannel) sender).setWriteDeadline(0);
        receiver.config().setAutoRead(true);
        await(() -> recorder.numbers.size() == writes.size() - 1, "the datagrams sent before the deadline");
        ChannelFuture after = sender.writeAndFlush(Unpooled.directBuffer(4).writeInt(-1));
        assertTrue(after.await(TIMEOUT_SECONDS, TimeUnit.SECONDS) && after.isSuccess(), String.valueOf(after.cause()));
        await(() -> recorder.numbers.contains(-1), "a datagram written after the deadline was cleared");
        assertFalse(recorder.numbers.contains(writes.size() - 1), "the failed datagram was not sent");
        sender.close().sync();
        receiver.close().sync();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
