package org.uarpd.sim.rtsock;

/**
 * Constants of the simulated routing socket, numbered as in 4.4BSD's {@code <net/route.h>},
 * {@code <net/if_types.h>} and {@code <sys/socket.h>} so a reader who knows the BSD sources
 * recognises every message.
 */
public final class Rtm {
    private Rtm() {}

    /** Version byte of this message format (BSD's RTM_VERSION was 3; ours differs in layout). */
    public static final int VERSION = 5;

    // rtm_type
    public static final int ADD = 0x1;
    public static final int DELETE = 0x2;
    public static final int CHANGE = 0x3;
    public static final int GET = 0x4;
    public static final int MISS = 0x7;
    public static final int NEWADDR = 0xc;
    public static final int DELADDR = 0xd;
    public static final int IFINFO = 0xe;

    // rtm_flags
    public static final int RTF_UP = 0x1;
    public static final int RTF_GATEWAY = 0x2;
    public static final int RTF_HOST = 0x4;
    public static final int RTF_REJECT = 0x8;
    public static final int RTF_DYNAMIC = 0x10;
    public static final int RTF_DONE = 0x40;
    public static final int RTF_CLONING = 0x100;
    public static final int RTF_LLINFO = 0x400;
    public static final int RTF_STATIC = 0x800;
    /** Published (answered for) entry, like the "pub" of arp(8). */
    public static final int RTF_ANNOUNCE = 0x4000;

    /** if_msghdr flag carried in rtm_flags of RTM_IFINFO (IFF_UP). */
    public static final int IFF_UP = 0x1;

    // rtm_addrs bits, in the order the sockaddrs follow the header
    public static final int RTA_DST = 0x1;
    public static final int RTA_GATEWAY = 0x2;
    public static final int RTA_NETMASK = 0x4;
    public static final int RTA_IFP = 0x10;
    public static final int RTA_IFA = 0x20;

    // address families
    public static final int AF_INET = 2;
    public static final int AF_LINK = 18;
    /** AF_INET6 as NetBSD numbers it (FreeBSD's is 28). */
    public static final int AF_INET6 = 24;

    // sdl_type (if_types.h)
    public static final int IFT_OTHER = 0x01;
    public static final int IFT_ETHER = 0x06;
    public static final int IFT_ISO88023 = 0x07;
    public static final int IFT_ISO88025 = 0x09;
    public static final int IFT_FDDI = 0x0f;
    public static final int IFT_ARCNET = 0x23;
    /** ARCnet in the Linux capture framing (0x24 is IFT_ARCNETPLUS in if_types.h, reused). */
    public static final int IFT_ARCNET_LINUX = 0x24;
    public static final int IFT_ATM = 0x25;
    public static final int IFT_INFINIBAND = 0xc7;

    // errno values the simulated kernel reports
    public static final int ESRCH = 3;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENETUNREACH = 51;
    /** Set by a resolver on RTM_DELETE|RTF_REJECT when the answer was a definite no (an ATMARP NAK). */
    public static final int ECONNREFUSED = 61;
    public static final int EHOSTUNREACH = 65;

    public static String typeName(int type) {
        return switch (type) {
            case ADD -> "RTM_ADD";
            case DELETE -> "RTM_DELETE";
            case CHANGE -> "RTM_CHANGE";
            case GET -> "RTM_GET";
            case MISS -> "RTM_MISS";
            case NEWADDR -> "RTM_NEWADDR";
            case DELADDR -> "RTM_DELADDR";
            case IFINFO -> "RTM_IFINFO";
            default -> "RTM#" + type;
        };
    }
}
