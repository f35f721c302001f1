/*
 * udp-load: the suite's UDP load generator, in C and one thread, so the load side costs as little as it can and is
 * the same whatever transport the server uses. Against the examples' udp-echo-server.
 *
 * --mode pingpong: --senders N connected UDP sockets in one level-triggered epoll set; each sends one datagram of
 *   --message-size bytes and waits for its echo before the next. An echo not back within --timeout-millis counts
 *   as lost and the next datagram goes out; an echo of an earlier datagram then counts as late. Every echo is
 *   compared with what was sent: a header (sequence number, sender) and a pattern that depends on both, as the
 *   examples' udp-echo-client builds it, so a wrong, short or misdelivered echo fails the run.
 * --mode oneway: one connected socket sends datagrams of --message-size bytes to a sink (udp-echo-server --mode
 *   sink) as fast as it can: one send() per datagram, or with --gso S one send() of S datagrams that the kernel
 *   splits (UDP_SEGMENT; where the kernel lacks it, one sendmmsg() of S datagrams). What arrived is asked from the
 *   sink ("?stats tag=N", on a second socket) when the measured window opens and after it closes: UDP drops what the
 *   receiver cannot keep up with, so the rate is what the sink counted, and lost = sent - received.
 *   With --messages M instead of a duration (the traced runs): M datagrams in bursts of 64, each burst waiting
 *   until the sink has counted it (a slowed server drops nothing); the stats queries, one or a few per burst, are
 *   datagrams the sink reads and answers too.
 *
 * usage: udp-load --port P [--host 127.0.0.1] --mode pingpong|oneway [--senders N] [--message-size B] [--gso S]
 *                 [--timeout-millis MS] (--duration-seconds S | --messages M) [--warmup-seconds W]
 * prints "udp-load measuring" when the warm-up ends, and at the end one line:
 *   udp-load mode=pingpong senders=N message-size=B round-trips=R round-trips/s=X lost=L late=K stray=S
 *   rtt-p50-us=A rtt-p99-us=B result=ok|FAILED
 *   (stray: echoes of an earlier run's datagrams, to a socket that got the same port; ignored)
 *   udp-load mode=oneway message-size=B batch=gso|sendmmsg|none sent=N received=R datagrams/s=X lost=L result=...
 * exit status 0 only if the run completed and every echo matched (losses do not fail it: they are reported).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define PERIOD 251
/* Sequence number (8 bytes, big-endian; its high 32 bits a tag of this run) and sender (4 bytes), as
 * udp-echo-client builds it. */
#define HEADER 12
#define MAX_MESSAGE 65507
#define MAX_BATCH 64       /* UDP_MAX_SEGMENTS of older kernels */
#define HISTOGRAM_BUCKETS 100001
#define NANOS 1000000000LL
#define TIMEOUT_SCAN_NANOS (10 * 1000000LL)
#define STATS_QUERY "?stats" /* must match UdpEchoServer.STATS_QUERY in the examples */
#define STATS_WAIT_MILLIS 100
#define STATS_TRIES 100
#define BURST 64

struct sender {
    int fd;
    int done;
    uint64_t sequence; /* of the datagram in flight, run_tag included; run_tag before the first */
    int64_t sent_at;
    uint64_t measured, lost, late, stray;
};

static unsigned char pattern[PERIOD + MAX_MESSAGE];
static unsigned char message[MAX_BATCH * 1472 > MAX_MESSAGE ? MAX_BATCH * 1472 : MAX_MESSAGE];
static unsigned char scratch[MAX_MESSAGE + 1];
static uint64_t histogram[HISTOGRAM_BUCKETS];

static int64_t now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * NANOS + ts.tv_nsec;
}

static void usage(const char *why) {
    fprintf(stderr, "udp-load: %s\nusage: udp-load --port P [--host H] --mode pingpong|oneway [--senders N] "
            "[--message-size B] [--gso S] [--timeout-millis MS] (--duration-seconds S | --messages M) "
            "[--warmup-seconds W]\n", why);
    exit(2);
}

