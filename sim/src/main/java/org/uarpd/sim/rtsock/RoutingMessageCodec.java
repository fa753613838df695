package org.uarpd.sim.rtsock;

import java.nio.charset.StandardCharsets;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;

/**
 * Binary form of {@link RoutingMessage}. Every integer is big-endian (the simulated machine is a
 * big-endian one, like the SPARCs and 68ks of 1996), every sockaddr is rounded up to 4 bytes as
 * BSD's {@code ROUNDUP} does on a 32-bit machine.
 *
 * <pre>
 *  0  u16 rtm_msglen      2 u8 rtm_version    3 u8 rtm_type
 *  4  u16 rtm_index       6 u8 state (0 none, 1+ordinal)   7 u8 reserved (0)
 *  8  i32 rtm_flags      12 i32 rtm_addrs    16 i32 rtm_pid    20 i32 rtm_seq
 * 24  i32 rtm_errno      28 i32 held         32 i32 probes     36 i32 rmx_expire (s)
 * 40  sockaddrs in RTA_ bit order: DST, GATEWAY, NETMASK, IFP, IFA
 *
 *  sockaddr_in: u8 len (16), u8 family (2), u16 port, u32 address, 8 zero bytes
 *  sockaddr_in6: u8 len (28), u8 family (24), u16 port, u32 flow info, 16 address bytes, u32 scope id
 *  sockaddr_dl: u8 len, u8 family (18), u16 index, u8 type, u8 nlen, u8 alen, u8 slen,
 *               name (nlen), address (alen), selector (slen); len at least 20
 * </pre>
 */
public final class RoutingMessageCodec {
    public static final int HEADER = 40;
    static final int SOCKADDR_IN_LEN = 16;
    static final int SOCKADDR_IN6_LEN = 28;
    static final int SOCKADDR_DL_MIN = 20;
    private static final int KNOWN_ADDRS = Rtm.RTA_DST | Rtm.RTA_GATEWAY | Rtm.RTA_NETMASK | Rtm.RTA_IFP | Rtm.RTA_IFA;
    private static final NeighborState[] STATES = NeighborState.values();

    private RoutingMessageCodec() {}

    public static byte[] encode(RoutingMessage m) {
        int length = HEADER + size(m.dst()) + size(m.gateway()) + size(m.netmask()) + size(m.ifp()) + size(m.ifa());
        if (length > 0xFFFF) throw new IllegalArgumentException("routing message longer than 65535 bytes");
        byte[] b = new byte[length];
        putU16(b, 0, length);
        b[2] = (byte) Rtm.VERSION;
        b[3] = (byte) m.type();
        putU16(b, 4, m.index());
        b[6] = (byte) (m.state() == null ? 0 : m.state().ordinal() + 1);
        putI32(b, 8, m.flags());
        putI32(b, 12, m.addrs());
        putI32(b, 16, m.pid());
        putI32(b, 20, m.seq());
        putI32(b, 24, m.errno());
        putI32(b, 28, m.held());
        putI32(b, 32, m.probes());
        putI32(b, 36, m.expire());
        int p = HEADER;
        p = put(b, p, m.dst());
        p = put(b, p, m.gateway());
        p = put(b, p, m.netmask());
        p = put(b, p, m.ifp());
        put(b, p, m.ifa());
        return b;
    }

    public static RoutingMessage decode(byte[] b) throws MalformedFrameException {
        return decode(b, 0, b.length);
    }

