package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.util.List;

/**
 * A Unix-domain datagram {@link DomainDatagramChannel} on a GoNetpoll event loop: a drop-in for Netty's
 * {@code EpollDomainDatagramChannel}. The read loop (to {@code EAGAIN}), the flush, connect and Go's deadline
 * trio ({@link GoNetpollDeadlineChannel}) are those of every GoNetpoll datagram channel
 * ({@link AbstractGoNetpollDatagramChannel}).
 *
 * <p>Messages: {@link DomainDatagramPacket} and any {@link AddressedEnvelope} of a {@link ByteBuf} and a
 * {@link DomainSocketAddress} are sent to their recipient; a plain {@link ByteBuf} goes to the connected peer.
 * Received datagrams are {@link DomainDatagramPacket}s whose sender is the peer's bound path (empty for an
 * unbound sender). Addresses are paths, or Linux abstract names with a leading {@code '\0'} (Netty's encoding).
 * A bind, connect or send that fails names the path (as {@link GoNetpollDomainSocketChannel} does); nobody at
 * the path is a {@code FileNotFoundException}, as on epoll. As on epoll,
 * {@code disconnect()} closes the channel.
 */
public final class GoNetpollDomainDatagramChannel extends AbstractGoNetpollDatagramChannel
        implements DomainDatagramChannel {
    private static final String EXPECTED_TYPES = " (expected: "
            + StringUtil.simpleClassName(DomainDatagramPacket.class) + ", "
            + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(DomainSocketAddress.class) + ">, "
            + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final GoNetpollDomainDatagramChannelConfig config;
    private volatile DomainSocketAddress local;
    private volatile DomainSocketAddress remote;

    /** An unbound, unconnected Unix-domain datagram socket. */
    public GoNetpollDomainDatagramChannel() {
        this(GoNetpollDatagramSocket.newDomain(), false);
    }

    /** Wraps an existing Unix-domain datagram socket fd (one end of a {@code socketpair}, say); active. */
    public GoNetpollDomainDatagramChannel(int fd) {
        this(new GoNetpollDatagramSocket(fd), true);
    }

    private GoNetpollDomainDatagramChannel(GoNetpollDatagramSocket socket, boolean active) {
        super(socket, active);
        if (active) {
            local = socket.localDomainSocketAddress();
            remote = socket.remoteDomainSocketAddress();
        }
        config = new GoNetpollDomainDatagramChannelConfig(this);
    }

    @Override
    public GoNetpollDomainDatagramChannelConfig config() {
        return config;
    }

    @Override
    GoNetpollDatagramBaseConfig datagramConfig() {
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

    /** The peer's credentials ({@code SO_PEERCRED}) of a connected socket. */
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
        active = true;
    }

    @Override
    SocketAddress connectedRemote(SocketAddress requested) {
        remote = (DomainSocketAddress) requested;
        return requested;
    }

    @Override
    void checkConnectable(SocketAddress remoteAddress) {
        if (!(remoteAddress instanceof DomainSocketAddress)) {
            throw new IllegalArgumentException("not a DomainSocketAddress: " + remoteAddress);
        }
    }

    /** Nobody at the path: {@code FileNotFoundException}, as on epoll, naming the path. */
    @Override
    void connectSocket(SocketAddress remoteAddress) throws IOException {
        DomainSocketAddress address = (DomainSocketAddress) remoteAddress;
        try {
            super.connectSocket(address);
        } catch (IOException e) {
            throw DomainSocketPaths.naming(address, "connect", e);
        }
    }

    /** As epoll's: a Unix datagram socket is disconnected by closing it. */
    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    int receive(ByteBuf buf, List<Object> out) throws IOException {
        int writerIndex = buf.writerIndex();
        DomainDatagramSocketAddress sender;
        if (buf.hasMemoryAddress()) {
            sender = socket.recvFromAddressDomainSocket(buf.memoryAddress(), writerIndex, buf.capacity());
        } else {
            ByteBuffer nio = buf.internalNioBuffer(writerIndex, buf.writableBytes());
            sender = socket.recvFromDomainSocket(nio, nio.position(), nio.limit());
        }
        if (sender == null) {
            return 0;
        }
        int length = sender.receivedAmount();
        buf.writerIndex(writerIndex + length);
        DomainSocketAddress localAddress = sender.localAddress() != null ? sender.localAddress() : local;
        out.add(new DomainDatagramPacket(buf, localAddress, sender));
        return length;
    }

    @Override
    boolean send(Object msg) throws IOException {
        ByteBuf data;
        DomainSocketAddress recipient;
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<ByteBuf, DomainSocketAddress> envelope =
                    (AddressedEnvelope<ByteBuf, DomainSocketAddress>) msg;
            data = envelope.content();
            recipient = envelope.recipient();
        } else {
            data = (ByteBuf) msg;
            recipient = null;
        }
        if (recipient != null) {
            try {
                return datagramSocket().sendToDomain(data, recipient);
            } catch (IOException e) {
                // Nobody at the path: FileNotFoundException, as on epoll, naming the path.
                throw DomainSocketPaths.naming(recipient, "sendto", e);
            }
        }
        if (!isConnected()) {
            throw new NotYetConnectedException();
        }
        return datagramSocket().sendTo(data, null);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DomainDatagramPacket) {
            DomainDatagramPacket packet = (DomainDatagramPacket) msg;
            ByteBuf content = packet.content();
            return isCopyNeeded(content)
                    ? new DomainDatagramPacket(newDirectBuffer(content), packet.recipient()) : msg;
        }
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return isCopyNeeded(buf) ? newDirectBuffer(buf) : buf;
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> envelope = (AddressedEnvelope<Object, SocketAddress>) msg;
            if (envelope.content() instanceof ByteBuf
                    && (envelope.recipient() == null || envelope.recipient() instanceof DomainSocketAddress)) {
                ByteBuf content = (ByteBuf) envelope.content();
                return isCopyNeeded(content) ? new DefaultAddressedEnvelope<ByteBuf, DomainSocketAddress>(
                        newDirectBuffer(content), (DomainSocketAddress) envelope.recipient()) : envelope;
            }
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    private static boolean isCopyNeeded(ByteBuf buf) {
        return !buf.hasMemoryAddress() && !(buf.isDirect() && buf.nioBufferCount() == 1);
    }
}
