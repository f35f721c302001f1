package io.gonetpoll.channel;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

import static io.gonetpoll.channel.SocketNative.IPV6_MULTICAST_HOPS;
import static io.gonetpoll.channel.SocketNative.IPV6_MULTICAST_IF;
import static io.gonetpoll.channel.SocketNative.IPV6_MULTICAST_ALL;
import static io.gonetpoll.channel.SocketNative.IPV6_MULTICAST_LOOP;
import static io.gonetpoll.channel.SocketNative.IPV6_RECVORIGDSTADDR;
import static io.gonetpoll.channel.SocketNative.IP_MULTICAST_ALL;
import static io.gonetpoll.channel.SocketNative.IP_MULTICAST_LOOP;
import static io.gonetpoll.channel.SocketNative.IP_MULTICAST_TTL;
import static io.gonetpoll.channel.SocketNative.IP_RECVORIGDSTADDR;
import static io.gonetpoll.channel.SocketNative.SOL_IP;
import static io.gonetpoll.channel.SocketNative.SOL_IPV6;

/**
 * Config of a {@link GoNetpollDatagramChannel}: the options of Netty's epoll datagram channel, read from and
 * written to the socket itself so {@code getOption} reports what the kernel has. The multicast options of an
 * IPv6 socket set both its IPv6 option and the IPv4 one (the kernel uses the latter for IPv4-mapped
 * destinations, which an IPv6 socket reaches too); they are read from the socket's own family.
 */
final class GoNetpollDatagramChannelConfig extends GoNetpollDatagramBaseConfig implements DatagramChannelConfig {
    private static final ChannelOptionTable<GoNetpollDatagramChannelConfig> OPTIONS =
            new ChannelOptionTable<GoNetpollDatagramChannelConfig>(DATAGRAM_OPTIONS, INET_OPTIONS)
                    .add(ChannelOption.SO_BROADCAST, c -> c.isBroadcast(), (c, v) -> c.setBroadcast(v))
                    .add(ChannelOption.IP_TOS, c -> c.getTrafficClass(), (c, v) -> c.setTrafficClass(v))
                    .add(ChannelOption.IP_MULTICAST_LOOP_DISABLED, c -> c.isLoopbackModeDisabled(),
                            (c, v) -> c.setLoopbackModeDisabled(v))
                    .add(ChannelOption.IP_MULTICAST_TTL, c -> c.getTimeToLive(), (c, v) -> c.setTimeToLive(v))
                    .add(ChannelOption.IP_MULTICAST_IF, c -> c.getNetworkInterface(),
                            (c, v) -> c.setNetworkInterface(v))
                    .add(ChannelOption.IP_MULTICAST_ADDR, c -> c.getInterface(), (c, v) -> c.setInterface(v))
                    .add(GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, c -> c.maxDatagramPayloadSize,
                            (c, v) -> c.maxDatagramPayloadSize = checkRange(
                                    GoNetpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, v, 0, Integer.MAX_VALUE))
                    .add(GoNetpollChannelOption.UDP_GRO, c -> c.udpGro, (c, v) -> c.setUdpGro(v))
                    .add(GoNetpollChannelOption.IP_MULTICAST_ALL, c -> c.isIpMulticastAll(),
                            (c, v) -> c.setBoth(IPV6_MULTICAST_ALL, IP_MULTICAST_ALL, v ? 1 : 0))
                    .add(GoNetpollChannelOption.IP_RECVORIGDSTADDR, c -> c.isIpRecvOrigDestAddr(),
                            (c, v) -> c.setIpRecvOrigDestAddr(v));

    /** MAX_DATAGRAM_PAYLOAD_SIZE; 0 = one datagram per read, as large as the buffer. */
    private volatile int maxDatagramPayloadSize;
    /** UDP_GRO was turned on (the socket option has no reliable read-back on every kernel). */
    private volatile boolean udpGro;
    /** IP_RECVORIGDSTADDR is on: reads ask for the destination (kept here so a read need not ask the kernel). */
    private volatile boolean ipRecvOrigDestAddr;

    GoNetpollDatagramChannelConfig(GoNetpollDatagramChannel channel) {
        super(channel);
    }

    @Override
    ChannelOptionTable<?> table() {
        return OPTIONS;
    }

    boolean isUdpGro() {
        return udpGro;
    }

    /** {@code setsockopt(SOL_UDP, UDP_GRO)}; fails (a {@code ChannelException}) where the kernel lacks it. */
    private void setUdpGro(boolean gro) {
        set(s -> s.setIntOpt(SocketNative.SOL_UDP, SocketNative.UDP_GRO, gro ? 1 : 0));
        udpGro = gro;
    }

    boolean isIpRecvOrigDestAddr() {
        return ipRecvOrigDestAddr;
    }

    /** Both families' option on an IPv6 socket, as the multicast options (an IPv6 socket receives IPv4 too). */
    private void setIpRecvOrigDestAddr(boolean on) {
        setBoth(IPV6_RECVORIGDSTADDR, IP_RECVORIGDSTADDR, on ? 1 : 0);
        ipRecvOrigDestAddr = on;
    }

    int getMaxDatagramPayloadSize() {
        return maxDatagramPayloadSize;
    }

    private boolean ipv6() {
        return ((GoNetpollDatagramSocket) socket()).isIpv6();
    }

