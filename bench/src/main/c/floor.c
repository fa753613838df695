/*
 * floor: the smallest resolver with uarpd's architecture, the baseline ("floor") of the first-packet
 * benchmark (bench/src/main/java/org/uarpd/bench/FirstPacketLatency.java compiles and starts it).
 *
 * One thread sleeps in poll(2) on two descriptors: an rtnetlink socket joined to RTNLGRP_NEIGH and an
 * AF_PACKET socket for ETH_P_ARP bound to one interface. The kernel's miss (RTM_GETNEIGH, state
 * NUD_INCOMPLETE or NUD_PROBE, sent because app_solicit > 0) makes it broadcast an ARP request
 * (RFC 826); a reply from an address it asked for makes it install the binding with RTM_NEWNEIGH
 * NUD_REACHABLE, flags REQUEST|ACK|CREATE|REPLACE, which releases the packets the kernel held. The
 * ack is read later by the same loop, off the path of the held packet. No other work: no retransmit
 * (the kernel's next app probe, retrans_time later, asks again), no answering, no learning.
 *
 *   floor IFACE [authoritative|assist|observe|observe-requests|observe-bare]
 *
 * authoritative: the kernel settings uarpd sets in that mode (linux/.../LinuxBackend.java applyMode):
 *   neigh app_solicit=3, ucast_solicit=0, mcast_solicit=0, mcast_resolicit=0; conf arp_ignore=8,
 *   arp_accept=0, drop_gratuitous_arp=1, arp_notify=0, proxy_arp=0; and an nftables arp input chain
 *   dropping every ARP frame arriving on IFACE (the kernel neither answers nor believes ARP; the
 *   packet socket still sees every frame).
 * assist: only neigh app_solicit=1 (the kernel keeps its ARP and learns the reply itself).
 * observe: app_solicit=0, the kernel resolves alone; the sockets stay open and every ARP frame still
 *   reaches the packet socket (what a daemon that answers and learns but takes no misses costs the
 *   kernel's own resolution). observe-requests: the same with a classic BPF filter on the packet
 *   socket that keeps only ARP requests (opcode 1), so replies are dropped in the kernel's tap before
 *   being queued or waking the loop. observe-bare: observe-requests without joining RTNLGRP_NEIGH, so
 *   the kernel's neighbour notifications reach no listener of ours either.
 *
 * Every sysctl is put back on SIGTERM/SIGINT; the nftables table is deleted. Prints "floor ready" on
 * stdout once the loop is about to start. Needs CAP_NET_ADMIN and CAP_NET_RAW.
 *
 * With FLOOR_STAMPS=N in the environment it also takes CLOCK_MONOTONIC stamps at each stage of every
 * resolution (poll returned, message read, request sent; poll returned, reply read, install sent) and
 * prints the median of each over the last N resolutions on stdout at exit: the same stages
 * bench/src/main/java/org/uarpd/bench/StagedUarpd.java stamps in uarpd.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PENDING 64
#define NFT_TABLE "floor"

static volatile sig_atomic_t stopping;
static char saved_keys[16][128];
static char saved_values[16][32];
static int saved;

#define STAMPED 4096
#define STAGES 7
static long stamps[STAMPED][STAGES];
static int stamped;
static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    long x = *(const long *) a, y = *(const long *) b;
    return x < y ? -1 : x > y;
}

/* Medians (and p90) of each stage over the last KEEP complete resolutions, in microseconds. */
static void print_stamps(int keep) {
    static const char *names[STAGES - 1] = {
        "poll returned -> miss read (recv)", "-> request sendto returned", "-> next poll returned (the reply)",
        "-> reply read (recvfrom)", "-> RTM_NEWNEIGH sendto returned", "miss poll return -> install sent"};
    int n = stamped < STAMPED ? stamped : STAMPED;
    int first = n > keep ? n - keep : 0;
    printf("# floor stages, median over the last %d of %d resolutions (us; CLOCK_MONOTONIC)\n", n - first, stamped);
    long d[STAMPED];
    for (int s = 0; s < STAGES - 1; s++) {
        int m = 0;
        for (int i = first; i < n; i++) {
            d[m++] = s == STAGES - 2 ? stamps[i][STAGES - 2] - stamps[i][0] : stamps[i][s + 1] - stamps[i][s];
        }
        if (m == 0) break;
        qsort(d, m, sizeof d[0], by_value);
        printf("floor  %-62s %8.1f  (p90 %.1f)\n", names[s], d[(m - 1) / 2] / 1e3, d[(m * 9 + 9) / 10 - 1] / 1e3);
    }
}

