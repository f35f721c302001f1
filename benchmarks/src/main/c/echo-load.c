/*
 * echo-load: the suite's echo ping-pong load generator, in C, so the load side costs as little as it can.
 *
 * The Java echo-client (examples) ran at 97-99 % of its core in the 64-connection echo and the proxy scenarios:
 * it measured itself. This one does per round trip what the kernel needs and no more: one send() and one or more
 * recv() per message, for all connections from one level-triggered epoll set, in one thread. Every byte that
 * comes back is checked against the pattern echo-client uses (offset % 251), so an echo server that loses,
 * reorders or changes a byte fails the run.
 *
 * usage: echo-load (--port P [--host 127.0.0.1] | --uds PATH) [--connections N] [--message-size BYTES]
 *                  [--http-pipeline D | --interval-micros I] (--duration-seconds S | --messages M)
 *                  [--warmup-seconds W]
 *   --uds PATH: Unix-domain stream sockets to PATH instead of TCP.
 *   --interval-micros I: paced ping-pong, an open-loop rate: each connection's next message is due I us after the
 *   previous one was due (its send, not its reply), and goes as soon as the reply is in if that comes later; the
 *   schedule then restarts from the reply, so nothing missed is caught up. The wait is epoll_pwait2's nanosecond
 *   timeout (epoll_wait's milliseconds, rounded up, on kernels before 5.11) with the timer slack set to 1 us. Even
 *   so a timed wait on the suite's 2-vCPU VM ends 30-40 us late on average (the vCPU's wake-up from halt): counted
 *   from each actual send, 200 us intervals ran at about 4,100 round trips/s, not 5,000; counted from the due
 *   time, at 4,830-4,940. So a send lags its due time by that wake-up, and the gap between two sends varies by
 *   it; on average the sends are I us apart. RTT is still measured from send to the whole reply.
 *   --messages M: M round trips per connection after the warm-up, then stop.
 *   --http-pipeline D: a round trip is D pipelined "GET / HTTP/1.1" requests in one send and their D responses,
 *   against the examples' http server. The response is learnt from one request before the load starts (its
 *   headers and Content-Length body); every response after it must be byte for byte the same (the server's is
 *   fixed: no Date header), which is how the responses are counted and checked without parsing each one.
 * prints "echo-load measuring" when the warm-up ends, and at the end one line:
 *   echo-load mode=pingpong|pingpong-paced|http-pipeline connections=N message-size=B round-trips=R round-trips/s=X
 *   requests=Q requests/s=Y rtt-p50-us=A rtt-p99-us=B rtt-p999-us=C result=ok|FAILED
 * (requests = round trips x D; D = 1 for the echo). Exit status 0 only if every connection finished and every byte
 * matched.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PERIOD 251
/* A ping-pong message is sent with one non-blocking send into an empty socket: it must fit the send buffer a new
 * TCP socket starts with (tcp_wmem's default, 16 KiB), so it always goes whole. */
#define MAX_MESSAGE 4096
/* RTT histogram: 1 us buckets up to 100 ms, the last bucket holds everything slower. */
#define HISTOGRAM_BUCKETS 100001
#define DEADLINE_GRACE_NANOS (30LL * 1000000000LL)
/* The longest wait for events; a paced run waits less when a send falls due sooner. */
#define MAX_WAIT_NANOS (100LL * 1000000LL)
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441 /* the same number on x86_64 and aarch64 */
#endif

struct connection {
    int fd;
    int done;
    uint64_t stream_offset; /* offset of the message in flight within this connection's byte stream */
    int received;           /* bytes of the message in flight that came back */
    int64_t sent_at;
    uint64_t measured;      /* round trips that started after the warm-up */
    /* --interval-micros: when the message in flight was due by the schedule (its send, or the late reply that
     * released it); the next one is due an interval after that. Not sent_at: a timed wait here ends tens of us
     * late (see the header), and timing from the actual send would add that lateness to every interval. */
    int64_t due;
    int64_t send_due;       /* --interval-micros: when the next message goes out; 0 while one is in flight */
};

static unsigned char *pattern; /* PERIOD + message size bytes: a message at offset p is pattern + p % PERIOD */
static unsigned char *scratch;
/* --http-pipeline: the D requests sent as one message, and the D responses expected back (else NULL). */
static unsigned char *http_request, *http_reply;
static int http_request_size, http_reply_size;
static uint64_t histogram[HISTOGRAM_BUCKETS];

