package io.gonetpoll.it.udp;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.it.OpenFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link VanishedInterfaceJoinTest}, started in a network namespace of its own ({@code unshare -n}):
 * makes an interface there (a bridge, with an address), takes its {@link NetworkInterface}, deletes the interface,
 * and joins a group on it, on Netty's epoll channel and on GoNetpoll's ({@link BadDatagramCall}: the future fails,
 * the channel stays open and still works). Prints each transport's failure and the fds GoNetpoll's attempt left
 * open, for the test to compare.
 */
public final class VanishedInterfaceJoinMain {
    static final String INTERFACE = "gnpgone0";
    private static final InetSocketAddress GROUP = new InetSocketAddress("239.255.0.1", 0);

    private VanishedInterfaceJoinMain() {
    }

    public static void main(String[] args) throws Exception {
        ip("link", "set", "lo", "up");
        ip("link", "add", INTERFACE, "type", "bridge");
        ip("addr", "add", "10.254.0.1/24", "dev", INTERFACE);
        ip("link", "set", INTERFACE, "up");
        NetworkInterface vanished = NetworkInterface.getByName(INTERFACE);
        ip("link", "del", INTERFACE);
        if (vanished == null || NetworkInterface.getByName(INTERFACE) != null) {
            throw new IllegalStateException("the interface did not come and go: " + vanished);
        }
        System.out.println("interface index=" + vanished.getIndex() + " (deleted)");

        Epoll.ensureAvailability();
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup gonetpoll = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            String onEpoll;
            try {
                onEpoll = BadDatagramCall.failure(epoll, true, channel -> channel.joinGroup(GROUP, vanished))
                        .getClass().getName();
            } catch (AssertionError e) {
                onEpoll = "none (" + e.getMessage() + ")";
            }
            OpenFiles.Baseline baseline = OpenFiles.baseline();
            Throwable onGoNetpoll = BadDatagramCall.failure(gonetpoll, false,
                    channel -> channel.joinGroup(GROUP, vanished));
            Map<Integer, String> open = baseline.awaitOpenedSinceClosed(10);
            System.out.println("epoll failure=" + onEpoll);
            System.out.println("gonetpoll failure=" + onGoNetpoll.getClass().getName() + " message=" + onGoNetpoll);
            System.out.println("gonetpoll fds left open=" + open);
        } finally {
            epoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            gonetpoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void ip(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
