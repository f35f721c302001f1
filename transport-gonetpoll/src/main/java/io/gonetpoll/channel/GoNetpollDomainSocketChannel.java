package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.UnixChannelOption;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A Unix-domain stream {@link DomainSocketChannel} on a GoNetpoll event loop: a drop-in for Netty's
 * {@code EpollDomainSocketChannel}. Reads, writes ({@code writev}, {@code sendfile} for file regions), connect,
 * half-closure, autoRead, writability and Go's deadline trio ({@link GoNetpollDeadlineChannel}, with
 * {@code READ_TIMEOUT_MILLIS} / {@code WRITE_TIMEOUT_MILLIS}) are those of every GoNetpoll stream channel
 * ({@link AbstractGoNetpollStreamChannel}); the socket enters epoll once and is never modified, as TCP's.
 *
 * <p>Addresses are {@link DomainSocketAddress}es: a file-system path, or a Linux abstract name written with a
 * leading {@code '\0'} (Netty's encoding; see {@link DomainSocketPaths}). A bind or connect that fails throws
 * what Netty's epoll channel throws (a {@code NativeIoException}; {@code FileNotFoundException} when no socket
 * is at the path), with the path in the message.
 *
 * <p>Read modes ({@link UnixChannelOption#DOMAIN_SOCKET_READ_MODE}), as on epoll:
 * <ul>
 *   <li>{@link DomainSocketReadMode#BYTES} (default): {@code ByteBuf}s. A short read does not always prove the
 *   socket empty here: the kernel ends a read after a message that carried file descriptors (which a reader in
 *   this mode does not take: the kernel closes them), and (with {@code SO_PASSCRED}) before one from a writer
 *   with other credentials, with data still queued and no edge to come
 *   (docs/epoll-pitfalls.md#a-short-read-is-not-always-a-drained-socket). Each read is a {@code recvmsg} that
 *   reports such an end ({@link GoNetpollDomainSocket}); only then does the channel ask the receive queue
 *   ({@code ioctl(FIONREAD)}) and park only if it is empty. Every other short read counts as drained, as on
 *   TCP: the common request costs one read and no {@code EAGAIN} read, and no data is ever left behind.</li>
 *   <li>{@link DomainSocketReadMode#FILE_DESCRIPTORS}: each received descriptor ({@code SCM_RIGHTS}, Netty's
 *   {@code recvFd}) is a {@link FileDescriptor} message, which the handler owns and must close. Under autoRead
 *   the loop reads on until {@code recvFd} reports {@code EAGAIN} (or the allocator's message limit); an
 *   explicit {@code read()} delivers one descriptor and asks the receive queue whether more wait.</li>
 * </ul>
 * Writing a {@link FileDescriptor} passes it to the peer (Netty's {@code sendFd}: one byte with the descriptor
 * attached); the writer keeps its own descriptor open.
 *
 * <p>{@link #peerCredentials()}: the peer's pid, uid and gid ({@code SO_PEERCRED}).
 */
public final class GoNetpollDomainSocketChannel extends AbstractGoNetpollStreamChannel implements DomainSocketChannel {
    private final GoNetpollDomainSocketChannelConfig config;

    private volatile DomainSocketAddress local;
    private volatile DomainSocketAddress remote;

    /** A client socket, not yet connected. */
    public GoNetpollDomainSocketChannel() {
        super(GoNetpollDomainSocket.newConnection(), false);
        config = new GoNetpollDomainSocketChannelConfig(this);
    }

    /**
     * Wraps an existing Unix stream socket fd (one end of a {@code socketpair}, say); it is active if it is
     * connected.
     */
    public GoNetpollDomainSocketChannel(int fd) {
        this(new GoNetpollDomainSocket(fd));
    }

    private GoNetpollDomainSocketChannel(GoNetpollDomainSocket socket) {
        super(socket, socket.remoteDomainSocketAddress() != null);
        if (isActive()) {
            local = socket.localDomainSocketAddress();
            remote = socket.remoteDomainSocketAddress();
            remote(remote);
        }
        config = new GoNetpollDomainSocketChannelConfig(this);
    }

    /** An accepted connection. */
    GoNetpollDomainSocketChannel(Channel parent, GoNetpollDomainSocket socket) {
        super(parent, socket, socket.remoteDomainSocketAddress());
        local = socket.localDomainSocketAddress();
        remote = socket.remoteDomainSocketAddress();
        config = new GoNetpollDomainSocketChannelConfig(this);
    }

    @Override
    public GoNetpollDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    GoNetpollStreamChannelConfig streamConfig() {
        return config;
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return (DomainSocketAddress) super.remoteAddress();
    }

    @Override
    protected DomainSocketAddress localAddress0() {
        return local;
    }

    @Override
    protected DomainSocketAddress remoteAddress0() {
        return remote;
    }

    /** The peer's credentials ({@code SO_PEERCRED}): its pid, uid and gid when the connection was made. */
    public PeerCredentials peerCredentials() throws IOException {
        return socket.peerCredentials();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        DomainSocketAddress address = (DomainSocketAddress) localAddress;
        try {
            socket.bind(address);
        } catch (IOException e) {
            throw DomainSocketPaths.naming(address, "bind", e);
        }
        local = address;
    }

    @Override
    boolean startConnect(SocketAddress remoteAddress) throws IOException {
        DomainSocketAddress address = (DomainSocketAddress) remoteAddress;
        boolean connected;
        try {
            connected = super.startConnect(address);
        } catch (IOException e) {
            throw DomainSocketPaths.naming(address, "connect", e);
        }
        remote = address;
        if (local == null) {
            local = socket.localDomainSocketAddress();
        }
        return connected;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof FileDescriptor) {
            return msg;
        }
        return super.filterOutboundMessage(msg);
    }

    /**
     * See the class comment: a short read that ended at ancillary data is trusted only once the receive queue
     * confirms it; any other short read is, as on TCP.
     */
    @Override
    boolean shortReadDrained() throws IOException {
        if (!((GoNetpollDomainSocket) socket).lastReadEndedAtAncillary()) {
            return true;
        }
        counters().increment(LoopCounters.RECEIVE_QUEUE_QUERIES);
        return socket.receiveQueueBytes() == 0;
    }

    @Override
    protected AbstractGoNetpollUnsafe newUnsafe() {
        return new DomainUnsafe();
    }

    private final class DomainUnsafe extends StreamUnsafe {
        @Override
        void readReady() {
            if (config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS) {
                readFileDescriptors();
            } else {
                super.readReady();
            }
        }

        /** The read loop of FILE_DESCRIPTORS mode (see the class comment). */
        private void readFileDescriptors() {
            if (socket.isInputShutdown()) {
                return;
            }
            RecvByteBufAllocator.Handle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(config);
            try {
                do {
                    // Netty's recvFd: a descriptor, 0 if it would block, -1 at EOF.
                    int fd = socket.recvFd();
                    LoopCounters counters = counters();
                    // One byte travels with each descriptor (SCM_RIGHTS): counted as one byte read.
                    counters.readSyscall(fd > 0 ? 1 : fd);
                    if (fd == 0) {
                        pollDesc.drained(Sides.READ);
                        break;
                    }
                    if (fd < 0) {
                        // As epoll: the end of the stream closes the channel.
                        allocHandle.readComplete();
                        pipeline.fireChannelReadComplete();
                        close(voidPromise());
                        return;
                    }
                    pollDesc.satisfied(Sides.READ);
                    allocHandle.attemptedBytesRead(1);
                    allocHandle.lastBytesRead(1);
                    allocHandle.incMessagesRead(1);
                    // An explicit read() stops after this message: the receive queue says whether an edge is
                    // still needed (autoRead reads on to EAGAIN instead).
                    if (!config.isAutoRead() && !pollDesc.peerClosed() && !pollDesc.urgentDataPending()) {
                        counters.increment(LoopCounters.RECEIVE_QUEUE_QUERIES);
                        if (socket.receiveQueueBytes() == 0) {
                            pollDesc.drained(Sides.READ);
                        }
                    }
                    pipeline.fireChannelRead(new FileDescriptor(fd));
                } while (allocHandle.continueReading() && isOpen() && !socket.isInputShutdown());
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
            } catch (Throwable t) {
                pollDesc.failed(Sides.READ);
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                pipeline.fireExceptionCaught(t);
                // A failed read means the input is gone; reading again would only fail again.
                if (t instanceof IOException) {
                    close(voidPromise());
                }
            }
        }
    }
}
