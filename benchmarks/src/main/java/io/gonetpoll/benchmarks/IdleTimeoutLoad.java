package io.gonetpoll.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code idle-load}: opens {@code --connections} connections (Netty epoll, one loop) and sends 16 bytes on each
 * about once a second, spread evenly (1/100 of them every 10 ms). After the warm-up it measures, over
 * {@code --seconds}, the echoes received and the CPU time (utime + stime, {@code /proc/<pid>/stat}) of the
 * server and of itself. Then it checks every message came back, closes everything and exits.
 */
final class IdleTimeoutLoad {
    private static final int MESSAGE_BYTES = 16;
    private static final int TICKS_PER_SECOND = 100;
    private static final int CONNECT_BATCH = 500;

    private IdleTimeoutLoad() {
    }

    static void run(Args args) throws Exception {
        int port = args.getInt("port", 0);
        int connections = args.getInt("connections", 10_000);
        long serverPid = Long.parseLong(args.get("server-pid"));
        int warmupSeconds = args.getInt("warmup-seconds", 15);
        int seconds = args.getInt("seconds", 30);
        int clockTicks = args.getInt("clk-tck", 100);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Counter counter = new Counter();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(counter);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        Channel[] channels = new Channel[connections];
        for (int from = 0; from < connections; from += CONNECT_BATCH) {
            List<ChannelFuture> batch = new ArrayList<>();
            for (int i = from; i < Math.min(connections, from + CONNECT_BATCH); i++) {
                batch.add(bootstrap.connect(server));
            }
            for (int i = 0; i < batch.size(); i++) {
                channels[from + i] = batch.get(i).sync().channel();
            }
        }
        System.out.println("connected " + connections);

        ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(MESSAGE_BYTES).writeZero(MESSAGE_BYTES));
        LongAdder sent = new LongAdder();
        int perTick = Math.max(1, connections / TICKS_PER_SECOND);
        int[] cursor = {0};
        ScheduledFuture<?> sender = group.next().scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                channels[cursor[0]].writeAndFlush(message.duplicate(), channels[cursor[0]].voidPromise());
                cursor[0] = (cursor[0] + 1) % connections;
            }
            sent.add(perTick);
        }, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);

        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        long serverCpu0 = cpuTicks(serverPid);
        long selfCpu0 = cpuTicks(ProcessHandle.current().pid());
        long received0 = counter.bytes.sum() / MESSAGE_BYTES;
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long serverCpu = cpuTicks(serverPid) - serverCpu0;
        long selfCpu = cpuTicks(ProcessHandle.current().pid()) - selfCpu0;
        long received = counter.bytes.sum() / MESSAGE_BYTES - received0;
        double elapsed = (System.nanoTime() - start) / 1e9;

        sender.cancel(false);
        Thread.sleep(1000);
        long lost = sent.sum() - counter.bytes.sum() / MESSAGE_BYTES;
        System.out.printf("result connections=%d seconds=%.1f messages=%d messagesPerSecond=%.0f"
                        + " serverCpuUsPerMessage=%.2f serverCpuPercent=%.1f loadCpuPercent=%.1f"
                        + " notEchoed=%d closedByServer=%d%n",
                connections, elapsed, received, received / elapsed,
                serverCpu * 1e6 / clockTicks / Math.max(1, received), serverCpu * 100.0 / clockTicks / elapsed,
                selfCpu * 100.0 / clockTicks / elapsed, lost, counter.closed.sum());
        System.out.flush();
        for (Channel channel : channels) {
            channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat, after the comm field). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    @ChannelHandler.Sharable
    private static final class Counter extends ChannelInboundHandlerAdapter {
        final LongAdder bytes = new LongAdder();
        final LongAdder closed = new LongAdder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            bytes.add(buf.readableBytes());
            buf.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.increment();
        }
    }
}
