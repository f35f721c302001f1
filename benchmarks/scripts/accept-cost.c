// What it costs to learn that a listener's accept queue is empty: accept4(2) failing with EAGAIN, against
// getsockopt(TCP_INFO), which for a listener reports the queue length in tcpi_unacked. The kernel's accept
// allocates the new socket, its inode and its file before it asks TCP for a connection, and frees them again
// when there is none, so the failed call is far dearer than the question. Then checks that the question
// counts what is queued (3 finished handshakes). Prints ns per call.
//
// This is how GoNetpoll's accept loop chose to end a batch (docs/benchmarks/analysis.md, scenario f). Built
// and run by benchmarks/scripts/accept-cost.sh.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double nowNanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static unsigned queued(int listener) {
    struct tcp_info info;
    socklen_t len = sizeof(info);
    if (getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &len) < 0 || info.tcpi_state != TCP_LISTEN) {
        perror("getsockopt(TCP_INFO)");
        exit(1);
    }
    return info.tcpi_unacked;
}

int main(int argc, char** argv) {
    long calls = argc > 1 ? atol(argv[1]) : 200000;
    int listener = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    socklen_t addrLen = sizeof(addr);
    if (listener < 0 || bind(listener, (struct sockaddr*) &addr, sizeof(addr)) < 0 || listen(listener, 128) < 0
            || getsockname(listener, (struct sockaddr*) &addr, &addrLen) < 0) {
        perror("listener");
        return 1;
    }

    double start = nowNanos();
    for (long i = 0; i < calls; i++) {
        struct sockaddr_storage peer;
        socklen_t peerLen = sizeof(peer);
        if (accept4(listener, (struct sockaddr*) &peer, &peerLen, SOCK_NONBLOCK | SOCK_CLOEXEC) >= 0
                || errno != EAGAIN) {
            fprintf(stderr, "accept4 did not fail with EAGAIN\n");
            return 1;
        }
    }
    double failedAccept = (nowNanos() - start) / calls;

    unsigned sum = 0;
    start = nowNanos();
    for (long i = 0; i < calls; i++) {
        sum += queued(listener);
    }
    double question = (nowNanos() - start) / calls;
    if (sum != 0) {
        fprintf(stderr, "an empty queue was counted as %u\n", sum);
        return 1;
    }

    for (int i = 0; i < 3; i++) {
        int client = socket(AF_INET6, SOCK_STREAM, 0);
        if (client < 0 || connect(client, (struct sockaddr*) &addr, sizeof(addr)) < 0) {
            perror("connect");
            return 1;
        }
    }
    for (int i = 0; i < 1000 && queued(listener) < 3; i++) {
        usleep(1000);
    }
    printf("accept4-EAGAIN-ns=%.0f getsockopt-TCP_INFO-ns=%.0f queued-after-3-connects=%u\n",
           failedAccept, question, queued(listener));
    return queued(listener) == 3 ? 0 : 1;
}
