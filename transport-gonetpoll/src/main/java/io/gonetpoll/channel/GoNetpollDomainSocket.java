package io.gonetpoll.channel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Unix-domain stream connection whose reads tell whether they ended at ancillary data: the kernel ends a read
 * on a Unix stream socket after a message that carried descriptors ({@code SCM_RIGHTS}) and, with
 * {@code SO_PASSCRED}, before a message from a writer with other credentials, with data still queued behind it
 * (docs/epoll-pitfalls.md#a-short-read-is-not-always-a-drained-socket). Reads into native memory are one
 * {@code recvmsg} without room for ancillary data, whose {@code MSG_CTRUNC} says so at no extra cost
 * ({@link SocketNative#recvStream}); the descriptors themselves are closed by the kernel, as a plain
 * {@code recv} would. Loop thread only.
 */
final class GoNetpollDomainSocket extends GoNetpollSocket {
    /** The last read may have stopped short of the queue's end: it ended at ancillary data, or nobody can tell. */
    private boolean lastReadEndedAtAncillary = true;

    GoNetpollDomainSocket(int fd) {
        super(fd);
    }

    static GoNetpollDomainSocket newConnection() {
        return new GoNetpollDomainSocket(newSocketDomain0());
    }

    boolean lastReadEndedAtAncillary() {
        return lastReadEndedAtAncillary;
    }

    @Override
    public int recvAddress(long address, int pos, int limit) throws IOException {
        long res = SocketNative.recvStream(intValue(), address, pos, limit);
        if (res <= 0) {
            lastReadEndedAtAncillary = false;
            return (int) res;
        }
        lastReadEndedAtAncillary = (res & SocketNative.RECV_STREAM_ANCILLARY) != 0;
        return (int) (res & ~SocketNative.RECV_STREAM_ANCILLARY);
    }

    /** Only without {@code sun.misc.Unsafe} (buffers without an address): Netty's read, which cannot tell. */
    @Override
    public int recv(ByteBuffer buf, int pos, int limit) throws IOException {
        lastReadEndedAtAncillary = true;
        return super.recv(buf, pos, limit);
    }
}