static long number(const char *flag, const char *value, long min, long max) {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "udp-load: %s must be a number from %ld to %ld, not '%s'\n", flag, min, max, value);
        exit(2);
    }
    return v;
}

static uint64_t percentile_micros(uint64_t total, int percent) {
    if (total == 0) {
        return 0;
    }
    uint64_t rank = (total * (uint64_t) percent + 99) / 100, seen = 0;
    for (int i = 0; i < HISTOGRAM_BUCKETS; i++) {
        seen += histogram[i];
        if (seen >= rank) {
            return (uint64_t) i;
        }
    }
    return HISTOGRAM_BUCKETS - 1;
}

static int connected_socket(const struct sockaddr_in *address) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *) address, sizeof *address) != 0) {
        perror("udp-load: socket/connect");
        exit(1);
    }
    return fd;
}

/* The tag of this run in the high half of every sequence number: an echo that comes back to a socket of this run
 * from an earlier run's socket that had the same port (a late echo of a warm-up) is told apart and ignored. */
static uint64_t run_tag;
/* The count part of a sequence number. */
#define COUNT(sequence) ((sequence) & (uint64_t) 0xffffffffU)

static int phase(uint64_t sequence, uint32_t id) {
    return (int) ((COUNT(sequence) * 31 + (uint64_t) id * 17) % PERIOD);
}

/* ---- pingpong ---- */

static int send_next(struct sender *s, uint32_t id, int size) {
    s->sequence++;
    for (int i = 0; i < 8; i++) {
        message[i] = (unsigned char) (s->sequence >> (56 - 8 * i));
    }
    for (int i = 0; i < 4; i++) {
        message[8 + i] = (unsigned char) (id >> (24 - 8 * i));
    }
    memcpy(message + HEADER, pattern + phase(s->sequence, id), (size_t) (size - HEADER));
    s->sent_at = now_nanos();
    ssize_t n = send(s->fd, message, (size_t) size, 0);
    if (n != size) {
        fprintf(stderr, "udp-load: send returned %zd of %d bytes: %s\n", n, size, n < 0 ? strerror(errno) : "short");
        return -1;
    }
    return 0;
}

/* Checks one echo; 1 if it is the one in flight, 0 if late, 2 if of another run, -1 (after saying why) if wrong. */
static int check_echo(const struct sender *s, uint32_t id, int size, ssize_t n) {
    if (n < HEADER) {
        fprintf(stderr, "udp-load: an echo of %zd bytes, shorter than the header\n", n);
        return -1;
    }
    uint64_t sequence = 0;
    uint32_t from = 0;
    for (int i = 0; i < 8; i++) {
        sequence = sequence << 8 | scratch[i];
    }
    for (int i = 0; i < 4; i++) {
        from = from << 8 | scratch[8 + i];
    }
    if (sequence - COUNT(sequence) != run_tag) {
        return 2;
    }
    if (from != id || sequence > s->sequence || sequence == run_tag) {
        fprintf(stderr, "udp-load: echo mismatch: datagram %" PRIu64 " of sender %u arrived at sender %u, which "
                "has sent %" PRIu64 "\n", COUNT(sequence), from, id, COUNT(s->sequence));
        return -1;
    }
    if (n != size || memcmp(scratch + HEADER, pattern + phase(sequence, id), (size_t) (size - HEADER)) != 0) {
        fprintf(stderr, "udp-load: echo mismatch in datagram %" PRIu64 " of sender %u (%zd bytes, %d sent)\n",
                COUNT(sequence), id, n, size);
        return -1;
    }
    return sequence == s->sequence;
}

