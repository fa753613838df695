package org.uarpd.wire.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.LinuxCooked;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;

/**
 * Neighbour solicitations and advertisements uarpd encodes for the oracles: a fixed pseudo-random
 * mix of both types, DAD probes, every flag combination and SLL / TLL options of 1 to 32 bytes,
 * nonces and unassigned option types, in Ethernet II frames and Linux cooked captures. Addresses
 * only from 2001:db8::/32, fe80::/10 and ff02::.
 */
final class NdOracleFrames {
    record Sent(LinkType link, NdPacket packet, byte[] frame) {}

    private NdOracleFrames() {}

    static List<Sent> build(int count) {
        Random rnd = new Random(7527);
        List<Sent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NdPacket p = packet(rnd, i);
            LinkType link = i % 3 == 0 ? LinuxCooked.INSTANCE : Ethernet.INSTANCE;
            HardwareAddress dst = p.destination().isMulticast() ? p.destination().multicastMac() : mac(rnd);
            out.add(new Sent(link, p, link.encode(dst, mac(rnd), EtherType.IPV6, NdCodec.encode(p))));
        }
        return out;
    }

    private static NdPacket packet(Random rnd, int i) {
        Ip6Address src = address(rnd);
        Ip6Address target = address(rnd);
        List<NdOption> options = new ArrayList<>();
        for (int n = rnd.nextInt(4); n > 0; n--) options.add(option(rnd));
        if (i % 2 == 0) {
            if (i % 6 == 0) {
                options.removeIf(o -> o.type().value() == 1);
                return NdPacket.solicitation(Ip6Address.UNSPECIFIED, target.solicitedNode(), target, options);
            }
            return NdPacket.solicitation(src, rnd.nextBoolean() ? target.solicitedNode() : target, target, options);
        }
        boolean solicited = rnd.nextBoolean();
        Ip6Address dst = solicited || rnd.nextBoolean() ? address(rnd) : Ip6Address.ALL_NODES;
        return NdPacket.advertisement(src, dst, rnd.nextBoolean(), solicited, rnd.nextBoolean(), target, options);
    }

    private static NdOption option(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> NdOption.sourceLinkLayer(HardwareAddress.of(bytes(rnd, linkLength(rnd))));
            case 1 -> NdOption.targetLinkLayer(HardwareAddress.of(bytes(rnd, linkLength(rnd))));
            case 2 -> NdOption.nonce(bytes(rnd, rnd.nextBoolean() ? 6 : 14));
            default -> NdOption.of(200 + rnd.nextInt(51), bytes(rnd, rnd.nextBoolean() ? 6 : 14));
        };
    }

    private static int linkLength(Random rnd) {
        return rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(32) : 6;
    }

    private static Ip6Address address(Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> new Ip6Address(0x2001_0DB8_0000_0000L | (rnd.nextLong() & 0xFFFF_FFFFL), rnd.nextLong());
            case 1 -> new Ip6Address(0xFE80_0000_0000_0000L, rnd.nextLong());
            default -> new Ip6Address(0x2001_0DB8_0000_0000L, rnd.nextInt(0x10000));
        };
    }

    private static HardwareAddress mac(Random rnd) {
        byte[] b = bytes(rnd, 6);
        b[0] = (byte) ((b[0] & 0xFC) | 0x02);
        return HardwareAddress.of(b);
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