    /** Decodes exactly one message at {@code b[offset, offset+length)}. */
    public static RoutingMessage decode(byte[] b, int offset, int length) throws MalformedFrameException {
        if (length < HEADER) throw new MalformedFrameException("routing message header truncated: " + length + " of " + HEADER + " bytes", offset);
        int msglen = u16(b, offset);
        if (msglen != length) throw new MalformedFrameException("rtm_msglen " + msglen + " differs from the " + length + " bytes read", offset);
        int version = b[offset + 2] & 0xFF;
        if (version != Rtm.VERSION) throw new MalformedFrameException("rtm_version " + version + ", expected " + Rtm.VERSION, offset + 2);
        int type = b[offset + 3] & 0xFF;
        int index = u16(b, offset + 4);
        int stateCode = b[offset + 6] & 0xFF;
        if (stateCode > STATES.length) throw new MalformedFrameException("neighbour state code " + stateCode + " unknown", offset + 6);
        NeighborState state = stateCode == 0 ? null : STATES[stateCode - 1];
        int flags = i32(b, offset + 8);
        int addrs = i32(b, offset + 12);
        if ((addrs & ~KNOWN_ADDRS) != 0) {
            throw new MalformedFrameException("rtm_addrs 0x" + Integer.toHexString(addrs) + " has bits for sockaddrs this format does not carry", offset + 12);
        }
        int pid = i32(b, offset + 16);
        int seq = i32(b, offset + 20);
        int errno = i32(b, offset + 24);
        int held = i32(b, offset + 28);
        int probes = i32(b, offset + 32);
        int expire = i32(b, offset + 36);
        Sockaddr[] found = new Sockaddr[5];
        int p = offset + HEADER;
        int end = offset + length;
        int[] bits = {Rtm.RTA_DST, Rtm.RTA_GATEWAY, Rtm.RTA_NETMASK, Rtm.RTA_IFP, Rtm.RTA_IFA};
        for (int i = 0; i < bits.length; i++) {
            if ((addrs & bits[i]) == 0) continue;
            if (p + 2 > end) throw new MalformedFrameException("sockaddr for RTA bit 0x" + Integer.toHexString(bits[i]) + " missing", p);
            int saLen = b[p] & 0xFF;
            int family = b[p + 1] & 0xFF;
            int rounded = roundUp(saLen);
            if (saLen < 2 || p + rounded > end) throw new MalformedFrameException("sockaddr length " + saLen + " overruns the message", p);
            found[i] = switch (family) {
                case Rtm.AF_INET -> {
                    if (saLen != SOCKADDR_IN_LEN) throw new MalformedFrameException("sockaddr_in length " + saLen + ", expected 16", p);
                    yield new Sockaddr.In(i32(b, p + 4));
                }
                case Rtm.AF_INET6 -> {
                    if (saLen != SOCKADDR_IN6_LEN) throw new MalformedFrameException("sockaddr_in6 length " + saLen + ", expected 28", p);
                    yield new Sockaddr.In6(Ip6Address.of(b, p + 8));
                }
                case Rtm.AF_LINK -> {
                    if (saLen < 8) throw new MalformedFrameException("sockaddr_dl length " + saLen + " shorter than its header", p);
                    int nlen = b[p + 5] & 0xFF;
                    int alen = b[p + 6] & 0xFF;
                    int slen = b[p + 7] & 0xFF;
                    if (8 + nlen + alen + slen > saLen) {
                        throw new MalformedFrameException("sockaddr_dl nlen " + nlen + " + alen " + alen + " + slen " + slen + " overrun sdl_len " + saLen, p + 5);
                    }
                    String name = new String(b, p + 8, nlen, StandardCharsets.US_ASCII);
                    yield new Sockaddr.Dl(u16(b, p + 2), b[p + 4] & 0xFF, name, HardwareAddress.of(b, p + 8 + nlen, alen));
                }
                default -> throw new MalformedFrameException("sockaddr family " + family + " is none of AF_INET, AF_INET6 and AF_LINK", p + 1);
            };
            p += rounded;
        }
        if (p != end) throw new MalformedFrameException((end - p) + " trailing bytes after the sockaddrs", p);
        Sockaddr.Dl ifp;
        Sockaddr.Inet dst = inetOrFail(found[0], "RTA_DST", offset + 12);
        Sockaddr.Inet netmask = inetOrFail(found[2], "RTA_NETMASK", offset + 12);
        Sockaddr.Inet ifa = inetOrFail(found[4], "RTA_IFA", offset + 12);
        if (found[3] != null && !(found[3] instanceof Sockaddr.Dl)) throw new MalformedFrameException("RTA_IFP is not a sockaddr_dl", offset + 12);
        ifp = (Sockaddr.Dl) found[3];
        return new RoutingMessage(type, index, flags, pid, seq, errno, held, probes, expire, state, dst, found[1], netmask, ifp, ifa);
    }

    private static Sockaddr.Inet inetOrFail(Sockaddr s, String what, int where) throws MalformedFrameException {
        if (s == null) return null;
        if (s instanceof Sockaddr.Inet in) return in;
        throw new MalformedFrameException(what + " is neither a sockaddr_in nor a sockaddr_in6", where);
    }

    private static int size(Sockaddr s) {
        return s == null ? 0 : roundUp(length(s));
    }

    private static int length(Sockaddr s) {
        return switch (s) {
            case Sockaddr.In in -> SOCKADDR_IN_LEN;
            case Sockaddr.In6 in6 -> SOCKADDR_IN6_LEN;
            case Sockaddr.Dl dl -> Math.max(SOCKADDR_DL_MIN, 8 + dl.name().length() + dl.address().length());
        };
    }

    private static int put(byte[] b, int p, Sockaddr s) {
        if (s == null) return p;
        int len = length(s);
        b[p] = (byte) len;
        switch (s) {
            case Sockaddr.In in -> {
                b[p + 1] = (byte) Rtm.AF_INET;
                putI32(b, p + 4, in.address());
            }
            case Sockaddr.In6 in6 -> {
                b[p + 1] = (byte) Rtm.AF_INET6;
                in6.address().copyTo(b, p + 8);
            }
            case Sockaddr.Dl dl -> {
                // sdl_len is one byte: a longer sockaddr_dl would wrap it and decode as garbage
                if (len > 255) throw new IllegalArgumentException("sockaddr_dl of " + len + " bytes (name " + dl.name().length()
                        + ", address " + dl.address().length() + ") exceeds sdl_len's 255");
                byte[] name = dl.name().getBytes(StandardCharsets.US_ASCII);
                b[p + 1] = (byte) Rtm.AF_LINK;
                putU16(b, p + 2, dl.index());
                b[p + 4] = (byte) dl.type();
                b[p + 5] = (byte) name.length;
                b[p + 6] = (byte) dl.address().length();
                System.arraycopy(name, 0, b, p + 8, name.length);
                dl.address().copyTo(b, p + 8 + name.length);
            }
        }
        return p + roundUp(len);
    }

    static int roundUp(int n) {
        return (n + 3) & ~3;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int i32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void putI32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
