package io.gonetpoll.channel;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A flush parked on a full send buffer, for the tests of write deadlines. */
final class ParkedFlush {
    private ParkedFlush() {
    }

    /**
     * Writes 64 KiB buffers to a peer that does not read, until a flush is parked on the full send buffer; returns
     * the writes, the last of which (at least) is still pending.
     */
    static List<ChannelFuture> fill(GoNetpollSocketChannel client) throws Exception {
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            writes.add(client.writeAndFlush(Unpooled.wrappedBuffer(new byte[64 << 10])));
            boolean parked = client.eventLoop().submit(() -> client.pollDesc.isParked(Sides.WRITE))
                    .get(5, TimeUnit.SECONDS);
            if (parked) {
                return writes;
            }
        }
        throw new AssertionError("64 MiB written to a peer that does not read: no backpressure?");
    }
}