static int pingpong(const struct sockaddr_in *address, int senders, int size, long duration, long messages,
                    long warmup, long timeout_millis) {
    struct sender *all = calloc((size_t) senders, sizeof *all);
    struct epoll_event *events = calloc((size_t) senders, sizeof *events);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!all || !events || epfd < 0) {
        perror("udp-load: setup");
        return 1;
    }
    for (int i = 0; i < senders; i++) {
        all[i].sequence = run_tag;
        all[i].fd = connected_socket(address);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        if (fcntl(all[i].fd, F_SETFL, O_NONBLOCK) != 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, all[i].fd, &ev) != 0) {
            perror("udp-load: epoll_ctl");
            return 1;
        }
    }
    int64_t timeout = timeout_millis * 1000000LL;
    int64_t measure_from = now_nanos() + warmup * NANOS;
    int64_t deadline = messages > 0 ? INT64_MAX : measure_from + duration * NANOS;
    int measuring = warmup == 0, failed = 0, open = senders;
    int64_t last_scan = now_nanos();
    for (int i = 0; i < senders && !failed; i++) {
        failed = send_next(&all[i], (uint32_t) i, size) != 0;
    }
    while (open > 0 && !failed) {
        int64_t now = now_nanos();
        if (!measuring && now >= measure_from) {
            measuring = 1;
            printf("udp-load measuring\n");
            fflush(stdout);
        }
        int ready = epoll_wait(epfd, events, senders, 10);
        if (ready < 0 && errno != EINTR) {
            perror("udp-load: epoll_wait");
            failed = 1;
        }
        for (int e = 0; e < ready && !failed; e++) {
            uint32_t id = events[e].data.u32;
            struct sender *s = &all[id];
            ssize_t n = recv(s->fd, scratch, sizeof scratch, 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                continue;
            }
            if (n < 0) {
                fprintf(stderr, "udp-load: sender %u: recv: %s\n", id, strerror(errno));
                failed = 1;
                break;
            }
            if (s->done) {
                continue;
            }
            int current = check_echo(s, id, size, n);
            if (current < 0) {
                failed = 1;
                break;
            }
            if (current == 0 || current == 2) {
                s->late += current == 0 && s->sent_at >= measure_from;
                s->stray += current == 2;
                continue;
            }
            int64_t done_at = now_nanos();
            if (s->sent_at >= measure_from) {
                int64_t micros = (done_at - s->sent_at) / 1000;
                histogram[micros < HISTOGRAM_BUCKETS - 1 ? micros : HISTOGRAM_BUCKETS - 1]++;
                s->measured++;
            }
            if ((messages > 0 && s->sequence - run_tag >= (uint64_t) messages) || done_at >= deadline) {
                s->done = 1;
                open--;
            } else {
                failed = send_next(s, id, size) != 0;
            }
        }
        now = now_nanos();
        if (now - last_scan >= TIMEOUT_SCAN_NANOS) {
            last_scan = now;
            for (int i = 0; i < senders && !failed; i++) {
                struct sender *s = &all[i];
                if (s->done || now - s->sent_at < timeout) {
                    continue;
                }
                s->lost += s->sent_at >= measure_from;
                if ((messages > 0 && s->sequence - run_tag >= (uint64_t) messages) || now >= deadline) {
                    s->done = 1;
                    open--;
                } else {
                    failed = send_next(s, (uint32_t) i, size) != 0;
                }
            }
        }
    }
    double seconds = (double) (now_nanos() - measure_from) / 1e9;
    uint64_t total = 0, lost = 0, late = 0, stray = 0;
    for (int i = 0; i < senders; i++) {
        total += all[i].measured;
        lost += all[i].lost;
        late += all[i].late;
        stray += all[i].stray;
        close(all[i].fd);
    }
    printf("udp-load mode=pingpong senders=%d message-size=%d round-trips=%" PRIu64 " round-trips/s=%.0f lost=%"
           PRIu64 " late=%" PRIu64 " stray=%" PRIu64 " rtt-p50-us=%" PRIu64 " rtt-p99-us=%" PRIu64 " result=%s\n",
           senders, size, total, seconds > 0 ? (double) total / seconds : 0.0, lost, late, stray,
           percentile_micros(total, 50), percentile_micros(total, 99), failed ? "FAILED" : "ok");
    return failed ? 1 : 0;
}

/* ---- oneway ---- */

/*
 * The sink's count of datagrams received; -1 if it did not answer. Each query carries a tag that the sink copies
 * into its answer: an answer to an earlier query that timed out (the sink was busy, not gone) arrives later and
 * must not be taken for this one's, or the count would be an old one.
 */
