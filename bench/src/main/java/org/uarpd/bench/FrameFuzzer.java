package org.uarpd.bench;

import java.util.SplittableRandom;

/**
 * Frames for {@link LiveFuzz}: structured ARP-family frames with fields at random or at their
 * extremes, framed as Ethernet II, 802.1Q or 802.3 + LLC/SNAP, some truncated or padded far past their
 * length, some pure noise, and a fifth of all of them with random bytes flipped afterwards.
 */
final class FrameFuzzer {
    private static final int[] HTYPES = {1, 6, 0, 0xFFFF, 32, 15, 19};
    private static final int[] OPCODES = {1, 2, 3, 4, 8, 9, 0, 0xFFFF, 10};
    private static final int[] LENGTHS = {0, 1, 4, 6, 16, 20, 255};
    private final SplittableRandom random;
    private final byte[] hostMac;

    FrameFuzzer(SplittableRandom random, byte[] hostMac) {
        this.random = random;
        this.hostMac = hostMac;
    }

    /** Writes the next frame into {@code buf} (at least 9014 bytes); returns its length. */
    int next(byte[] buf) {
        int kind = random.nextInt(10);
        int len = switch (kind) {
            case 0, 1 -> ethernet(buf, 0x0806, arp(buf, 14, pick(OPCODES), 1, 6, 4));
            case 2 -> ethernet(buf, 0x8035, arp(buf, 14, 3 + random.nextInt(2), 1, 6, 4)); // RARP
            case 3 -> ethernet(buf, 0x0806, arp(buf, 14, 8 + random.nextInt(2), pick(HTYPES), 6, 4)); // InARP
            case 4 -> snap(buf);
            case 5 -> vlan(buf);
            case 6 -> Math.min(random.nextInt(42), ethernet(buf, 0x0806, arp(buf, 14, 1, 1, 6, 4))); // truncated
            case 7 -> oversized(buf);
            case 8 -> ethernet(buf, 0x0806, arp(buf, 14, pick(OPCODES), pick(HTYPES), pick(LENGTHS), pick(LENGTHS)));
            default -> noise(buf);
        };
        len = Math.max(len, 14); // the sending kernel refuses less than a link-layer header
        if (random.nextInt(5) == 0) {
            for (int i = random.nextInt(1, 8); i > 0; i--) buf[random.nextInt(len)] ^= (byte) random.nextInt(1, 256);
        }
        return len;
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    /** Ethernet II header (broadcast or to the host) before a payload of {@code payload} bytes at 14. */
    private int ethernet(byte[] buf, int type, int payload) {
        header(buf);
        buf[12] = (byte) (type >> 8);
        buf[13] = (byte) type;
        return 14 + payload;
    }

    private void header(byte[] buf) {
        if (random.nextBoolean()) {
            for (int i = 0; i < 6; i++) buf[i] = (byte) 0xFF;
        } else {
            System.arraycopy(hostMac, 0, buf, 0, 6);
        }
        buf[6] = 0x02;
        for (int i = 7; i < 12; i++) buf[i] = (byte) random.nextInt(256);
    }

    /**
     * An ARP-shaped packet at {@code at}: the given types and lengths; protocol addresses, where four
     * bytes long, from the lab ranges (and the host's 192.0.2.1 as a frequent target).
     */
    private int arp(byte[] buf, int at, int op, int htype, int hlen, int plen) {
        put16(buf, at, htype);
        put16(buf, at + 2, random.nextInt(8) == 0 ? random.nextInt(0x10000) : 0x0800);
        buf[at + 4] = (byte) hlen;
        buf[at + 5] = (byte) plen;
        put16(buf, at + 6, op);
        int p = at + 8;
        p = address(buf, p, hlen);
        p = protocol(buf, p, plen, false);
        p = address(buf, p, hlen);
        p = protocol(buf, p, plen, true);
        return p - at;
    }

    private int address(byte[] buf, int p, int len) {
        for (int i = 0; i < len; i++) buf[p + i] = (byte) random.nextInt(256);
        if (len == 6) buf[p] = 0x02;
        return p + len;
    }

    private int protocol(byte[] buf, int p, int len, boolean target) {
        if (len != 4) return address(buf, p, len);
        boolean first = random.nextBoolean();
        buf[p] = (byte) (first ? 192 : 198);
        buf[p + 1] = (byte) (first ? 0 : 51);
        buf[p + 2] = (byte) (first ? 2 : 100);
        buf[p + 3] = (byte) (target && first && random.nextBoolean() ? 1 : random.nextInt(256));
        return p + 4;
    }

    /** 802.3: a length field (the true one or an extreme) then LLC/SNAP AA AA 03 00 00 00 08 06. */
    private int snap(byte[] buf) {
        header(buf);
        int payload = 8 + arp(buf, 22, 1 + random.nextInt(2), pick(HTYPES), 6, 4);
        int[] lengths = {payload, 0, 1, 0x05DC, 0x05FF, payload + 100};
        put16(buf, 12, lengths[random.nextInt(lengths.length)]);
        byte[] llc = {(byte) 0xAA, (byte) 0xAA, 0x03, 0, 0, 0, 0x08, 0x06};
        System.arraycopy(llc, 0, buf, 14, 8);
        return 14 + payload;
    }

    /** An 802.1Q tag (VID at random, 0 or 4095) before an ARP ethertype. */
    private int vlan(byte[] buf) {
        header(buf);
        put16(buf, 12, 0x8100);
        int[] vids = {0, 1, 4095, random.nextInt(4096)};
        put16(buf, 14, vids[random.nextInt(vids.length)]);
        put16(buf, 16, 0x0806);
        return 18 + arp(buf, 18, 1 + random.nextInt(2), 1, 6, 4);
    }

    /** A valid request followed by up to the MTU of padding. */
    private int oversized(byte[] buf) {
        int len = ethernet(buf, 0x0806, arp(buf, 14, 1, 1, 6, 4));
        int total = random.nextBoolean() ? 9014 : len + random.nextInt(1, 9014 - len);
        for (int i = len; i < total; i++) buf[i] = (byte) random.nextInt(256);
        return total;
    }

    private int noise(byte[] buf) {
        int len = random.nextInt(14, 200);
        for (int i = 0; i < len; i++) buf[i] = (byte) random.nextInt(256);
        return len;
    }

    private static void put16(byte[] buf, int at, int v) {
        buf[at] = (byte) (v >> 8);
        buf[at + 1] = (byte) v;
    }
}
