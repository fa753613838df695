package org.uarpd.bench;

import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.Input;
import org.uarpd.engine.NeighborTimers;
import org.uarpd.engine.RateLimit;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/** Links, addresses and frames shared by the engine benchmarks. */
final class EngineFixtures {
    static final HardwareAddress OUR_HW = HardwareAddress.parse("02:00:00:00:00:01");
    static final int OUR_IP = Ip4.parse("192.0.2.254");
    /** Targets per link: 192.0.2.1 … 192.0.2.245. */
    static final int TARGETS_PER_LINK = 245;

    private EngineFixtures() {}

    /** Rate limits out of the way: the benchmarks measure the work, not the pacing. */
    static EngineConfig unlimited(int maxEntries) {
        return EngineConfig.defaults().withBounds(maxEntries, 16, maxEntries)
                .withRateLimits(new RateLimit(1 << 20, 1e12), new RateLimit(1 << 20, 1e12))
                .withTimers(NeighborTimers.defaults());
    }

    /** Brings up links 1..{@code links}, each with 192.0.2.254/24. */
    static void addLinks(Engine engine, int links, long now) {
        for (int l = 1; l <= links; l++) {
            engine.handle(now, new Input.LinkChanged(l, "bench" + l, Ethernet.INSTANCE, OUR_HW, true), a -> { });
            engine.handle(now, new Input.AddressAdded(l, OUR_IP, 24), a -> { });
        }
    }

    static int target(int i) {
        return Ip4.parse("192.0.2.0") + 1 + i;
    }

    static HardwareAddress peerHw(int i) {
        return HardwareAddress.ofLong48(0x0200_0001_0000L + i);
    }

    static byte[] frame(HardwareAddress dst, HardwareAddress src, Opcode op, HardwareAddress sha, int spa,
                        HardwareAddress tha, int tpa) {
        ArpPacket p = new ArpPacket(HardwareType.ETHERNET, EtherType.IPV4, op, sha, ProtocolAddress.ip4(spa), tha,
                ProtocolAddress.ip4(tpa));
        return Ethernet.INSTANCE.encode(dst, src, EtherType.ARP, ArpCodec.encode(p));
    }
}
