package io.gonetpoll.channel;

/** Temporary: replaced by the native-split branch. */
final class SocketNative {
    static final int SOL_IP = Native.SOL_IP;
    static final int SOL_IPV6 = Native.SOL_IPV6;
    static final int IPPROTO_TCP = Native.IPPROTO_TCP;
    static final int TCP_CORK = Native.TCP_CORK;
    static final int TCP_KEEPIDLE = Native.TCP_KEEPIDLE;
    static final int TCP_KEEPINTVL = Native.TCP_KEEPINTVL;
    static final int TCP_KEEPCNT = Native.TCP_KEEPCNT;
    static final int TCP_USER_TIMEOUT = Native.TCP_USER_TIMEOUT;
    static final int TCP_QUICKACK = Native.TCP_QUICKACK;
    static final int TCP_NOTSENT_LOWAT = Native.TCP_NOTSENT_LOWAT;
    static final int TCP_FASTOPEN = Native.TCP_FASTOPEN;
    static final int TCP_FASTOPEN_CONNECT = Native.TCP_FASTOPEN_CONNECT;
    static final int IP_FREEBIND = Native.IP_FREEBIND;
    static final int IP_TRANSPARENT = Native.IP_TRANSPARENT;
    static final int IPV6_TRANSPARENT = Native.IPV6_TRANSPARENT;
    static final int ERRNO_EMFILE = Native.ERRNO_EMFILE;
    static final int ERRNO_ENFILE = Native.ERRNO_ENFILE;
    static final int ERRNO_ENOBUFS = Native.ERRNO_ENOBUFS;
    static final int ERRNO_ENOMEM = Native.ERRNO_ENOMEM;
    static final int ERRNO_ECONNABORTED = Native.ERRNO_ECONNABORTED;

    private SocketNative() {
    }
}
