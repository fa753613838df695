/*
 * flood: a generator of broadcast ARP requests for the flood benchmark
 * (bench/src/main/java/org/uarpd/bench/FloodComparison.java builds it with gcc and starts it).
 *
 *   flood IFACE TARGET... [--rate PPS]
 *
 * Sends Ethernet II frames of RFC 826 requests out of IFACE through an AF_PACKET socket, 64 to a
 * sendmmsg(2) call, as fast as the kernel takes them (or PPS a second with --rate). Frames cycle
 * through every TARGET (dotted quads) and, for each, a sender inside the first target's /24 and one
 * outside it (198.51.100.0/24); every frame has a fresh random source and sender hardware address
 * (locally administered, 02:xx:xx:xx:xx:xx) and a sender protocol address whose last byte runs
 * through 128..254. So a host learning from requests meets new stations all the time, as with
 * trafgen's drnd()/dinc() fields, without trafgen's per-frame configuration interpreter.
 *
 * Stops on SIGINT or SIGTERM and prints "flood sent N frames" on stdout. Prints "flood ready" once
 * its socket is open. Needs CAP_NET_RAW.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME 42
#define MAX_TARGETS 16

static volatile sig_atomic_t stopping;

static void stop(int sig) {
    (void) sig;
    stopping = 1;
}

/* xorshift64: cheap, and random enough for addresses nobody checks for randomness. */
static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static void random_mac(unsigned char *at) {
    uint64_t r = next_random();
    at[0] = 0x02;
    for (int i = 1; i < 6; i++) at[i] = (unsigned char) (r >> (8 * i));
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: flood IFACE TARGET... [--rate PPS]\n");
        return 2;
    }
    long rate = 0;
    struct in_addr targets[MAX_TARGETS];
    int ntargets = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc) {
            rate = atol(argv[++i]);
        } else if (ntargets < MAX_TARGETS && inet_pton(AF_INET, argv[i], &targets[ntargets]) == 1) {
            ntargets++;
        } else {
            fprintf(stderr, "flood: not a target address: %s\n", argv[i]);
            return 2;
        }
    }
    unsigned ifindex = if_nametoindex(argv[1]);
    if (ifindex == 0) {
        fprintf(stderr, "flood: no interface %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: this socket receives nothing */
    if (fd < 0) {
        fprintf(stderr, "flood: socket(AF_PACKET): %s (needs CAP_NET_RAW)\n", strerror(errno));
        return 1;
    }
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = (int) ifindex, .sll_halen = 6};
    memset(to.sll_addr, 0xff, 6);

    static unsigned char frames[BATCH][FRAME];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    unsigned char inside[3];
    memcpy(inside, &targets[0].s_addr, 3);
    const unsigned char outside[3] = {198, 51, 100};
    for (int i = 0; i < BATCH; i++) {
        unsigned char *f = frames[i];
        memset(f, 0, FRAME);
        memset(f, 0xff, 6);                      /* to everyone */
        f[12] = 0x08; f[13] = 0x06;              /* EtherType ARP */
        f[15] = 1;                               /* hardware type Ethernet */
        f[16] = 0x08;                            /* protocol IPv4 */
        f[18] = 6; f[19] = 4;                    /* address lengths */
        f[21] = 1;                               /* request */
        iov[i].iov_base = f;
        iov[i].iov_len = FRAME;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct sigaction sa = {.sa_handler = stop};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("flood ready\n");
    fflush(stdout);

    unsigned long long sent = 0;
    unsigned counter = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!stopping) {
        for (int i = 0; i < BATCH; i++, counter++) {
            unsigned char *f = frames[i];
            random_mac(f + 6);
            memcpy(f + 22, f + 6, 6);            /* sender hardware address = source */
            memcpy(f + 28, (counter & 1) ? outside : inside, 3);
            f[31] = (unsigned char) (128 + (counter / 2) % 127);
            memcpy(f + 38, &targets[(counter / 2) % ntargets].s_addr, 4);
        }
        int n = sendmmsg(fd, msgs, BATCH, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS || errno == EAGAIN) continue; /* the device queue is full: try again */
            fprintf(stderr, "flood: sendmmsg: %s\n", strerror(errno));
            break;
        }
        sent += (unsigned) n;
        if (rate > 0) {
            /* Sleep until the time the frames sent so far are due at RATE a second. */
            long long due = (long long) (sent * 1000000000ULL / (unsigned long long) rate);
            struct timespec at = {start.tv_sec + due / 1000000000LL, start.tv_nsec + due % 1000000000LL};
            if (at.tv_nsec >= 1000000000L) {
                at.tv_sec++;
                at.tv_nsec -= 1000000000L;
            }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
        }
    }
    printf("flood sent %llu frames\n", sent);
    close(fd);
    return 0;
}
