// What one read of a stream socket costs, by the call that makes it: recv(2), recvmsg(2), recvmsg(2) with the
// control message that gives the bytes left in the queue (TCP_INQ on TCP, Linux 4.18+; SO_INQ on a Unix stream,
// Linux 6.17+), and recv(2) followed by
// ioctl(FIONREAD). A loopback TCP pair, or a Unix stream socketpair; every 1,000 reads one send(2) of 64,000
// bytes refills the receiver, so the reads (64 bytes each, never EAGAIN) dominate the time. Prints ns per read.
//
// This is how GoNetpoll chose its read calls (docs/benchmarks/analysis.md): recvmsg with TCP_INQ would tell
// after every read whether a TCP socket is empty, but costs more on every read than one ioctl costs on the
// few reads that need the answer; a Unix stream socket is read with recvmsg, whose flags are the only way to
// see that a read stopped at passed descriptors, and this prices that. Built and run by
// benchmarks/scripts/recv-cost.sh.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef TCP_INQ
#define TCP_INQ 36
#endif
#ifndef SO_INQ
#define SO_INQ 84
#endif
#define READ_BYTES 64
#define READS_PER_SEND 1000

enum mode { RECV, RECVMSG, RECVMSG_INQ, RECV_IOCTL };
static const char* const NAMES[] = { "recv", "recvmsg", "recvmsg+INQ", "recv+ioctl(FIONREAD)" };

static double nowNanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void die(const char* what) {
    perror(what);
    exit(1);
}

// One read of READ_BYTES in the given way; returns the bytes read. *queued gets the count where the mode
// asks for one.
static ssize_t readOnce(int fd, enum mode mode, char* buf, int* queued) {
    if (mode == RECV || mode == RECV_IOCTL) {
        ssize_t n = recv(fd, buf, READ_BYTES, 0);
        if (mode == RECV_IOCTL && ioctl(fd, FIONREAD, queued) < 0) {
            die("ioctl");
        }
        return n;
    }
    struct iovec iov = { .iov_base = buf, .iov_len = READ_BYTES };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (mode == RECVMSG_INQ) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
    }
    ssize_t n = recvmsg(fd, &msg, 0);
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); n > 0 && c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if ((c->cmsg_level == IPPROTO_TCP && c->cmsg_type == TCP_INQ)
                || (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_INQ)) {
            memcpy(queued, CMSG_DATA(c), sizeof(*queued));
        }
    }
    return n;
}

// A connected loopback TCP pair; TCP_INQ on the receiver where the mode reads it.
static void connectTcpPair(enum mode mode, int* sender, int* receiver) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(addr);
    if (listener < 0 || bind(listener, (void*) &addr, sizeof(addr)) < 0 || listen(listener, 1) < 0
            || getsockname(listener, (void*) &addr, &len) < 0) {
        die("listen");
    }
    *sender = socket(AF_INET, SOCK_STREAM, 0);
    if (*sender < 0 || connect(*sender, (void*) &addr, sizeof(addr)) < 0) {
        die("connect");
    }
    *receiver = accept(listener, NULL, NULL);
    int one = 1;
    if (*receiver < 0 || (mode == RECVMSG_INQ
            && setsockopt(*receiver, IPPROTO_TCP, TCP_INQ, &one, sizeof(one)) < 0)) {
        die("accept/TCP_INQ");
    }
}

int main(int argc, char** argv) {
    if (argc != 3 && !(argc == 4 && (strcmp(argv[3], "tcp") == 0 || strcmp(argv[3], "unix") == 0))) {
        fprintf(stderr, "usage: %s READS MODE [tcp|unix] (MODE: 0 recv, 1 recvmsg, 2 recvmsg+INQ,"
                " 3 recv+ioctl)\n", argv[0]);
        return 2;
    }
    long reads = atol(argv[1]);
    enum mode mode = (enum mode) atoi(argv[2]);
    int unixStream = argc == 4 && strcmp(argv[3], "unix") == 0;
    if (mode < RECV || mode > RECV_IOCTL || reads < READS_PER_SEND) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    int sender;
    int receiver;
    if (unixStream) {
        int pair[2];
        int size = 1 << 20; // room for a whole burst
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0
                || setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) < 0) {
            die("socketpair");
        }
        int one = 1;
        if (mode == RECVMSG_INQ && setsockopt(pair[1], SOL_SOCKET, SO_INQ, &one, sizeof(one)) < 0) {
            die("SO_INQ (Linux 6.17+)");
        }
        sender = pair[0];
        receiver = pair[1];
    } else {
        connectTcpPair(mode, &sender, &receiver);
    }
    static char burst[READ_BYTES * READS_PER_SEND];
    char buf[READ_BYTES];
    long queuedSum = 0;
    double start = nowNanos();
    for (long i = 0; i < reads; i++) {
        if (i % READS_PER_SEND == 0 && send(sender, burst, sizeof(burst), 0) != (ssize_t) sizeof(burst)) {
            die("send");
        }
        int queued = 0;
        if (readOnce(receiver, mode, buf, &queued) != READ_BYTES) {
            die("short read");
        }
        queuedSum += queued;
    }
    double nanos = (nowNanos() - start) / reads;
    // The queued counts are summed so the compiler cannot drop them, and printed as a sanity check: 0 for the
    // modes that ask nothing.
    printf("%-5s %-22s %6.0f ns/read  (queued-bytes sum %ld)\n", unixStream ? "unix" : "tcp", NAMES[mode], nanos,
           queuedSum);
    return 0;
}
