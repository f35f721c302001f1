package io.gonetpoll.it.fault;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.internal.ThrowableUtil;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connection between a channel of the transport under test and a plain blocking {@link Socket} peer, which
 * the test drives by hand (read a little, shut down, reset). {@link Side} says which end of the connection
 * our channel is: the connecting client, or the child accepted by our server.
 */
final class PeerConnection implements AutoCloseable {
    enum Side { CLIENT, SERVER }

    final Channel channel;
    final EventRecorder recorder;
    final Socket peer;
    /** Our listening channel on the {@link Side#SERVER} side, else {@code null}. */
    private final Channel server;

    /**
     * The stack that closed our channel: the close future's listeners run inside the close, on the loop, so
     * this names the caller even when the transport closed the channel itself. For failure messages.
     */
    private volatile Throwable closedBy;

    private PeerConnection(Channel channel, EventRecorder recorder, Socket peer, Channel server) {
        this.channel = channel;
        this.recorder = recorder;
        this.peer = peer;
        this.server = server;
        channel.closeFuture().addListener(future -> closedBy = new Throwable("closed here"));
    }

    /** Opens a connection; our channel gets {@code ALLOW_HALF_CLOSURE = allowHalfClosure}, auto-read on. */
    static PeerConnection open(TransportGroup loops, Side side, boolean allowHalfClosure) throws Exception {
        return open(loops, side, allowHalfClosure, true);
    }

    /** Opens a connection with our channel's ALLOW_HALF_CLOSURE and AUTO_READ as given. */
    static PeerConnection open(TransportGroup loops, Side side, boolean allowHalfClosure, boolean autoRead)
            throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        EventRecorder recorder = new EventRecorder();
        if (side == Side.CLIENT) {
            try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
                Bootstrap bootstrap = loops.client().option(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                        .option(ChannelOption.AUTO_READ, autoRead)
                        .handler(recorder);
                Channel channel = bootstrap.connect(listener.getLocalSocketAddress()).sync().channel();
                Socket peer = listener.accept();
                peer.setSoTimeout(10_000);
                return new PeerConnection(channel, recorder, peer, null);
            }
        }
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        ServerBootstrap bootstrap = loops.server().childOption(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(recorder);
                accepted.complete(ch);
            }
        });
        Channel server = bootstrap.bind(new InetSocketAddress(loopback, 0)).sync().channel();
        Socket peer = new Socket();
        try {
            peer.setSoTimeout(10_000);
            peer.connect(server.localAddress(), 5_000);
            return new PeerConnection(accepted.get(5, TimeUnit.SECONDS), recorder, peer, server);
        } catch (Exception e) {
            peer.close();
            server.close().sync();
            throw e;
        }
    }

    /** Reads exactly {@code bytes} bytes on the peer, failing if the stream ends first. */
    void peerReads(int bytes) throws IOException {
        InputStream in = peer.getInputStream();
        byte[] buf = new byte[64 * 1024];
        int total = 0;
        while (total < bytes) {
            int n = in.read(buf, 0, Math.min(buf.length, bytes - total));
            if (n < 0) {
                throw new IOException("EOF after " + total + " of " + bytes + " bytes");
            }
            total += n;
        }
        assertEquals(bytes, total);
    }

    /** Our channel's state and what its pipeline saw, for failure messages. */
    String describe() {
        StringBuilder text = new StringBuilder(channel.toString()).append(": open ").append(channel.isOpen())
                .append(", active ").append(channel.isActive());
        if (channel instanceof DuplexChannel) {
            DuplexChannel duplex = (DuplexChannel) channel;
            text.append(", input shut down ").append(duplex.isInputShutdown())
                    .append(", output shut down ").append(duplex.isOutputShutdown());
        }
        Throwable closer = closedBy;
        return text.append("; user events ").append(recorder.userEvents).append("; exceptions ")
                .append(recorder.exceptions).append("; channelInactive calls ").append(recorder.inactiveCalls.get())
                .append("; ").append(closer == null ? "not closed" : ThrowableUtil.stackTraceToString(closer))
                .toString();
    }

    /** Our channel's close future and channelInactive, both within {@code seconds}. */
    void awaitClosed(int seconds) throws InterruptedException {
        if (!channel.closeFuture().await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("our channel is still open " + seconds + " s after the fault");
        }
        recorder.awaitInactive(seconds);
    }

    /**
     * channelInactive was called exactly once. Netty fires it in a task after the close future completes, so
     * wait for the first call; then a task on the loop runs, so a second call that was already queued behind the
     * first has had its chance to show up.
     */
    void assertInactiveOnce() throws Exception {
        recorder.awaitInactive(5);
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(1, recorder.inactiveCalls.get(), "channelInactive calls");
    }

    @Override
    public void close() throws Exception {
        try {
            peer.close();
        } finally {
            channel.close().sync();
            if (server != null) {
                server.close().sync();
            }
        }
    }
}