static int64_t now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(const char *why) {
    fprintf(stderr, "echo-load: %s\nusage: echo-load (--port P [--host H] | --uds PATH) [--connections N] "
            "[--message-size B] [--http-pipeline D | --interval-micros I] (--duration-seconds S | --messages M) "
            "[--warmup-seconds W]\n", why);
    exit(2);
}

/* Waits for events at most timeout_nanos: epoll_pwait2, or epoll_wait with the timeout rounded up to milliseconds
 * where the kernel lacks it (ENOSYS, before 5.11). */
static int wait_for_events(int epfd, struct epoll_event *events, int max, int64_t timeout_nanos) {
    static int pwait2_missing;
    if (!pwait2_missing) {
        struct timespec timeout = {.tv_sec = timeout_nanos / 1000000000LL, .tv_nsec = timeout_nanos % 1000000000LL};
        int ready = (int) syscall(SYS_epoll_pwait2, epfd, events, max, &timeout, NULL, 0);
        if (ready >= 0 || errno != ENOSYS) {
            return ready;
        }
        pwait2_missing = 1;
    }
    return epoll_wait(epfd, events, max, (int) ((timeout_nanos + 999999) / 1000000));
}

static long number(const char *flag, const char *value, long min, long max) {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "echo-load: %s must be a number from %ld to %ld, not '%s'\n", flag, min, max, value);
        exit(2);
    }
    return v;
}

/* The smallest bucket that holds at least permille/1000 of the round trips (rounded up). */
static uint64_t percentile_micros(uint64_t total, int permille) {
    if (total == 0) {
        return 0;
    }
    uint64_t rank = (total * (uint64_t) permille + 999) / 1000, seen = 0;
    for (int i = 0; i < HISTOGRAM_BUCKETS; i++) {
        seen += histogram[i];
        if (seen >= rank) {
            return (uint64_t) i;
        }
    }
    return HISTOGRAM_BUCKETS - 1;
}

/* Sends the message at the connection's stream offset (or the pipelined requests). One message is in flight per
 * connection, so the socket's send buffer is empty and the send goes whole (see MAX_MESSAGE); anything else fails
 * the run. */
static int send_message(struct connection *c, int size) {
    c->received = 0;
    c->sent_at = now_nanos();
    const unsigned char *message = http_request ? http_request : pattern + c->stream_offset % PERIOD;
    if (http_request) {
        size = http_request_size;
    }
    ssize_t n = send(c->fd, message, (size_t) size, MSG_NOSIGNAL);
    if (n != size) {
        fprintf(stderr, "echo-load: send returned %zd of %d bytes: %s\n", n, size, n < 0 ? strerror(errno) : "short");
        return -1;
    }
    return 0;
}

/* A blocking stream socket connected to the TCP or Unix-domain address; -1 with errno on failure. */
static int connect_to(const struct sockaddr *address, socklen_t length, int tcp) {
    int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || connect(fd, address, length) != 0
            || (tcp && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
        }
        errno = saved;
        return -1;
    }
    return fd;
}

/* --http-pipeline: sends one request on a connection of its own and keeps the response (headers and a
 * Content-Length body) as the one every later response must equal; builds the D-request message and the reply. */
