package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.unix.UnixChannelUtil;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.Objects;

/**
 * A UDP {@link DatagramChannel} on a GoNetpoll event loop: a drop-in for {@code NioDatagramChannel} and
 * {@code EpollDatagramChannel}. The read loop, the flush, connect, disconnect and Go's deadline trio
 * ({@link GoNetpollDeadlineChannel}) are those of every GoNetpoll datagram channel
 * ({@link AbstractGoNetpollDatagramChannel}): the socket enters epoll once, at registration, and is never
 * modified; reads run to {@code EAGAIN}.
 *
 * <p>Messages: {@link DatagramPacket} and any {@link AddressedEnvelope} of a {@link ByteBuf} and an
 * {@link InetSocketAddress} are sent to their recipient; a plain {@link ByteBuf} goes to the connected peer
 * (unconnected: it fails with {@link NotYetConnectedException}). Received datagrams are {@link DatagramPacket}s
 * with the sender's address. An unresolved recipient fails its write with {@link UnresolvedAddressException},
 * as on epoll.
 *
 * <p>Batching, as on epoll: with {@code MAX_DATAGRAM_PAYLOAD_SIZE} a read takes several datagrams with one
 * {@code recvmmsg}; a flush of several datagrams sends them with {@code sendmmsg}; a
 * {@link SegmentedDatagramPacket} is one message the kernel cuts into datagrams (UDP GSO, where
 * {@link #isSegmentedDatagramPacketSupported()}), in that {@code sendmmsg} too; with {@code UDP_GRO} the kernel
 * may hand several datagrams of one flow to one read, which the channel delivers one by one.
 *
 * <p>Connected ({@link #connect}): the kernel then reports ICMP errors of the peer; "port unreachable" fails the
 * next read (through {@code exceptionCaught}) or write with {@link PortUnreachableException}, as on epoll and NIO.
 *
 * <p>Multicast: join and leave (with or without a source), block and unblock a source, on IPv4 and IPv6, through
 * the protocol-independent requests of RFC 3678 ({@code MCAST_JOIN_GROUP}, ...); options in
 * {@link GoNetpollDatagramChannelConfig}. Unlike Netty's epoll channel, {@code block} is supported. As on
 * epoll, {@code IP_MULTICAST_ALL} is turned off at creation, so that a socket bound to the wildcard address
 * receives the groups it joined, not every group any socket of the host joined (NIO's behaviour).
 */
public final class GoNetpollDatagramChannel extends AbstractGoNetpollDatagramChannel implements DatagramChannel {
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
            + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(InetSocketAddress.class) + ">, "
            + StringUtil.simpleClassName(ByteBuf.class) + ')';

    /** UDP GSO: probed once, at the first question. */
    private static final class Gso {
        static final boolean SUPPORTED = GoNetpollDatagramSocket.probeUdpSegment();
    }

    private final GoNetpollDatagramChannelConfig config;
    /** The last {@link #receive} was a short {@code recvmmsg} batch. Loop thread. */
    private boolean lastReceiveFoundQueueEmpty;

    /**
     * Whether {@link SegmentedDatagramPacket}s can be written: the kernel segments UDP datagrams (UDP GSO,
     * {@code UDP_SEGMENT}, Linux 4.18+). As Netty's {@code EpollDatagramChannel.isSegmentedDatagramPacketSupported}.
     */
    public static boolean isSegmentedDatagramPacketSupported() {
        return GoNetpoll.isAvailable() && Gso.SUPPORTED;
    }

    /** A UDP socket of the preferred family (IPv6 unless the JVM prefers IPv4). */
    public GoNetpollDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A UDP socket of {@code family} ({@code null}: the preferred family). */
    public GoNetpollDatagramChannel(SocketProtocolFamily family) {
        this(GoNetpollDatagramSocket.newInet(family), false);
    }