static long long sink_count(int stats_fd) {
    static unsigned tag;
    char query[64], expected[32];
    for (int attempt = 0; attempt < STATS_TRIES; attempt++) {
        int length = snprintf(query, sizeof query, "%s tag=%u", STATS_QUERY, ++tag);
        snprintf(expected, sizeof expected, " tag=%u", tag);
        if (send(stats_fd, query, (size_t) length, 0) < 0) {
            perror("udp-load: stats query");
            return -1;
        }
        ssize_t n;
        /* Until SO_RCVTIMEO says nothing came: then the query or its answer was lost, and we ask again. */
        while ((n = recv(stats_fd, scratch, sizeof scratch - 1, 0)) >= 0) {
            scratch[n] = '\0';
            long long datagrams;
            if (sscanf((const char *) scratch, "stats datagrams=%lld", &datagrams) != 1) {
                fprintf(stderr, "udp-load: not a stats answer: %s\n", scratch);
                return -1;
            }
            const char *at = strstr((const char *) scratch, expected);
            if (at && at[strlen(expected)] == '\0') {
                return datagrams;
            }
        }
    }
    fprintf(stderr, "udp-load: the sink did not answer %d stats queries\n", STATS_TRIES);
    return -1;
}

/* How the datagrams of one send go out: 0 one send() each, 1 UDP GSO, 2 sendmmsg. */
static int batching(int fd, int gso, int size) {
    if (gso <= 1) {
        return 0;
    }
    int segment = size;
    if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment, sizeof segment) == 0) {
        return 1;
    }
    return 2;
}

/* Sends {count} datagrams; returns how many went (a full socket buffer sends fewer), -1 on an error. */
static long send_batch(int fd, int mode, int size, int count) {
    if (mode == 1) {
        ssize_t n = send(fd, message, (size_t) size * (size_t) count, 0);
        return n < 0 ? (errno == EAGAIN || errno == ENOBUFS ? 0 : -1) : count;
    }
    if (mode == 2) {
        struct mmsghdr msgs[MAX_BATCH];
        struct iovec iov[MAX_BATCH];
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < count; i++) {
            iov[i].iov_base = message + (size_t) i * (size_t) size;
            iov[i].iov_len = (size_t) size;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = sendmmsg(fd, msgs, (unsigned) count, 0);
        return n < 0 ? (errno == EAGAIN || errno == ENOBUFS ? 0 : -1) : n;
    }
    long sent = 0;
    for (int i = 0; i < count; i++) {
        if (send(fd, message, (size_t) size, 0) < 0) {
            return errno == EAGAIN || errno == ENOBUFS ? sent : -1;
        }
        sent++;
    }
    return sent;
}