static int learn_http_response(const struct sockaddr *address, socklen_t length, int tcp, int depth) {
    static const char request[] = "GET / HTTP/1.1\r\nHost: gonetpoll-bench\r\n\r\n";
    int fd = connect_to(address, length, tcp);
    if (fd < 0 || send(fd, request, sizeof request - 1, MSG_NOSIGNAL) != (ssize_t) (sizeof request - 1)) {
        fprintf(stderr, "echo-load: the first HTTP request: %s\n", strerror(errno));
        return -1;
    }
    char response[MAX_MESSAGE + 1];
    int have = 0, total = -1;
    while (total < 0 || have < total) {
        ssize_t n = recv(fd, response + have, (size_t) (MAX_MESSAGE - have), 0);
        if (n <= 0) {
            fprintf(stderr, "echo-load: the first HTTP response ended after %d bytes\n", have);
            close(fd);
            return -1;
        }
        have += (int) n;
        response[have] = '\0';
        char *end = strstr(response, "\r\n\r\n");
        char *cl = strcasestr(response, "content-length:");
        if (total < 0 && end && cl && cl < end) {
            total = (int) (end + 4 - response) + atoi(cl + strlen("content-length:"));
        }
        if (have >= MAX_MESSAGE) {
            fprintf(stderr, "echo-load: the first HTTP response is longer than %d bytes\n", MAX_MESSAGE);
            close(fd);
            return -1;
        }
    }
    close(fd);
    if (have != total) {
        fprintf(stderr, "echo-load: %d bytes after the first HTTP response\n", have - total);
        return -1;
    }
    http_request_size = (int) (sizeof request - 1) * depth;
    http_reply_size = total * depth;
    http_request = malloc((size_t) http_request_size);
    http_reply = malloc((size_t) http_reply_size);
    if (!http_request || !http_reply) {
        return -1;
    }
    for (int i = 0; i < depth; i++) {
        memcpy(http_request + i * (int) (sizeof request - 1), request, sizeof request - 1);
        memcpy(http_reply + i * total, response, (size_t) total);
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *uds = NULL;
    int port = -1, connections = 1, size = 64, depth = 0;
    long duration = -1, messages = -1, warmup = 0, interval_micros = 0;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const char *flag = argv[i], *value = argv[i + 1];
        if (!strcmp(flag, "--host")) host = value;
        else if (!strcmp(flag, "--port")) port = (int) number(flag, value, 1, 65535);
        else if (!strcmp(flag, "--uds")) uds = value;
        else if (!strcmp(flag, "--http-pipeline")) depth = (int) number(flag, value, 1, 64);
        else if (!strcmp(flag, "--connections")) connections = (int) number(flag, value, 1, 10000);
        else if (!strcmp(flag, "--message-size")) size = (int) number(flag, value, 1, MAX_MESSAGE);
        else if (!strcmp(flag, "--duration-seconds")) duration = number(flag, value, 1, 3600);
        else if (!strcmp(flag, "--messages")) messages = number(flag, value, 1, 1L << 40);
        else if (!strcmp(flag, "--warmup-seconds")) warmup = number(flag, value, 0, 3600);
        else if (!strcmp(flag, "--interval-micros")) interval_micros = number(flag, value, 1, 10000000);
        else usage("unknown option");
    }
    if ((port < 0) == (uds == NULL) || (duration < 0) == (messages < 0)) {
        usage("one of --port and --uds, and exactly one of --duration-seconds and --messages are required");
    }
    if (interval_micros > 0 && depth > 0) {
        usage("--interval-micros paces the echo ping-pong; it does not go with --http-pipeline");
    }
    int64_t interval = interval_micros * 1000LL;
    if (interval > 0 && prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0) != 0) {
        perror("echo-load: prctl(PR_SET_TIMERSLACK)");
    }

    struct sockaddr_storage address = {0};
    socklen_t address_length;
    if (uds) {
        struct sockaddr_un *un = (struct sockaddr_un *) &address;
        if (strlen(uds) >= sizeof un->sun_path) {
            usage("--uds: path too long");
        }
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, uds);
        address_length = sizeof *un;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *) &address;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t) port);
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
            usage("--host must be an IPv4 address");
        }
        address_length = sizeof *in;
    }
    if (depth > 0 && learn_http_response((struct sockaddr *) &address, address_length, !uds, depth) != 0) {
        return 1;
    }
    int reply_size = depth > 0 ? http_reply_size : size;

    pattern = malloc((size_t) PERIOD + (size_t) size);
    scratch = malloc((size_t) reply_size);
    struct connection *conns = calloc((size_t) connections, sizeof *conns);
    struct epoll_event *events = calloc((size_t) connections, sizeof *events);
    if (!pattern || !scratch || !conns || !events) {
        fprintf(stderr, "echo-load: out of memory\n");
        return 1;
    }
    for (int i = 0; i < PERIOD + size; i++) {
        pattern[i] = (unsigned char) (i % PERIOD);
    }

    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        perror("echo-load: epoll_create1");
        return 1;
    }
    /* Connect blocking (the server accepts at once), then each socket goes non-blocking into the epoll set. */
    for (int i = 0; i < connections; i++) {
        int fd = connect_to((struct sockaddr *) &address, address_length, !uds);
        if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
            fprintf(stderr, "echo-load: connection %d to %s: %s\n", i, uds ? uds : host, strerror(errno));
            return 1;
        }
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t) i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            perror("echo-load: epoll_ctl");
            return 1;
        }
    }

    int64_t measure_from = now_nanos() + warmup * 1000000000LL;
    int64_t deadline = messages > 0 ? INT64_MAX : measure_from + duration * 1000000000LL;
    /* With --messages, a stalled server still ends the run: far beyond any plausible duration. */
    int64_t give_up = (messages > 0 ? now_nanos() + 3600LL * 1000000000LL : deadline) + DEADLINE_GRACE_NANOS;
    int measuring = warmup == 0, failed = 0, open = connections;
    if (measuring) {
        measure_from = now_nanos();
    }
    for (int i = 0; i < connections && !failed; i++) {
        failed = send_message(&conns[i], size) != 0;
        conns[i].due = conns[i].sent_at;
    }
    while (open > 0 && !failed) {
        int64_t now = now_nanos();
        if (now > give_up) {
            fprintf(stderr, "echo-load: %d connection(s) did not finish in time\n", open);
            failed = 1;
            break;
        }
        if (!measuring && now >= measure_from) {
            measuring = 1;
            printf("echo-load measuring\n");
            fflush(stdout);
        }
        int64_t wait = MAX_WAIT_NANOS;
        if (interval > 0) {
            /* Paced: send what fell due, and wait no longer than the next due send. */
            for (int i = 0; i < connections && !failed; i++) {
                struct connection *c = &conns[i];
                if (c->done || c->send_due == 0) {
                    continue;
                }
                if (c->send_due <= now) {
                    c->due = c->send_due;
                    c->send_due = 0;
                    failed = send_message(c, size) != 0;
                } else if (c->send_due - now < wait) {
                    wait = c->send_due - now;
                }
            }
        }
        int ready = wait_for_events(epfd, events, connections, wait);
        if (ready < 0 && errno != EINTR) {
            perror("echo-load: epoll_wait");
            failed = 1;
        }
        for (int e = 0; e < ready && !failed; e++) {
            struct connection *c = &conns[events[e].data.u32];
            if (c->done) {
                continue;
            }
            ssize_t n = recv(c->fd, scratch, (size_t) (reply_size - c->received), 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "echo-load: connection closed by the server (%s) at byte %" PRIu64 "\n",
                        n < 0 ? strerror(errno) : "EOF", c->stream_offset + (uint64_t) c->received);
                failed = 1;
                break;
            }
            const unsigned char *expected = http_reply ? http_reply + c->received
                    : pattern + (c->stream_offset + (uint64_t) c->received) % PERIOD;
            for (ssize_t b = 0; b < n; b++) {
                if (scratch[b] != expected[b]) {
                    fprintf(stderr, "echo-load: echo mismatch at byte %" PRIu64 "\n",
                            c->stream_offset + (uint64_t) c->received + (uint64_t) b);
                    failed = 1;
                    break;
                }
            }
            c->received += (int) n;
            if (failed || c->received < reply_size) {
                continue;
            }
            int64_t done_at = now_nanos();
            if (c->sent_at >= measure_from) {
                int64_t micros = (done_at - c->sent_at) / 1000;
                histogram[micros < HISTOGRAM_BUCKETS - 1 ? micros : HISTOGRAM_BUCKETS - 1]++;
                c->measured++;
            }
            c->stream_offset += (uint64_t) size;
            if ((messages > 0 && c->measured >= (uint64_t) messages) || done_at >= deadline) {
                c->done = 1;
                open--;
                close(c->fd);
            } else if (interval > 0 && c->due + interval > done_at) {
                c->send_due = c->due + interval; /* sent from the top of the loop */
            } else {
                c->due = done_at; /* a late reply moves the schedule: what was missed is not caught up */
                failed = send_message(c, size) != 0;
            }
        }
    }
    double seconds = (double) (now_nanos() - measure_from) / 1e9;
    uint64_t total = 0;
    for (int i = 0; i < connections; i++) {
        total += conns[i].measured;
        if (!conns[i].done) {
            close(conns[i].fd);
        }
    }
    uint64_t requests = total * (uint64_t) (depth > 0 ? depth : 1);
    printf("echo-load mode=%s connections=%d message-size=%d round-trips=%" PRIu64 " round-trips/s=%.0f "
           "requests=%" PRIu64 " requests/s=%.0f rtt-p50-us=%" PRIu64 " rtt-p99-us=%" PRIu64 " rtt-p999-us=%" PRIu64
           " result=%s\n",
           depth > 0 ? "http-pipeline" : interval > 0 ? "pingpong-paced" : "pingpong", connections, depth > 0 ? http_request_size : size, total,
           seconds > 0 ? (double) total / seconds : 0.0, requests, seconds > 0 ? (double) requests / seconds : 0.0,
           percentile_micros(total, 500), percentile_micros(total, 990), percentile_micros(total, 999),
           failed ? "FAILED" : "ok");
    return failed ? 1 : 0;
}
