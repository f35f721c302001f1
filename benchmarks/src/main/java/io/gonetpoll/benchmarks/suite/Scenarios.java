package io.gonetpoll.benchmarks.suite;

import java.util.List;

/**
 * Scenarios a-f of issue 5, UDP (i, j) and Unix-domain (k, l, m) ones, grouped by the server they run against (g has
 * its own runner). How each is built and what it measures: docs/benchmarks/scenarios.md.
 */
final class Scenarios {
    /**
     * d: 64 KiB writes from the client, echoed back to it through a 16 KiB receive window. The client reads as
     * fast as it can but is still the slower side, so the server's writes back up: its outbound buffer passes
     * the high-water mark, it stops reading, the send waits for EPOLLOUT, and so on (on Netty's epoll about
     * 1,800 epoll_ctl(MOD) per GiB). A reader that slept 1 ms after each read, the first design, capped every
     * transport at the same 49 MB/s: it measured the sleep.
     */
    private static final int STREAM_CHUNK_BYTES = 64 * 1024;
    private static final int STREAM_RECEIVE_BUFFER = 16 * 1024;
    /** j, batched: datagrams per GSO send and at most per recvmmsg (64: UDP_MAX_SEGMENTS of older kernels). */
    private static final int ONE_WAY_BATCH = 64;

    private Scenarios() {
    }

    static List<ServerPlan> plans(SuiteSettings s) {
        // Traced runs are fixed-count and short; a quick run traces fewer operations.
        long scale = s.quick ? 1 : 4;
        return List.of(
                new ServerPlan("http", List.of(
                        new Scenario("a-c64", "a. HTTP hello, wrk, 64 connections", "req/s", "req",
                                new WrkLoad(s, 64, 1, false), 10_000 * scale),
                        new Scenario("a-c256", "a. HTTP hello, wrk, 256 connections", "req/s", "req",
                                new WrkLoad(s, 256, 1, false), 0),
                        new Scenario("a-pipe16", "a. HTTP hello, wrk, pipelined x16, 64 connections", "req/s",
                                "req", new WrkLoad(s, 64, 16, false), 50_000 * scale),
                        // Last on this server: it leaves sockets in TIME_WAIT behind.
                        new Scenario("f-churn", "f. Connection churn (connect, 1 request, close), wrk, 64 "
                                + "connections", "conn/s", "conn", new WrkLoad(s, 64, 1, true), 0))),
                new ServerPlan("echo-server", List.of(
                        new Scenario("b-pingpong1", "b. Echo ping-pong, 1 connection, 64 B", "round trips/s",
                                "rt", EchoClientLoad.pingPong(s, 1, 64), 0),
                        new Scenario("c-echo64", "c. Echo, 64 connections, 64 B", "round trips/s", "rt",
                                EchoClientLoad.pingPong(s, 64, 64), 0),
                        new Scenario("d-slowreader", "d. Streaming " + (s.quick ? "128 MiB" : "1 GiB")
                                + " to a slow reader (64 KiB writes echoed into a 16 KiB receive window; "
                                + EchoClientLoad.STREAM_ROUNDS + " connections in turn)", "MB/s",
                                "MB", EchoClientLoad.slowReader(s, STREAM_CHUNK_BYTES, STREAM_RECEIVE_BUFFER,
                                s.quick ? 128 : 1024), s.quick ? 64 : 1024))),
                new ServerPlan("proxy", List.of(
                        new Scenario("e-proxy", "e. Proxy (autoRead off, one read() per message), echo "
                                + "ping-pong through it, 64 connections, 64 B", "msgs/s", "msg",
                                EchoClientLoad.pingPong(s, 64, 64), 10_000 * scale))),
                new ServerPlan("udp-echo-server", "udp-echo", List.of(
                        new Scenario("i-udp64", "i. UDP request/response, 64 senders, 64 B", "round trips/s", "rt",
                                UdpLoad.requestResponse(s, 64, 64), 10_000 * scale)),
                        ServerPlan.Address.PORT, transport -> List.of("--mode", "echo")),
                new ServerPlan("udp-echo-server", "udp-sink", List.of(
                        new Scenario("j-oneway", "j. UDP one way, 64 B: one datagram per send and per receive",
                                "datagrams/s", "dgram", UdpLoad.oneWay(s, 64, 0), 10_000 * scale)),
                        ServerPlan.Address.PORT, transport -> List.of("--mode", "sink")),
                new ServerPlan("udp-echo-server", "udp-sink-batched", List.of(
                        new Scenario("j-oneway-batch", "j. UDP one way, 64 B, batched: " + ONE_WAY_BATCH
                                + " datagrams per send (GSO) and up to " + ONE_WAY_BATCH + " per receive (recvmmsg; "
                                + "NIO: one per receive)", "datagrams/s", "dgram", UdpLoad.oneWay(s, 64, ONE_WAY_BATCH),
                                10_000 * scale)),
                        ServerPlan.Address.PORT, Scenarios::batchedSink),
                new ServerPlan("echo-server", "echo-server-uds", List.of(
                        new Scenario("k-uds-pingpong1", "k. Echo ping-pong over a Unix-domain socket, 1 connection, "
                                + "64 B", "round trips/s", "rt", EchoClientLoad.pingPong(s, 1, 64), 0),
                        new Scenario("k-uds-echo64", "k. Echo over Unix-domain sockets, 64 connections, 64 B",
                                "round trips/s", "rt", EchoClientLoad.pingPong(s, 64, 64), 10_000 * scale),
                        // d's client, SO_RCVBUF and all, though a Unix-domain stream ignores the reader's receive
                        // buffer: the kernel charges what is queued to the sender's send buffer (a socketpair took
                        // 233,152 bytes before EAGAIN with and without a 16 KiB SO_RCVBUF on the reader). The server
                        // still parks: Netty's epoll server made 849 epoll_ctl(MOD) in a 128 MiB stream.
                        new Scenario("m-uds-slowreader", "m. Streaming " + (s.quick ? "128 MiB" : "1 GiB")
                                + " to a slow reader over a Unix-domain socket (d over UDS: 64 KiB writes echoed, "
                                + "backing up against the server's send buffer; " + EchoClientLoad.STREAM_ROUNDS
                                + " connections in turn)",
                                "MB/s", "MB", EchoClientLoad.slowReader(s, STREAM_CHUNK_BYTES, STREAM_RECEIVE_BUFFER,
                                s.quick ? 128 : 1024), s.quick ? 64 : 1024)),
                        ServerPlan.Address.UDS, transport -> List.of()),
                new ServerPlan("http", "http-uds", List.of(
                        new Scenario("l-uds-pipe16", "l. HTTP hello over Unix-domain sockets, pipelined x16, 64 "
                                + "connections", "req/s", "req", EchoClientLoad.httpPipeline(s, 64, 16),
                                50_000 * scale)),
                        ServerPlan.Address.UDS, transport -> List.of()));
    }

    /**
     * The batched sink's arguments: reads of up to {@link #ONE_WAY_BATCH} datagrams of at most 64 bytes per
     * {@code recvmmsg} on the transports that have it; NIO has no batched receive, so there only the sender
     * batches.
     */
    private static List<String> batchedSink(String transport) {
        if (transport.equals("nio")) {
            return List.of("--mode", "sink");
        }
        return List.of("--mode", "sink", "--read-batch", Integer.toString(ONE_WAY_BATCH), "--max-payload", "64");
    }
}
