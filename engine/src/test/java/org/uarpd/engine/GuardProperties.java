package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.uarpd.wire.HardwareAddress;

/**
 * With RFC 5227, the whole guard and the bridge on, hostile traffic (garbage, conflicts, spoofed
 * replies from many sources, interleaved with time) never throws, every frame the codecs cannot read
 * is reported, and the bounded tables stay bounded.
 */
class GuardProperties {
    static final int RIGHT = 2;

    static Harness everythingOn() {
        LinkPolicy p = LinkPolicy.authoritative().withBridge(true)
                .withConflict(ConflictPolicy.rfc5227().withDefense(Defense.ALWAYS))
                .withGuard(GuardPolicy.strict().withLockLearnt(false).withStationEvents(true, 64).withPerSource(new RateLimit(5, 10), 16)
                        .withPinned(Map.of(ip("192.0.2.254"), mac("02:00:00:00:00:fe"))));
        Harness h = new Harness(EngineConfig.defaults().withLinks(Map.of("eth0", p, "eth1", p)));
        h.linkUp(RIGHT, "eth1", mac("02:00:00:00:00:02"));
        h.input(new Input.AddressAdded(RIGHT, ip("192.0.2.2"), 24));
        return h;
    }

    @Property(tries = 60)
    @Label("hostile traffic never throws, malformed frames are reported, tables stay bounded")
    void hostileTraffic(@ForAll("traffic") List<byte[]> frames, @ForAll("gaps") List<Integer> gapsMs) {
        Harness h = everythingOn();
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            List<Action> a = h.frameOn(i % 2 == 0 ? LINK : RIGHT, f);
            if (!decodes(f)) {
                assertThat(events(a)).as("frame %d is malformed: dropped with an event", i)
                        .anyMatch(e -> e.kind() == EngineEvent.Kind.DROPPED || e.kind() == EngineEvent.Kind.IGNORED);
            }
            if (!gapsMs.isEmpty()) h.advance(gapsMs.get(i % gapsMs.size()) * MS);
        }
        h.advance(120 * S);
        assertThat(h.engine.size()).isLessThanOrEqualTo(h.engine.config().maxEntries() + h.engine.config().maxStaticEntries());
        assertThat(h.engine.nextDeadline()).isGreaterThan(h.now - S);
    }

    /** Whether wire's codecs read {@code f} as an Ethernet frame carrying an ARP-family packet. */
    static boolean decodes(byte[] f) {
        try {
            org.uarpd.wire.Frame frame = org.uarpd.wire.link.Ethernet.INSTANCE.decode(f, 0, f.length);
            if (!org.uarpd.wire.EtherType.isArpFamily(frame.protocol())) return false;
            org.uarpd.wire.ArpCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            return true;
        } catch (org.uarpd.wire.MalformedFrameException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<List<Integer>> gaps() {
        return Arbitraries.integers().between(0, 3000).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<byte[]>> traffic() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<HardwareAddress> hw = Arbitraries.longs().between(0x020000000000L, 0x0200000000FFL).map(HardwareAddress::ofLong48);
        Arbitrary<Integer> address = Arbitraries.integers().between(0, 300).map(n -> n < 256 ? ip("192.0.2.0") + n : ip("198.51.100.0") + n);
        Arbitrary<byte[]> arp = Combinators.combine(hw, hw, address, address, Arbitraries.integers().between(0, 3)).as((src, sha, spa, tpa, kind) ->
                switch (kind) {
                    case 0 -> request(sha, spa, tpa);
                    case 1 -> reply(sha, spa);
                    case 2 -> gratuitous(sha, spa);
                    default -> arpFrame(BROADCAST, src, org.uarpd.wire.EtherType.ARP, org.uarpd.wire.Opcode.REQUEST, sha, 0,
                            HardwareAddress.ofLong48(0), tpa); // a probe, maybe with a mismatched source
                });
        Arbitrary<byte[]> mutated = Combinators.combine(arp, Arbitraries.integers().between(0, 41), Arbitraries.bytes(),
                Arbitraries.integers().between(14, 60)).as((f, pos, val, cut) -> {
                    byte[] g = f.clone();
                    g[pos] = val;
                    return java.util.Arrays.copyOf(g, Math.min(cut, g.length));
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, arp), net.jqwik.api.Tuple.of(2, mutated), net.jqwik.api.Tuple.of(1, random))
                .list().ofMaxSize(60);
    }
}
