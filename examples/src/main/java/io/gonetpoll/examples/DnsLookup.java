package io.gonetpoll.examples;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code dns}: resolves {@code --names} with Netty's {@link DnsNameResolver} on the chosen transport: its queries go
 * out on the transport's UDP channel, and, when an answer comes back truncated, again over its TCP channel. Asks
 * {@code --server HOST:PORT} ({@code [v6]:PORT} for IPv6), or the system's resolvers (/etc/resolv.conf) without it.
 *
 * <p>Prints {@code dns name=N addresses=A,B} or {@code dns name=N error=...} per name, then
 * {@code dns resolved=R failed=F transport=T datagram-channel=CLASS result=ok|FAILED}, where CLASS is the class
 * of the channel the resolver's queries went out on; exits 0 only if every name resolved.
 */
final class DnsLookup {
    static final Set<String> OPTIONS = Set.of("transport", "server", "names", "type", "timeout-millis");

    private DnsLookup() {
    }

    static int run(Options options) throws InterruptedException {
        Transport transport = options.transport();
        String names = options.get("names", null);
        if (names == null || names.isBlank()) {
            throw new UsageException("dns needs --names NAME[,NAME...]");
        }
        ResolvedAddressTypes types = addressTypes(options.get("type", "both"));
        int timeoutMillis = options.getInt("timeout-millis", 5000, 1, 600_000);
        EventLoopGroup group = transport.newGroup(1, "dns");
        AtomicReference<Class<?>> datagramChannel = new AtomicReference<>();
        int failed = 0;
        List<String> all = List.of(names.split(","));
        try {
            EventLoop loop = group.next();
            ReflectiveChannelFactory<? extends DatagramChannel> channels =
                    new ReflectiveChannelFactory<>(transport.datagramChannel());
            DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                    .datagramChannelFactory(() -> {
                        DatagramChannel channel = channels.newChannel();
                        datagramChannel.set(channel.getClass());
                        return channel;
                    })
                    .socketChannelType(transport.socketChannel)
                    .resolvedAddressTypes(types)
                    .queryTimeoutMillis(timeoutMillis);
            if (options.has("server")) {
                builder.nameServerProvider(new SingletonDnsServerAddressStreamProvider(server(options.get("server",
                        null))));
            } else {
                builder.nameServerProvider(DnsServerAddressStreamProviders.platformDefault());
            }
            DnsNameResolver resolver = builder.build();
            try {
                for (String name : all) {
                    Future<List<InetAddress>> lookup = resolver.resolveAll(name.trim()).await();
                    if (lookup.isSuccess()) {
                        System.out.println("dns name=" + name.trim() + " addresses=" + lookup.getNow().stream()
                                .map(InetAddress::getHostAddress).collect(Collectors.joining(",")));
                    } else {
                        failed++;
                        System.out.println("dns name=" + name.trim() + " error=" + lookup.cause());
                    }
                }
            } finally {
                resolver.close();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        Class<?> used = datagramChannel.get();
        System.out.println("dns resolved=" + (all.size() - failed) + " failed=" + failed + " transport="
                + transport.cliName + " datagram-channel=" + (used == null ? "none" : used.getSimpleName())
                + " result=" + (failed == 0 ? "ok" : "FAILED"));
        return failed == 0 ? 0 : 1;
    }

    private static ResolvedAddressTypes addressTypes(String type) {
        switch (type) {
            case "ipv4":
                return ResolvedAddressTypes.IPV4_ONLY;
            case "ipv6":
                return ResolvedAddressTypes.IPV6_ONLY;
            case "both":
                return ResolvedAddressTypes.IPV4_PREFERRED;
            default:
                throw new UsageException("--type must be ipv4, ipv6 or both, not '" + type + "'");
        }
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}; the host must be an address (there is no resolver yet). */
    static InetSocketAddress server(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new UsageException("--server must be HOST:PORT or [IPV6]:PORT, not '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--server: port '" + value.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new UsageException("--server: port must be between 1 and 65535, not " + port);
        }
        if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
            throw new UsageException("--server: '" + host + "' must be an IP address, not a name");
        }
        return new InetSocketAddress(host, port);
    }
}