static int oneway(const struct sockaddr_in *address, int size, int gso, long duration, long messages, long warmup) {
    int fd = connected_socket(address), stats_fd = connected_socket(address);
    struct timeval wait = {.tv_sec = 0, .tv_usec = STATS_WAIT_MILLIS * 1000};
    if (setsockopt(stats_fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) != 0) {
        perror("udp-load: SO_RCVTIMEO");
        return 1;
    }
    int count = gso > 1 ? gso : 1;
    if ((long) size * count > MAX_MESSAGE || count > MAX_BATCH) {
        usage("--gso S: S x --message-size must be at most 65507 bytes, S at most 64");
    }
    for (int i = 0; i < count; i++) {
        memcpy(message + (size_t) i * (size_t) size, pattern + (i * size) % PERIOD, (size_t) size);
    }
    int mode = batching(fd, gso, size);
    const char *batch = mode == 1 ? "gso" : mode == 2 ? "sendmmsg" : "none";
    int failed = 0;
    uint64_t sent = 0;
    long long before = -1, after = -1;
    int64_t from = 0, to = 0;
    if (messages > 0) {
        /* Bursts, each counted by the sink before the next: a fixed number of datagrams, none dropped. */
        before = sink_count(stats_fd);
        from = now_nanos();
        after = before;
        printf("udp-load measuring\n");
        fflush(stdout);
        while (!failed && before >= 0 && sent < (uint64_t) messages) {
            uint64_t burst = (uint64_t) messages - sent < BURST ? (uint64_t) messages - sent : BURST;
            for (uint64_t b = 0; b < burst && !failed;) {
                int n = burst - b < (uint64_t) count ? (int) (burst - b) : count;
                long went = send_batch(fd, mode == 1 && n < count ? 0 : mode, size, n);
                failed = went < 0;
                b += went > 0 ? (uint64_t) went : 0;
            }
            sent += burst;
            int64_t give_up = now_nanos() + 2 * NANOS;
            do {
                after = sink_count(stats_fd);
            } while (after >= 0 && after - before < (long long) sent && now_nanos() < give_up);
            failed |= after < 0;
        }
        to = now_nanos();
    } else {
        int64_t measure_from = now_nanos() + warmup * NANOS;
        while (!failed && now_nanos() < measure_from) {
            failed = send_batch(fd, mode, size, count) < 0;
        }
        before = sink_count(stats_fd);
        from = now_nanos();
        printf("udp-load measuring\n");
        fflush(stdout);
        int64_t deadline = from + duration * NANOS;
        while (!failed && now_nanos() < deadline) {
            for (int i = 0; i < 16 && !failed; i++) {
                long went = send_batch(fd, mode, size, count);
                failed = went < 0;
                sent += went > 0 ? (uint64_t) went : 0;
            }
        }
        after = sink_count(stats_fd);
        to = now_nanos();
    }
    if (failed && (before >= 0 && after >= 0)) {
        perror("udp-load: send");
    }
    failed |= before < 0 || after < 0;
    long long received = failed ? 0 : after - before;
    double seconds = (double) (to - from) / 1e9;
    long long lost = (long long) sent - received;
    printf("udp-load mode=oneway message-size=%d batch=%s sent=%" PRIu64 " received=%lld datagrams/s=%.0f lost=%lld "
           "result=%s\n", size, batch, sent, received, seconds > 0 ? (double) received / seconds : 0.0,
           lost > 0 ? lost : 0, failed ? "FAILED" : "ok");
    close(fd);
    close(stats_fd);
    return failed ? 1 : 0;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *mode = NULL;
    int port = -1, senders = 1, size = 64, gso = 0;
    long duration = -1, messages = -1, warmup = 0, timeout_millis = 200;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const char *flag = argv[i], *value = argv[i + 1];
        if (!strcmp(flag, "--host")) host = value;
        else if (!strcmp(flag, "--port")) port = (int) number(flag, value, 1, 65535);
        else if (!strcmp(flag, "--mode")) mode = value;
        else if (!strcmp(flag, "--senders")) senders = (int) number(flag, value, 1, 10000);
        else if (!strcmp(flag, "--message-size")) size = (int) number(flag, value, HEADER, MAX_MESSAGE);
        else if (!strcmp(flag, "--gso")) gso = (int) number(flag, value, 0, MAX_BATCH);
        else if (!strcmp(flag, "--timeout-millis")) timeout_millis = number(flag, value, 1, 60000);
        else if (!strcmp(flag, "--duration-seconds")) duration = number(flag, value, 1, 3600);
        else if (!strcmp(flag, "--messages")) messages = number(flag, value, 1, 1L << 40);
        else if (!strcmp(flag, "--warmup-seconds")) warmup = number(flag, value, 0, 3600);
        else usage("unknown option");
    }
    if (port < 0 || !mode || (duration < 0) == (messages < 0)) {
        usage("--port, --mode and exactly one of --duration-seconds and --messages are required");
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        usage("--host must be an IPv4 address");
    }
    for (int i = 0; i < PERIOD + MAX_MESSAGE; i++) {
        pattern[i] = (unsigned char) (i % PERIOD);
    }
    run_tag = ((uint64_t) ((uint32_t) getpid() ^ (uint32_t) now_nanos()) | 1ULL) << 32;
    if (!strcmp(mode, "pingpong")) {
        return pingpong(&address, senders, size, duration, messages, warmup, timeout_millis);
    }
    if (!strcmp(mode, "oneway")) {
        return oneway(&address, size, gso, duration, messages, warmup);
    }
    usage("--mode must be pingpong or oneway");
    return 2;
}
