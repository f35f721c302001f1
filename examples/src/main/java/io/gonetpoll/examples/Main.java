package io.gonetpoll.examples;

import java.util.Arrays;

/**
 * {@code java -jar gonetpoll-examples.jar <subcommand> [options]}: {@code http}, {@code echo-server},
 * {@code echo-client}, {@code proxy}, {@code udp-echo-server}, {@code udp-echo-client}, {@code dns}; each runs on
 * {@code --transport gonetpoll|epoll|io_uring|nio}.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar gonetpoll-examples.jar <subcommand> [--option value ...]",
            "",
            "subcommands:",
            "  http          HTTP/1.1 hello world (keep-alive, pipelining)          default port 8080",
            "  echo-server   echo with backpressure (autoRead off while unwritable)  default port 9000",
            "  echo-client   drives an echo server, verifies every byte, reports rates",
            "  proxy         TCP relay, autoRead off, one read() per message       default port 9100",
            "  udp-echo-server  UDP echo (or sink: counts, answers ?stats)          default port 9200",
            "  udp-echo-client  UDP request/response from N senders, counts losses, reports rates",
            "  dns           resolves names with Netty's DnsNameResolver on the transport's UDP (and TCP) channels",
            "",
            "options of every subcommand:",
            "  --transport gonetpoll|epoll|io_uring|nio   (default gonetpoll)",
            "  --host H       (default 127.0.0.1)",
            "  --port P       (0 picks a free port)",
            "  --uds PATH     http, echo-server, echo-client: a Unix-domain socket instead of --host/--port",
            "  --threads N    event loop threads of the workers / the client (default 1; UDP servers: 1)",
            "http, echo-server, proxy (their worker loops), udp-echo-server (its loop):",
            "  --spin-micros N  gonetpoll: after IO, poll up to N µs before parking (0-1000000; default 0 = off)",
            "  --busy-wait      gonetpoll, epoll: never park, poll epoll in a loop (Netty's SelectStrategy.BUSY_WAIT)",
            "http:",
            "  --read-timeout-millis MS  close connections silent for MS (slowloris guard; default 0 = off)",
            "  --metrics                 GET /metrics: the loops' metrics, Prometheus text (gonetpoll)",
            "  --stall-threshold-millis MS  report loops stuck in one turn for MS (gonetpoll; default 0 = off)",
            "  --debug-routes            GET /debug/block?ms=N blocks the serving loop N ms, on purpose",
            "echo-client:",
            "  --connections N (default 1)  --mode pingpong|stream (default pingpong)",
            "  --message-size BYTES (default 64)  --duration-seconds S (default 10)  --messages M (per connection)",
            "  --read-delay-millis MS  stream mode: pause reading MS after every read (default 0)",
            "  --receive-buffer BYTES  SO_RCVBUF of the client's sockets (default: the kernel's)",
            "  --warmup-seconds W  run W seconds before counting starts (default 0)",
            "  --rounds R  with --messages: open the connections R times in a row, report the sum (default 1)",
            "proxy:",
            "  --remote-host H (default 127.0.0.1)  --remote-port P (required)",
            "udp-echo-server:",
            "  --mode echo|sink (default echo)",
            "  --read-batch N --max-payload BYTES  read up to N datagrams of at most BYTES per receive call",
            "                 (recvmmsg; gonetpoll, epoll, io_uring; default: one per call)",
            "  --gro  let the kernel coalesce datagrams of one flow into one read (UDP_GRO; gonetpoll, epoll)",
            "udp-echo-client:",
            "  --senders N (default 1)  --message-size BYTES (12 to 65507, default 64)",
            "  --duration-seconds S (default 10)  --messages M (per sender)  --warmup-seconds W (default 0)",
            "  --timeout-millis MS  an echo not back within MS counts as lost (default 200)",
            "dns:",
            "  --names NAME[,NAME...] (required)  --type ipv4|ipv6|both (default both)",
            "  --server HOST:PORT  the DNS server to ask (default: the system's, /etc/resolv.conf)",
            "  --timeout-millis MS  per query (default 5000)");

    private Main() {
    }

    /**
     * The JDK's log formatter reads the time-zone database ({@code lib/tzdb.dat}) the first time it stamps a
     * record. If that first time is a warning about {@code accept} failing with EMFILE, the file cannot be
     * opened, the formatter throws an Error, and the event loop that logged dies with it. So it is read now.
     */
    private static void preloadWhatLoggingOpens() {
        java.time.ZonedDateTime.now().getZone().getRules();
        java.util.logging.Logger.getLogger("").getHandlers();
    }

    public static void main(String[] args) throws Exception {
        preloadWhatLoggingOpens();
        if (args.length == 0 || Arrays.asList("--help", "-h", "help").contains(args[0])) {
            System.out.println(USAGE);
            return;
        }
        try {
            switch (args[0]) {
                case "http":
                    HttpHelloServer.run(new Options(args, 1, HttpHelloServer.OPTIONS, HttpHelloServer.FLAGS));
                    break;
                case "echo-server":
                    EchoServer.run(new Options(args, 1, EchoServer.OPTIONS, EchoServer.FLAGS));
                    break;
                case "echo-client":
                    System.exit(EchoClient.run(new Options(args, 1, EchoClient.OPTIONS)));
                    break;
                case "proxy":
                    Proxy.run(new Options(args, 1, Proxy.OPTIONS, Proxy.FLAGS));
                    break;
                case "udp-echo-server":
                    UdpEchoServer.run(new Options(args, 1, UdpEchoServer.OPTIONS, UdpEchoServer.FLAGS));
                    break;
                case "udp-echo-client":
                    System.exit(UdpEchoClient.run(new Options(args, 1, UdpEchoClient.OPTIONS)));
                    break;
                case "dns":
                    System.exit(DnsLookup.run(new Options(args, 1, DnsLookup.OPTIONS)));
                    break;
                default:
                    throw new UsageException("unknown subcommand '" + args[0] + "'");
            }
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }
}