    /** Wraps an existing UDP socket fd; active (it may be bound or connected already). */
    public GoNetpollDatagramChannel(int fd) {
        this(new GoNetpollDatagramSocket(fd), true);
    }

    private GoNetpollDatagramChannel(GoNetpollDatagramSocket socket, boolean active) {
        super(socket, active);
        multicastAllOff(socket);
        config = new GoNetpollDatagramChannelConfig(this);
    }

    /**
     * See the class comment: both families' option on an IPv6 socket (it receives IPv4 traffic too). A kernel
     * without the option (IPv6's came in 4.20) keeps its default, as on epoll.
     */
    private static void multicastAllOff(GoNetpollDatagramSocket socket) {
        try {
            socket.setIntOpt(SocketNative.SOL_IP, SocketNative.IP_MULTICAST_ALL, 0);
            if (socket.isIpv6()) {
                socket.setIntOpt(SocketNative.SOL_IPV6, SocketNative.IPV6_MULTICAST_ALL, 0);
            }
        } catch (IOException ignored) {
            // As above.
        }
    }

    @Override
    public DatagramChannelConfig config() {
        return config;
    }

    @Override
    GoNetpollDatagramBaseConfig datagramConfig() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    /** The IPv4 wildcard on an IPv6 socket means the IPv6 wildcard (both families), as on epoll. */
    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            InetSocketAddress address = (InetSocketAddress) localAddress;
            checkResolvable(address);
            if (address.getAddress().isAnyLocalAddress() && address.getAddress() instanceof Inet4Address
                    && datagramSocket().isIpv6()) {
                localAddress = new InetSocketAddress(InetAddress.getByAddress(new byte[16]), address.getPort());
            }
        }
        super.doBind(localAddress);
    }

    @Override
    void checkConnectable(SocketAddress remoteAddress) {
        if (remoteAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) remoteAddress);
        }
    }

    @Override
    SocketAddress connectedRemote(SocketAddress requested) throws IOException {
        cacheLocalAddress();
        return UnixChannelUtil.computeRemoteAddr((InetSocketAddress) requested, socket.remoteAddress());
    }

    /**
     * One {@code recvfrom}, or with {@code MAX_DATAGRAM_PAYLOAD_SIZE} set and room in the buffer for two
     * datagrams or more, one {@code recvmmsg} of as many as fit (each message a slice of the buffer). With
     * {@code UDP_GRO} on, a message (of either) may hold several datagrams the kernel coalesced.
     */
    @Override
    int receive(ByteBuf buf, List<Object> out) throws IOException {
        GoNetpollDatagramSocket socket = datagramSocket();
        int segment = config.getMaxDatagramPayloadSize();
        int segments = segment == 0 ? 1 : buf.writableBytes() / segment;
        boolean gro = config.isUdpGro();
        lastReceiveFoundQueueEmpty = false;
        try {
            if (segments >= 2 && buf.hasMemoryAddress()) {
                return receiveBatch(socket, buf, segment, segments, gro, out);
            }
            if (gro && buf.hasMemoryAddress()) {
                return receiveCoalesced(socket, buf, out);
            }
            boolean destinations = config.isIpRecvOrigDestAddr();
            int read = socket.recvFrom(buf, segment == 0 ? Integer.MAX_VALUE : segment, destinations);
            if (read >= 0) {
                out.add(new DatagramPacket(buf, recipient(socket, destinations, 0), socket.lastSender()));
            }
            return Math.max(read, 0);
        } catch (Errors.NativeIoException e) {
            throw translateForConnected(e);
        }
    }

    /**
     * The local address, for received packets. A socket that sent before it was bound was bound by the kernel
     * then (an ephemeral port), which the address cached at registration does not know yet.
     */
    private InetSocketAddress recipientOfReads() {
        InetSocketAddress local = localAddress();
        if (local == null) {
            cacheLocalAddress();
            local = localAddress();
        }
        return local;
    }

    /**
     * The recipient of datagram {@code i} of the last read: with {@code IP_RECVORIGDSTADDR} on, the address it was
     * sent to (for a transparent proxy's socket, the original destination), as on epoll; else the local address.
     */
    private InetSocketAddress recipient(GoNetpollDatagramSocket socket, boolean destinations, int i)
            throws IOException {
        InetSocketAddress destination = destinations ? socket.destination(i) : null;
        return destination != null ? destination : recipientOfReads();
    }

    private int receiveBatch(GoNetpollDatagramSocket socket, ByteBuf buf, int segment, int segments, boolean gro,
                             List<Object> out) throws IOException {
        int count = Math.min(segments, SocketNative.MMSG_MAX);
        boolean destinations = config.isIpRecvOrigDestAddr();
        int received = socket.recvmmsg(buf, segment, count, destinations, gro);
        if (received < 0) {
            return 0;
        }
        int bytes = 0;
        int base = buf.writerIndex();
        for (int i = 0; i < received; i++) {
            int length = socket.length(i);
            bytes += length;
            addDatagrams(out, buf, base + i * segment, length, gro ? socket.gsoSize(i) : 0,
                    recipient(socket, destinations, i), socket.sender(i));
        }
        buf.release();
        // A short batch: the kernel tried the next datagram and found none (EAGAIN), see SocketNative.recvmmsg.
        lastReceiveFoundQueueEmpty = received < count;
        return bytes;
    }

    /** With UDP_GRO: one recvmsg, whose buffer may hold several datagrams of one flow, delivered one by one. */
    private int receiveCoalesced(GoNetpollDatagramSocket socket, ByteBuf buf, List<Object> out) throws IOException {
        boolean destinations = config.isIpRecvOrigDestAddr();
        int read = socket.recvFromGro(buf, destinations);
        if (read < 0) {
            return 0;
        }
        InetSocketAddress local = recipient(socket, destinations, 0);
        InetSocketAddress sender = socket.lastSender();
        int segment = socket.gsoSize(0);
        if (segment <= 0 || segment >= read) {
            out.add(new DatagramPacket(buf, local, sender));
            return read;
        }
        addDatagrams(out, buf, buf.readerIndex(), read, segment, local, sender);
        buf.release();
        return read;
    }

    /**
     * The datagrams of one message of a read: {@code length} bytes of {@code buf} at {@code offset}, one datagram
     * or, when the kernel coalesced several ({@code gsoSize} > 0), cut into {@code gsoSize}-byte datagrams (the last
     * may be shorter), each a retained slice.
     */
    private static void addDatagrams(List<Object> out, ByteBuf buf, int offset, int length, int gsoSize,
                                     InetSocketAddress recipient, InetSocketAddress sender) {
        int size = gsoSize > 0 ? gsoSize : length;
        int end = offset + length;
        do {
            int datagram = Math.min(size, end - offset);
            out.add(new DatagramPacket(buf.retainedSlice(offset, datagram), recipient, sender));
            offset += datagram;
        } while (offset < end);
    }

    @Override
    boolean lastReceiveFoundQueueEmpty() {
        return lastReceiveFoundQueueEmpty;
    }

    /**
     * Several flushed datagrams go out with one {@code sendmmsg}: the run of them at the head of the buffer that
     * have a memory address and a recipient (or a connected peer), at most {@code max}. A
     * {@link SegmentedDatagramPacket} is one entry with its {@code UDP_SEGMENT} control message, as on epoll.
     */
    @Override
    int sendBatch(ChannelOutboundBuffer in, int max) throws Exception {
        GoNetpollDatagramSocket socket = datagramSocket();
        socket.batchClear();
        boolean connected = isConnected();
        in.forEachFlushedMessage(msg -> {
            if (socket.batchSize() >= max) {
                return false;
            }
            ByteBuf data;
            InetSocketAddress recipient;
            if (msg instanceof AddressedEnvelope) {
                @SuppressWarnings("unchecked")
                AddressedEnvelope<ByteBuf, InetSocketAddress> envelope =
                        (AddressedEnvelope<ByteBuf, InetSocketAddress>) msg;
                data = envelope.content();
                recipient = envelope.recipient();
            } else if (msg instanceof ByteBuf) {
                data = (ByteBuf) msg;
                recipient = null;
            } else {
                return false;
            }
            if (recipient == null && !connected) {
                return false;
            }
            int segmentSize = msg instanceof SegmentedDatagramPacket
                    ? ((SegmentedDatagramPacket) msg).segmentSize() : 0;
            return socket.batchAdd(data, recipient, segmentSize);
        });
        if (socket.batchSize() < 2) {
            return 0;
        }
        try {
            return socket.batchSend();
        } catch (IOException e) {
            // The first datagram failed: sent alone, it fails its own write with the right exception.
            return 0;
        }
    }

    @Override
    boolean send(Object msg) throws IOException {
        ByteBuf data;
        InetSocketAddress recipient;
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<ByteBuf, InetSocketAddress> envelope = (AddressedEnvelope<ByteBuf, InetSocketAddress>) msg;
            data = envelope.content();
            recipient = envelope.recipient();
        } else {
            data = (ByteBuf) msg;
            recipient = null;
        }
        if (recipient == null && !isConnected()) {
            throw new NotYetConnectedException();
        }
        try {
            if (msg instanceof SegmentedDatagramPacket) {
                return datagramSocket().sendSegmented(data, recipient, ((SegmentedDatagramPacket) msg).segmentSize());
            }
            return datagramSocket().sendTo(data, recipient);
        } catch (Errors.NativeIoException e) {
            throw translateForConnected(e);
        }
    }

    /** ECONNREFUSED is how the kernel reports an ICMP "port unreachable": NIO's exception, as on epoll. */
    private static IOException translateForConnected(Errors.NativeIoException e) {
        if (e.expectedErr() == Errors.ERROR_ECONNREFUSED_NEGATIVE) {
            PortUnreachableException unreachable = new PortUnreachableException(e.getMessage());
            unreachable.initCause(e);
            return unreachable;
        }
        return e;
    }

    /**
     * What epoll's channel accepts, with the content moved to direct memory if it has no single native address
     * (a heap buffer, a composite one): {@code recvfrom}/{@code sendto} take one address.
     */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof SegmentedDatagramPacket) {
            if (!isSegmentedDatagramPacketSupported()) {
                throw new UnsupportedOperationException("unsupported message type: "
                        + StringUtil.simpleClassName(msg) + " (the kernel has no UDP GSO)" + EXPECTED_TYPES);
            }
            SegmentedDatagramPacket packet = (SegmentedDatagramPacket) msg;
            checkUnresolved(packet);
            ByteBuf content = packet.content();
            return content.hasMemoryAddress() ? msg : packet.replace(newDirectBuffer(content));
        }
        if (msg instanceof DatagramPacket) {
            DatagramPacket packet = (DatagramPacket) msg;
            checkUnresolved(packet);
            ByteBuf content = packet.content();
            return isCopyNeeded(content) ? new DatagramPacket(newDirectBuffer(content), packet.recipient()) : msg;
        }
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return isCopyNeeded(buf) ? newDirectBuffer(buf) : buf;
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> envelope = (AddressedEnvelope<Object, SocketAddress>) msg;
            checkUnresolved(envelope);
            if (envelope.content() instanceof ByteBuf
                    && (envelope.recipient() == null || envelope.recipient() instanceof InetSocketAddress)) {
                ByteBuf content = (ByteBuf) envelope.content();
                return isCopyNeeded(content) ? new DefaultAddressedEnvelope<ByteBuf, InetSocketAddress>(
                        newDirectBuffer(content), (InetSocketAddress) envelope.recipient()) : envelope;
            }
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    private static boolean isCopyNeeded(ByteBuf buf) {
        return !buf.hasMemoryAddress() && !(buf.isDirect() && buf.nioBufferCount() == 1);
    }

    private static void checkUnresolved(AddressedEnvelope<?, ?> envelope) {
        if (envelope.recipient() instanceof InetSocketAddress
                && ((InetSocketAddress) envelope.recipient()).isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    // Multicast. Each request runs on the channel's loop; its outcome completes the promise.

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress) {
        return joinGroup(multicastAddress, newPromise());
    }

    /** On {@code IP_MULTICAST_IF}'s interface, else the bound address's, else the one the kernel's routing picks. */
    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return multicast(SocketNative.MCAST_JOIN_GROUP, multicastAddress, null, null, true, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return joinGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                   ChannelPromise promise) {
        return joinGroup(multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source) {
        return joinGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source, ChannelPromise promise) {
        Objects.requireNonNull(networkInterface, "networkInterface");
        return multicast(source == null ? SocketNative.MCAST_JOIN_GROUP : SocketNative.MCAST_JOIN_SOURCE_GROUP,
                multicastAddress, networkInterface, source, false, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress) {
        return leaveGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return multicast(SocketNative.MCAST_LEAVE_GROUP, multicastAddress, null, null, true, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return leaveGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                    ChannelPromise promise) {
        return leaveGroup(multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source) {
        return leaveGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source, ChannelPromise promise) {
        Objects.requireNonNull(networkInterface, "networkInterface");
        return multicast(source == null ? SocketNative.MCAST_LEAVE_GROUP : SocketNative.MCAST_LEAVE_SOURCE_GROUP,
                multicastAddress, networkInterface, source, false, promise);
    }

    /** Blocks {@code sourceToBlock} in a group joined without a source ({@code MCAST_BLOCK_SOURCE}). */
    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock) {
        return block(multicastAddress, networkInterface, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock, ChannelPromise promise) {
        Objects.requireNonNull(networkInterface, "networkInterface");
        Objects.requireNonNull(sourceToBlock, "sourceToBlock");
        return multicast(SocketNative.MCAST_BLOCK_SOURCE, multicastAddress, networkInterface, sourceToBlock, false,
                promise);
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock) {
        return block(multicastAddress, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock, ChannelPromise promise) {
        Objects.requireNonNull(sourceToBlock, "sourceToBlock");
        return multicast(SocketNative.MCAST_BLOCK_SOURCE, multicastAddress, null, sourceToBlock, true, promise);
    }

    /**
     * Runs one membership request on the loop. {@code defaultInterface}: no interface was named, so take
     * {@code IP_MULTICAST_IF}'s, else the bound address's, else let the kernel pick (index 0).
     */
    private ChannelFuture multicast(int request, InetAddress group, NetworkInterface networkInterface,
                                    InetAddress source, boolean defaultInterface, ChannelPromise promise) {
        Objects.requireNonNull(group, "multicastAddress");
        if (eventLoop().inEventLoop()) {
            multicast0(request, group, networkInterface, source, defaultInterface, promise);
        } else {
            eventLoop().execute(() -> multicast0(request, group, networkInterface, source, defaultInterface,
                    promise));
        }
        return promise;
    }

    private void multicast0(int request, InetAddress group, NetworkInterface networkInterface, InetAddress source,
                            boolean defaultInterface, ChannelPromise promise) {
        try {
            NetworkInterface on = defaultInterface ? defaultInterface() : networkInterface;
            datagramSocket().multicast(request, group, on, source);
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    private NetworkInterface defaultInterface() throws SocketException {
        NetworkInterface configured = config.getNetworkInterface();
        if (configured != null) {
            return configured;
        }
        InetSocketAddress local = localAddress();
        return local == null || local.getAddress().isAnyLocalAddress() ? null
                : NetworkInterface.getByInetAddress(local.getAddress());
    }
}
