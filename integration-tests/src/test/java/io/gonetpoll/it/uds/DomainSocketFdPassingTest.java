package io.gonetpoll.it.uds;

import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCM_RIGHTS passing through GoNetpoll's Unix-domain channels at volume: every descriptor sent arrives as an
 * open {@link FileDescriptor} (the sender parks on a full socket buffer first and resumes on the edge), and
 * nothing is left open on either side afterwards, also when the receiver
 * closes with descriptors still in flight. Each socket costs one epoll_ctl ADD and one DEL. The sender passes
 * one pipe's read end again and again; each arrival is a new fd of this process, which the receiver closes.
 */
class DomainSocketFdPassingTest {
    private static final int TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        factory = GoNetpollIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(2, factory);
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void twoThousandDescriptorsThroughOneConnection() throws Exception {
        int descriptors = 2000;
        long before = OpenFiles.count();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger notOpen = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(descriptors);
        CompletableFuture<Channel> child = new CompletableFuture<>();
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("fds.sock").toString());
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerDomainSocketChannel.class)
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        child.complete(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                        FileDescriptor fd = (FileDescriptor) msg;
                        if (!fd.isOpen()) {
                            notOpen.incrementAndGet();
                        }
                        fd.close();
                        received.incrementAndGet();
                        all.countDown();
                    }
                }).bind(address).sync().channel();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        Channel client = connect(address);
        try {
            for (int i = 0; i < descriptors; i++) {
                client.write(pipe[0]);
            }
            ChannelFuture flushed = client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER);
            // Nothing is read yet, so the sender fills its socket buffer and parks; reading then resumes it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (factory.counters().writesWouldBlock() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(factory.counters().writesWouldBlock() > 0, "the sender never parked: " + factory.counters());
            child.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).config().setAutoRead(true);
            assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "received " + received + " of " + descriptors
                    + ": " + factory.counters());
            assertTrue(flushed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS) && flushed.isSuccess(), flushed.toString());
            assertEquals(0, notOpen.get(), "descriptors that arrived closed");
        } finally {
            client.close().sync();
            server.close().sync();
            pipe[0].close();
            pipe[1].close();
        }
        assertEquals(before, OpenFiles.awaitValue(OpenFiles::count, before, 10), "fds after the exchange");
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(3, counters.epollCtlAdds(), "listener, client and child: " + counters);
        assertEquals(3, OpenFiles.awaitValue(() -> factory.counters().epollCtlDels(), 3, 10), counters.toString());
    }

    /**
     * The receiver reads nothing (autoRead off) and closes while 500 descriptors wait in its socket; the kernel
     * drops them with the socket, the sender's pending writes fail or complete, and nothing stays open.
     */
    @Test
    void receiverClosesWithDescriptorsInFlight() throws Exception {
        int descriptors = 500;
        long before = OpenFiles.count();
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("inflight.sock").toString());
        CompletableFuture<Channel> child = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerDomainSocketChannel.class)
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        child.complete(ch);
                    }
                }).bind(address).sync().channel();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        Channel client = connect(address);
        try {
            for (int i = 0; i < descriptors; i++) {
                client.write(pipe[0]);
            }
            ChannelFuture flushed = client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER);
            // Wait until the sender has either sent them all or filled the receiver's queue and parked.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!flushed.isDone() && factory.counters().writesWouldBlock() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(flushed.isDone() || factory.counters().writesWouldBlock() > 0, factory.counters().toString());
            child.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).close().sync();
            assertTrue(flushed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the sender's flush ends once the peer is gone");
            client.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            client.close().sync();
            server.close().sync();
            pipe[0].close();
            pipe[1].close();
        }
        assertEquals(before, OpenFiles.awaitValue(OpenFiles::count, before, 10), "fds after the close");
    }

    private Channel connect(DomainSocketAddress address) throws InterruptedException {
        return new Bootstrap().group(group).channel(GoNetpollDomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
    }
}