    @Override
    public GoNetpollDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        setSendBufferSize0(sendBufferSize);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setReceiveBufferSize0(receiveBufferSize);
        return this;
    }

    @Override
    public int getTrafficClass() {
        return get(GoNetpollSocket::getTrafficClass);
    }

    @Override
    public GoNetpollDatagramChannelConfig setTrafficClass(int trafficClass) {
        checkRange(ChannelOption.IP_TOS, trafficClass, 0, 255);
        set(s -> s.setTrafficClass(trafficClass));
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return get(GoNetpollSocket::isReuseAddress);
    }

    @Override
    public GoNetpollDatagramChannelConfig setReuseAddress(boolean reuseAddress) {
        set(s -> s.setReuseAddress(reuseAddress));
        return this;
    }

    @Override
    public boolean isBroadcast() {
        return get(GoNetpollSocket::isBroadcast);
    }

    @Override
    public GoNetpollDatagramChannelConfig setBroadcast(boolean broadcast) {
        set(s -> s.setBroadcast(broadcast));
        return this;
    }

    @Override
    public boolean isLoopbackModeDisabled() {
        return ipv6() ? get(s -> s.getIntOpt(SOL_IPV6, IPV6_MULTICAST_LOOP) == 0)
                : get(s -> s.getIntOpt(SOL_IP, IP_MULTICAST_LOOP) == 0);
    }

    @Override
    public GoNetpollDatagramChannelConfig setLoopbackModeDisabled(boolean loopbackModeDisabled) {
        int loop = loopbackModeDisabled ? 0 : 1;
        setBoth(IPV6_MULTICAST_LOOP, IP_MULTICAST_LOOP, loop);
        return this;
    }

    private boolean isIpMulticastAll() {
        return ipv6() ? get(s -> s.getIntOpt(SOL_IPV6, IPV6_MULTICAST_ALL) != 0)
                : get(s -> s.getIntOpt(SOL_IP, IP_MULTICAST_ALL) != 0);
    }

    @Override
    public int getTimeToLive() {
        return ipv6() ? get(s -> s.getIntOpt(SOL_IPV6, IPV6_MULTICAST_HOPS))
                : get(s -> s.getIntOpt(SOL_IP, IP_MULTICAST_TTL));
    }

    @Override
    public GoNetpollDatagramChannelConfig setTimeToLive(int ttl) {
        checkRange(ChannelOption.IP_MULTICAST_TTL, ttl, 0, 255);
        setBoth(IPV6_MULTICAST_HOPS, IP_MULTICAST_TTL, ttl);
        return this;
    }

    /**
     * On an IPv6 socket the IPv6 option, then the IPv4 one for mapped destinations; on an IPv4 socket the IPv4
     * one only.
     */
    private void setBoth(int ipv6Option, int ipv4Option, int value) {
        if (ipv6()) {
            set(s -> s.setIntOpt(SOL_IPV6, ipv6Option, value));
        }
        set(s -> s.setIntOpt(SOL_IP, ipv4Option, value));
    }

    /** The first address of {@link #getNetworkInterface()} of the socket's family, or {@code null} if none is set. */
    @Override
    public InetAddress getInterface() {
        NetworkInterface networkInterface = getNetworkInterface();
        if (networkInterface == null) {
            return null;
        }
        InetAddress any = null;
        Enumeration<InetAddress> addresses = networkInterface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            InetAddress address = addresses.nextElement();
            if (address.getAddress().length == (ipv6() ? 16 : 4)) {
                return address;
            }
            any = any == null ? address : any;
        }
        return any;
    }

    /** The interface that has {@code interfaceAddress}; fails if no interface has it. */
    @Override
    public GoNetpollDatagramChannelConfig setInterface(InetAddress interfaceAddress) {
        NetworkInterface networkInterface;
        try {
            networkInterface = NetworkInterface.getByInetAddress(interfaceAddress);
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
        if (networkInterface == null) {
            throw new IllegalArgumentException(ChannelOption.IP_MULTICAST_ADDR.name() + ": " + interfaceAddress
                    + " (expected: an address of a local network interface)");
        }
        return setNetworkInterface(networkInterface);
    }

    @Override
    public NetworkInterface getNetworkInterface() {
        try {
            if (ipv6()) {
                int index = socket().getIntOpt(SOL_IPV6, IPV6_MULTICAST_IF);
                return index == 0 ? null : NetworkInterface.getByIndex(index);
            }
            InetAddress address = InetAddress.getByAddress(SocketNative.getIpMulticastIf(socket().intValue()));
            return address.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(address);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public GoNetpollDatagramChannelConfig setNetworkInterface(NetworkInterface networkInterface) {
        int index = networkInterface == null ? 0 : networkInterface.getIndex();
        if (index < 0) {
            throw new IllegalArgumentException(ChannelOption.IP_MULTICAST_IF.name() + ": " + networkInterface
                    + " (expected: an interface with an index)");
        }
        if (ipv6()) {
            set(s -> s.setIntOpt(SOL_IPV6, IPV6_MULTICAST_IF, index));
        }
        byte[] ipv4 = networkInterface == null ? null : firstIpv4Address(networkInterface);
        set(s -> SocketNative.setIpMulticastIf(s.intValue(), index, ipv4));
        return this;
    }

    private static byte[] firstIpv4Address(NetworkInterface networkInterface) {
        Enumeration<InetAddress> addresses = networkInterface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            byte[] address = addresses.nextElement().getAddress();
            if (address.length == 4) {
                return address;
            }
        }
        return null;
    }

    // Covariant overrides required by DatagramChannelConfig.

    @Override
    @Deprecated
    public GoNetpollDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public GoNetpollDatagramChannelConfig setMaxMessagesPerWrite(int maxMessagesPerWrite) {
        super.setMaxMessagesPerWrite(maxMessagesPerWrite);
        return this;
    }
}