static void on_signal(int sig) {
    (void) sig;
    stopping = 1;
}

static void die(const char *what) {
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Writes VALUE to /proc/sys/net/ipv4/KIND/IFACE/KNOB, keeping the old value to put back on exit. */
static void set_sysctl(const char *kind, const char *iface, const char *knob, const char *value) {
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/net/ipv4/%s/%s/%s", kind, iface, knob);
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char old[32] = "";
    if (!fgets(old, sizeof old, f)) old[0] = 0;
    fclose(f);
    old[strcspn(old, "\n")] = 0;
    f = fopen(path, "w");
    if (!f || fputs(value, f) < 0 || fclose(f) != 0) die(path);
    snprintf(saved_keys[saved], sizeof saved_keys[0], "%s", path);
    snprintf(saved_values[saved], sizeof saved_values[0], "%s", old);
    saved++;
}

static void restore_sysctls(void) {
    for (int i = saved - 1; i >= 0; i--) {
        FILE *f = fopen(saved_keys[i], "w");
        if (!f || fputs(saved_values[i], f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "floor: could not restore %s to %s\n", saved_keys[i], saved_values[i]);
        }
    }
}

/* Runs nft with SCRIPT on stdin (the interface name is checked to be a plain name before). */
static int nft(const char *script) {
    FILE *p = popen("nft -f -", "w");
    if (!p) return -1;
    fputs(script, p);
    return pclose(p);
}

struct nl_request {
    struct nlmsghdr h;
    struct ndmsg nd;
    char attrs[64];
};

static void add_attr(struct nlmsghdr *h, unsigned short type, const void *data, unsigned short len) {
    struct rtattr *a = (struct rtattr *) ((char *) h + NLMSG_ALIGN(h->nlmsg_len));
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: floor IFACE [authoritative|assist]\n");
        return 2;
    }
    const char *iface = argv[1];
    const char *mode = argc == 3 ? argv[2] : "authoritative";
    int assist = strcmp(mode, "assist") == 0;
    int bare = strcmp(mode, "observe-bare") == 0;
    int observe = bare || strcmp(mode, "observe") == 0 || strcmp(mode, "observe-requests") == 0;
    int requests_only = bare || strcmp(mode, "observe-requests") == 0;
    if (!assist && !observe && strcmp(mode, "authoritative") != 0) {
        fprintf(stderr, "floor: unknown mode '%s' (expected authoritative, assist, observe, observe-requests or observe-bare)\n", mode);
        return 2;
    }
    size_t n = strlen(iface);
    if (n == 0 || n >= IFNAMSIZ || strspn(iface, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n) {
        fprintf(stderr, "floor: '%s' is not an interface name\n", iface);
        return 2;
    }
    int ifindex = (int) if_nametoindex(iface);
    if (ifindex == 0) die(iface);

    /* Own hardware and IPv4 address: the request's sender fields. */
    int inet = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (inet < 0) die("socket(AF_INET)");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, iface, n);
    if (ioctl(inet, SIOCGIFHWADDR, &ifr) < 0) die("ioctl(SIOCGIFHWADDR)");
    unsigned char own_mac[6];
    memcpy(own_mac, ifr.ifr_hwaddr.sa_data, 6);
    ifr.ifr_addr.sa_family = AF_INET;
    if (ioctl(inet, SIOCGIFADDR, &ifr) < 0) die("ioctl(SIOCGIFADDR): the interface needs an IPv4 address");
    uint32_t own_ip = ((struct sockaddr_in *) &ifr.ifr_addr)->sin_addr.s_addr; /* network order */
    close(inet);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR and the loop sees stopping */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    char script[512];
    if (assist) {
        set_sysctl("neigh", iface, "app_solicit", "1");
    } else if (observe) {
        set_sysctl("neigh", iface, "app_solicit", "0");
    } else {
        snprintf(script, sizeof script,
                 "table arp " NFT_TABLE " {\n chain input {\n  type filter hook input priority 0; policy accept;\n"
                 "  meta iif \"%s\" drop\n }\n}\n", iface);
        if (nft(script) != 0) {
            fprintf(stderr, "floor: nft could not add the arp input drop (is nft installed?)\n");
            return 1;
        }
        set_sysctl("neigh", iface, "app_solicit", "3");
        set_sysctl("neigh", iface, "ucast_solicit", "0");
        set_sysctl("neigh", iface, "mcast_solicit", "0");
        set_sysctl("neigh", iface, "mcast_resolicit", "0");
        set_sysctl("conf", iface, "arp_ignore", "8");
        set_sysctl("conf", iface, "arp_accept", "0");
        set_sysctl("conf", iface, "drop_gratuitous_arp", "1");
        set_sysctl("conf", iface, "arp_notify", "0");
        set_sysctl("conf", iface, "proxy_arp", "0");
    }

    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (nl < 0) die("socket(AF_NETLINK)");
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    if (bind(nl, (struct sockaddr *) &local, sizeof local) < 0) die("bind(AF_NETLINK)");
    int group = RTNLGRP_NEIGH;
    if (!bare && setsockopt(nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) die("NETLINK_ADD_MEMBERSHIP");

    int pk = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
    if (pk < 0) die("socket(AF_PACKET): needs CAP_NET_RAW");
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = ifindex};
    if (bind(pk, (struct sockaddr *) &ll, sizeof ll) < 0) die("bind(AF_PACKET)");
    if (requests_only) {
        /* ldh [20] (ARP opcode); jeq #1 ? accept : drop */
        struct sock_filter code[] = {{0x28, 0, 0, 20}, {0x15, 0, 1, 1}, {0x06, 0, 0, 0xffff}, {0x06, 0, 0, 0}};
        struct sock_fprog prog = {.len = 4, .filter = code};
        if (setsockopt(pk, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) die("SO_ATTACH_FILTER");
    }

    /* The request frame: only the target protocol address changes per miss. */
    unsigned char request[42];
    memset(request, 0xff, 6);
    memcpy(request + 6, own_mac, 6);
    request[12] = 0x08, request[13] = 0x06;                 /* EtherType ARP */
    request[14] = 0, request[15] = 1;                       /* htype Ethernet */
    request[16] = 0x08, request[17] = 0x00;                 /* ptype IPv4 */
    request[18] = 6, request[19] = 4;                       /* hlen, plen */
    request[20] = 0, request[21] = 1;                       /* op request */
    memcpy(request + 22, own_mac, 6);
    memcpy(request + 28, &own_ip, 4);
    memset(request + 32, 0, 6);

    const char *keep = getenv("FLOOR_STAMPS");
    long polled = 0, miss[3] = {0}; /* the stamps of the resolution under way */
    uint32_t pending[PENDING] = {0};
    unsigned next_pending = 0;
    uint32_t seq = 1;
    static char nlbuf[65536];
    unsigned char frame[2048];
    struct pollfd fds[2] = {{.fd = nl, .events = POLLIN}, {.fd = pk, .events = POLLIN}};

    printf("floor ready on %s (%s)\n", iface, mode);
    fflush(stdout);

    while (!stopping) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (keep) polled = now_ns();
        if (fds[0].revents) {
            ssize_t len = recv(nl, nlbuf, sizeof nlbuf, MSG_DONTWAIT);
            long read_at = keep ? now_ns() : 0;
            if (len < 0 && errno != EAGAIN && errno != EINTR && errno != ENOBUFS) die("recv(netlink)");
            for (struct nlmsghdr *h = (struct nlmsghdr *) nlbuf; len > 0 && NLMSG_OK(h, (size_t) len); h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_type == NLMSG_ERROR) {
                    struct nlmsgerr *e = NLMSG_DATA(h);
                    if (e->error != 0) fprintf(stderr, "floor: RTM_NEWNEIGH refused: %s\n", strerror(-e->error));
                    continue;
                }
                if (h->nlmsg_type != RTM_GETNEIGH) continue;
                struct ndmsg *nd = NLMSG_DATA(h);
                if (nd->ndm_family != AF_INET || nd->ndm_ifindex != ifindex) continue;
                if (!(nd->ndm_state & (NUD_INCOMPLETE | NUD_PROBE))) continue;
                int alen = (int) (h->nlmsg_len - NLMSG_LENGTH(sizeof *nd));
                for (struct rtattr *a = (struct rtattr *) ((char *) nd + NLMSG_ALIGN(sizeof *nd)); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                    if (a->rta_type != NDA_DST || RTA_PAYLOAD(a) != 4) continue;
                    uint32_t target;
                    memcpy(&target, RTA_DATA(a), 4);
                    memcpy(request + 38, &target, 4);
                    if (send(pk, request, sizeof request, 0) < 0) perror("floor: send(ARP request)");
                    pending[next_pending++ % PENDING] = target;
                    if (keep) miss[0] = polled, miss[1] = read_at, miss[2] = now_ns();
                }
            }
        }
        if (fds[1].revents) {
            struct sockaddr_ll from;
            socklen_t fromlen = sizeof from;
            ssize_t len = recvfrom(pk, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr *) &from, &fromlen);
            long read_at = keep ? now_ns() : 0;
            if (len < 0 && errno != EAGAIN && errno != EINTR) die("recvfrom(AF_PACKET)");
            /* An Ethernet ARP reply (RFC 826: htype 1, ptype IPv4, 6/4, op 2) not sent by this host. */
            if (len >= 42 && from.sll_pkttype != PACKET_OUTGOING && frame[14] == 0 && frame[15] == 1 && frame[16] == 8
                && frame[17] == 0 && frame[18] == 6 && frame[19] == 4 && frame[20] == 0 && frame[21] == 2) {
                uint32_t sender;
                memcpy(&sender, frame + 28, 4);
                int asked = -1;
                for (int i = 0; i < PENDING; i++) {
                    if (pending[i] == sender && sender != 0) asked = i;
                }
                if (asked >= 0) {
                    pending[asked] = 0;
                    struct nl_request r;
                    memset(&r, 0, sizeof r);
                    r.h.nlmsg_len = NLMSG_LENGTH(sizeof r.nd);
                    r.h.nlmsg_type = RTM_NEWNEIGH;
                    r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE; /* 0x505 */
                    r.h.nlmsg_seq = seq++;
                    r.nd.ndm_family = AF_INET;
                    r.nd.ndm_ifindex = ifindex;
                    r.nd.ndm_state = NUD_REACHABLE;
                    r.nd.ndm_type = RTN_UNICAST;
                    add_attr(&r.h, NDA_DST, &sender, 4);
                    add_attr(&r.h, NDA_LLADDR, frame + 22, 6);
                    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
                    if (sendto(nl, &r, r.h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0) {
                        perror("floor: sendto(RTM_NEWNEIGH)");
                    }
                    if (keep && miss[0] != 0) {
                        long *r = stamps[stamped++ % STAMPED];
                        r[0] = miss[0], r[1] = miss[1], r[2] = miss[2], r[3] = polled, r[4] = read_at, r[5] = now_ns();
                        miss[0] = 0;
                    }
                }
            }
        }
    }
    if (keep) print_stamps(atoi(keep) > 0 ? atoi(keep) : STAMPED);
    restore_sysctls();
    if (!assist && !observe) nft("delete table arp " NFT_TABLE "\n");
    return 0;
}
