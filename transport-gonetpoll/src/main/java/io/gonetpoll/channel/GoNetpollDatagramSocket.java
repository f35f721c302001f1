package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A datagram socket (UDP, or Unix-domain datagram): Netty's unix {@link io.netty.channel.unix.Socket} for
 * creation, bind, connect and options, and GoNetpoll's own {@code recvfrom}/{@code sendto}
 * ({@link SocketNative#recvFrom}, {@link SocketNative#sendTo}), which tell an empty datagram from "would block"
 * where Netty's answer {@code 0} to both. Multicast membership is here too.
 *
 * <p>Batches: {@code recvmmsg} into consecutive segments of one buffer, and {@code sendmmsg} of a batch built
 * with {@link #batchAdd} (at most {@link SocketNative#MMSG_MAX} datagrams each).
 *
 * <p>Loop thread only: senders and the batch live in reused arrays, and the last sender and recipient are
 * cached so that a peer that keeps talking costs no new {@link InetSocketAddress}.
 */
final class GoNetpollDatagramSocket extends GoNetpollSocket {
    private static final int ADDRESS_SIZE = SocketNative.DATAGRAM_ADDRESS_SIZE;

    /** Senders of the last recvFrom (slot 0) or recvmmsg (slot i), ADDRESS_SIZE bytes each. */
    private final byte[] senders = new byte[SocketNative.MMSG_MAX * ADDRESS_SIZE];
    /** Original destinations, as {@link #senders}, when the last read asked for them (IP_RECVORIGDSTADDR). */
    private byte[] destinations;
    /** Lengths of the datagrams of the last recvmmsg. */
    private final int[] lengths = new int[SocketNative.MMSG_MAX];
    private final AddressCache senderCache = new AddressCache();
    private final AddressCache destinationCache = new AddressCache();
    private InetSocketAddress lastRecipient;
    private byte[] lastRecipientBytes;
    private DomainSocketAddress lastDomainRecipient;
    private byte[] lastDomainRecipientPath;
    /** The sendmmsg batch being built ({@link #batchAdd}); {@code batchSize} entries are valid. */
    private final long[] batchAddresses = new long[SocketNative.MMSG_MAX];
    private final int[] batchLengths = new int[SocketNative.MMSG_MAX];
    private final byte[] batchRecipients = new byte[SocketNative.MMSG_MAX * 16];
    private final int[] batchRecipientLengths = new int[SocketNative.MMSG_MAX];
    private final int[] batchScopeIds = new int[SocketNative.MMSG_MAX];
    private final int[] batchPorts = new int[SocketNative.MMSG_MAX];
    /** 0: a datagram as it is; else the UDP GSO segment size the kernel cuts it into. */
    private final int[] batchSegmentSizes = new int[SocketNative.MMSG_MAX];
    private int batchSize;
    /** GRO segment sizes of the last {@link #recvFromGro} (slot 0) or {@link #recvmmsg} with GRO (slot i). */
    private final int[] gsoSizes = new int[SocketNative.MMSG_MAX];

    GoNetpollDatagramSocket(int fd) {
        super(fd);
    }

    static GoNetpollDatagramSocket newInet(SocketProtocolFamily family) {
        return new GoNetpollDatagramSocket(family == null ? newSocketDgram0() : newSocketDgram0(family));
    }

    /** Whether the kernel segments UDP datagrams (UDP GSO, Linux 4.18+): it knows the {@code UDP_SEGMENT} option. */
    static boolean probeUdpSegment() {
        GoNetpollDatagramSocket probe = newInet(SocketProtocolFamily.INET);
        try {
            probe.getIntOpt(SocketNative.SOL_UDP, SocketNative.UDP_SEGMENT);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                probe.close();
            } catch (IOException ignored) {
                // Nothing was done with it.
            }
        }
    }

    static GoNetpollDatagramSocket newDomain() {
        return new GoNetpollDatagramSocket(newSocketDomainDgram0());
    }

    boolean isIpv6() {
        return ipv6;
    }

    /**
     * One datagram into {@code buf}'s writable bytes (at most {@code maxLength}; a longer datagram is truncated,
     * as {@code recv(2)} does): its length, with {@code buf}'s writer index moved, or {@code -1} if nothing is
     * queued. The sender is then {@link #lastSender()}, and with {@code withDestination} (the socket has
     * {@code IP_RECVORIGDSTADDR} on) the original destination {@link #destination(int) destination(0)}.
     */
    int recvFrom(ByteBuf buf, int maxLength, boolean withDestination) throws IOException {
        int writerIndex = buf.writerIndex();
        int length = Math.min(buf.writableBytes(), maxLength);
        byte[] to = destinations(withDestination);
        int read;
        if (buf.hasMemoryAddress()) {
            read = SocketNative.recvFrom(intValue(), buf.memoryAddress(), writerIndex, writerIndex + length, senders,
                    to);
        } else {
            ByteBuffer nio = buf.internalNioBuffer(writerIndex, length);
            read = SocketNative.recvFrom(intValue(), Buffer.memoryAddress(nio), nio.position(), nio.limit(),
                    senders, to);
        }
        if (read >= 0) {
            buf.writerIndex(writerIndex + read);
        }
        return read;
    }

    /**
     * {@link #recvFrom} on a socket with {@code UDP_GRO} on: several datagrams of one flow may arrive coalesced,
     * each {@link #gsoSize(int) gsoSize(0)} bytes (the last may be shorter); 0 there means one datagram.
     */
    int recvFromGro(ByteBuf buf, boolean withDestination) throws IOException {
        int writerIndex = buf.writerIndex();
        int read = SocketNative.recvFromGro(intValue(), buf.memoryAddress(), writerIndex, buf.capacity(), senders,
                gsoSizes, destinations(withDestination));
        if (read >= 0) {
            buf.writerIndex(writerIndex + read);
        }
        return read;
    }

    /**
     * The size of each datagram the kernel coalesced into slot {@code i} of the last read with GRO (0: one
     * datagram).
     */
    int gsoSize(int i) {
        return gsoSizes[i];
    }

    /**
     * Sends {@code buf}'s readable bytes as datagrams of {@code segmentSize} bytes, cut by the kernel (UDP GSO):
     * {@code true} if sent, {@code false} if the send buffer is full.
     */
    boolean sendSegmented(ByteBuf buf, InetSocketAddress recipient, int segmentSize) throws IOException {
        byte[] to = null;
        int scopeId = 0;
        int port = 0;
        if (recipient != null) {
            to = recipientBytes(recipient);
            InetAddress address = recipient.getAddress();
            scopeId = address instanceof Inet6Address ? ((Inet6Address) address).getScopeId() : 0;
            port = recipient.getPort();
        }
        int index = buf.readerIndex();
        return SocketNative.sendSegmented(intValue(), buf.memoryAddress(), index, index + buf.readableBytes(), to,
                scopeId, port, segmentSize) >= 0;
    }

    /** The sender of the datagram {@link #recvFrom} read last (the same instance while it does not change). */
    InetSocketAddress lastSender() throws UnknownHostException {
        return sender(0);
    }

    /**
     * Up to {@code count} datagrams in one {@code recvmmsg} into {@code buf}'s writable bytes, datagram {@code i}
     * at offset {@code i * segmentSize} from the writer index (the index is not moved): how many were read, or
     * {@code -1} if none was queued. Then {@link #length(int)} and {@link #sender(int)} describe each. {@code buf}
     * must have a memory address and room for {@code count} segments. {@code withDestination}: as in
     * {@link #recvFrom}, for each datagram. {@code gro}: the socket has {@code UDP_GRO} on, so a slot may hold
     * several coalesced datagrams, each {@link #gsoSize(int)} bytes.
     */
    int recvmmsg(ByteBuf buf, int segmentSize, int count, boolean withDestination, boolean gro) throws IOException {
        return SocketNative.recvmmsg(intValue(), buf.memoryAddress() + buf.writerIndex(), segmentSize,
                Math.min(count, SocketNative.MMSG_MAX), lengths, senders, destinations(withDestination),
                gro ? gsoSizes : null);
    }

    private byte[] destinations(boolean wanted) {
        if (wanted && destinations == null) {
            destinations = new byte[SocketNative.MMSG_MAX * ADDRESS_SIZE];
        }
        return wanted ? destinations : null;
    }

    /**
     * The original destination of datagram {@code i} of the last read that asked for it, or {@code null} if the
     * kernel gave none (the option is off).
     */
    InetSocketAddress destination(int i) throws UnknownHostException {
        int offset = i * ADDRESS_SIZE;
        if (destinations == null || (destinations[offset + 20] | destinations[offset + 21]) == 0) {
            return null; // port 0: none given
        }
        return destinationCache.get(destinations, offset);
    }

    /** Length of datagram {@code i} of the last {@link #recvmmsg}. */
    int length(int i) {
        return lengths[i];
    }

    /**
     * The sender of datagram {@code i} of the last {@link #recvmmsg} (or, for {@code 0}, of the last
     * {@link #recvFrom}); the same instance as the previous answer while it does not change.
     */
    InetSocketAddress sender(int i) throws UnknownHostException {
        return senderCache.get(senders, i * ADDRESS_SIZE);
    }

    /**
     * Decodes the addresses the native reads fill in (layout: {@link SocketNative#DATAGRAM_ADDRESS_SIZE}), and keeps
     * the last one, so that a peer that keeps talking costs no new {@link InetSocketAddress}.
     */
    private static final class AddressCache {
        private final byte[] bytes = new byte[ADDRESS_SIZE];
        private InetSocketAddress address;

        /** The address at {@code offset}; the same instance as the previous answer while it does not change. */
        InetSocketAddress get(byte[] from, int offset) throws UnknownHostException {
            if (address != null && Arrays.equals(from, offset, offset + ADDRESS_SIZE, bytes, 0, ADDRESS_SIZE)) {
                return address;
            }
            int port = (from[offset + 20] & 0xff) << 8 | from[offset + 21] & 0xff;
            byte[] ip = Arrays.copyOfRange(from, offset, offset + 16);
            int scopeId = (from[offset + 16] & 0xff) << 24 | (from[offset + 17] & 0xff) << 16
                    | (from[offset + 18] & 0xff) << 8 | from[offset + 19] & 0xff;
            InetAddress inet = scopeId != 0 ? Inet6Address.getByAddress(null, ip, scopeId)
                    : InetAddress.getByAddress(ip); // ::ffff:a.b.c.d gives the Inet4Address
            address = new InetSocketAddress(inet, port);
            System.arraycopy(from, offset, bytes, 0, ADDRESS_SIZE);
            return address;
        }
    }

    /** Starts a new sendmmsg batch. */
    void batchClear() {
        batchSize = 0;
    }

    int batchSize() {
        return batchSize;
    }

    /**
     * Adds {@code buf}'s readable bytes, to {@code recipient} (or the connected peer if {@code null}), to the
     * batch, as one datagram ({@code segmentSize} 0) or as datagrams of {@code segmentSize} bytes that the kernel
     * cuts (UDP GSO): {@code false} if the batch is full or {@code buf} has no memory address (send it alone).
     */
    boolean batchAdd(ByteBuf buf, InetSocketAddress recipient, int segmentSize) {
        if (batchSize == SocketNative.MMSG_MAX || !buf.hasMemoryAddress()) {
            return false;
        }
        int i = batchSize;
        batchAddresses[i] = buf.memoryAddress() + buf.readerIndex();
        batchLengths[i] = buf.readableBytes();
        batchSegmentSizes[i] = segmentSize;
        if (recipient == null) {
            batchRecipientLengths[i] = 0;
        } else {
            byte[] to = recipientBytes(recipient);
            System.arraycopy(to, 0, batchRecipients, i * 16, to.length);
            batchRecipientLengths[i] = to.length;
            InetAddress address = recipient.getAddress();
            batchScopeIds[i] = address instanceof Inet6Address ? ((Inet6Address) address).getScopeId() : 0;
            batchPorts[i] = recipient.getPort();
        }
        batchSize++;
        return true;
    }

    /**
     * Sends the batch with one {@code sendmmsg}: how many of its datagrams were sent, in order, or {@code -1} if
     * the first would block. A datagram the kernel refused stops the batch; sent alone it reports why.
     */
    int batchSend() throws IOException {
        return SocketNative.sendmmsg(intValue(), batchSize, batchAddresses, batchLengths, batchRecipients,
                batchRecipientLengths, batchScopeIds, batchPorts, batchSegmentSizes);
    }

    /**
     * Sends {@code buf}'s readable bytes as one datagram to {@code recipient}, or to the connected peer if it is
     * {@code null}: {@code true} if sent, {@code false} if the send buffer is full (nothing sent).
     */
    boolean sendTo(ByteBuf buf, InetSocketAddress recipient) throws IOException {
        byte[] to = null;
        int scopeId = 0;
        int port = 0;
        if (recipient != null) {
            to = recipientBytes(recipient);
            InetAddress address = recipient.getAddress();
            scopeId = address instanceof Inet6Address ? ((Inet6Address) address).getScopeId() : 0;
            port = recipient.getPort();
        }
        int index = buf.readerIndex();
        int length = buf.readableBytes();
        int sent;
        if (buf.hasMemoryAddress()) {
            sent = SocketNative.sendTo(intValue(), buf.memoryAddress(), index, index + length, to, scopeId, port);
        } else {
            ByteBuffer nio = buf.internalNioBuffer(index, length);
            sent = SocketNative.sendTo(intValue(), Buffer.memoryAddress(nio), nio.position(), nio.limit(), to,
                    scopeId, port);
        }
        return sent >= 0;
    }

    /** Sends {@code buf}'s readable bytes as one datagram to the Unix-domain socket {@code recipient}. */
    boolean sendToDomain(ByteBuf buf, DomainSocketAddress recipient) throws IOException {
        if (recipient != lastDomainRecipient) {
            lastDomainRecipientPath = recipient.path().getBytes(StandardCharsets.UTF_8);
            lastDomainRecipient = recipient;
        }
        int index = buf.readerIndex();
        int length = buf.readableBytes();
        int sent;
        if (buf.hasMemoryAddress()) {
            sent = SocketNative.sendToDomain(intValue(), buf.memoryAddress(), index, index + length,
                    lastDomainRecipientPath);
        } else {
            ByteBuffer nio = buf.internalNioBuffer(index, length);
            sent = SocketNative.sendToDomain(intValue(), Buffer.memoryAddress(nio), nio.position(), nio.limit(),
                    lastDomainRecipientPath);
        }
        return sent >= 0;
    }

    /** The address as {@code sendto} wants it on this socket: IPv4 as {@code ::ffff:a.b.c.d} on an IPv6 socket. */
    private byte[] recipientBytes(InetSocketAddress recipient) {
        if (recipient == lastRecipient) {
            return lastRecipientBytes;
        }
        byte[] address = recipient.getAddress().getAddress();
        if (ipv6 && address.length == 4) {
            address = ipv4Mapped(address);
        }
        lastRecipient = recipient;
        lastRecipientBytes = address;
        return address;
    }

    private static byte[] ipv4Mapped(byte[] ipv4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, mapped, 12, 4);
        return mapped;
    }

    /**
     * Joins or leaves {@code group}, or blocks or unblocks {@code source} in it ({@code request}: one of
     * {@link SocketNative}'s {@code MCAST_*} requests, chosen by the caller with or without a source), on
     * {@code networkInterface} ({@code null}: the one the kernel's routing picks). An IPv4 group is requested at
     * {@code SOL_IP} on either family (the kernel accepts IPv4 requests on an IPv6 socket, for mapped traffic).
     */
    void multicast(int request, InetAddress group, NetworkInterface networkInterface, InetAddress source)
            throws IOException {
        boolean ipv4Group = group instanceof Inet4Address;
        if (source != null && (source instanceof Inet4Address) != ipv4Group) {
            throw new IllegalArgumentException("source " + source + " is not of the family of group " + group);
        }
        int level = ipv4Group ? SocketNative.SOL_IP : SocketNative.SOL_IPV6;
        int index = networkInterface == null ? 0 : networkInterface.getIndex();
        SocketNative.multicast(intValue(), level, request, group.getAddress(), Math.max(index, 0),
                source == null ? null : source.getAddress());
    }
}
