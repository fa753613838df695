package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/** Compact stations are the in-kernel ARP in another representation: the wire cannot tell them apart. */
class CompactStationsTest {
    static final long S = Simulation.SECOND;
    /** Stations answer 64 to a machine word (CompactStations' bit-sliced summaries): three words, the last partial. */
    static final int N = 150;
    static final long MAC = 0x020000000100L;
    static final int BASE = Ip4.parse("192.0.2.10");

    /** Who sends to whom, when: some pairs twice, one to an absent address. */
    static void traffic(World w, java.util.function.BiConsumer<Integer, Integer> send) {
        for (int i = 0; i < N; i++) {
            int from = i;
            for (int k = 1; k <= 3; k++) {
                int to = BASE + (i * 7 + k * 5) % N;
                w.sim().at(k * S + i * 1_000_000L, () -> send.accept(from, to));
            }
        }
        w.sim().at(5 * S, () -> send.accept(3, BASE + 4));
        w.sim().at(5 * S, () -> send.accept(5, Ip4.parse("192.0.2.200")));
    }

    /**
     * A uarpd host that boots claiming station 4's address with RFC 5227 probing: the legacy station
     * must answer the probe (sender 0.0.0.0) in both forms alike.
     */
    static SimHost prober(World w, Segment lan) {
        SimHost p = w.addHost("prober");
        p.configure(p.attach("eth0", lan, HardwareAddress.ofLong48(0x0200000000feL)), BASE + 4, 24);
        p.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withSeed(3)
                .withLinks(java.util.Map.of("eth0", org.uarpd.engine.LinkPolicy.authoritative()
                        .withConflict(org.uarpd.engine.ConflictPolicy.rfc5227())))), 0);
        return p;
    }

    static byte[] withFullHosts(World w) throws IOException {
        ByteArrayOutputStream capture = new ByteArrayOutputStream();
        Segment lan = w.addSegment("lan", Ethernet.INSTANCE);
        lan.setTap(new PcapWriter(capture, Ethernet.INSTANCE, TimestampResolution.MICROS));
        SimHost[] hosts = new SimHost[N];
        for (int i = 0; i < N; i++) {
            hosts[i] = w.addHost("h" + i);
            hosts[i].configure(hosts[i].attach("eth0", lan, HardwareAddress.ofLong48(MAC + i)), BASE + i, 24);
        }
        prober(w, lan);
        w.bootAll();
        traffic(w, (from, to) -> hosts[from].send(to));
        w.sim().runUntil(30 * S);
        return capture.toByteArray();
    }

    static byte[] withCompactStations(World w) throws IOException {
        ByteArrayOutputStream capture = new ByteArrayOutputStream();
        Segment lan = w.addSegment("lan", Ethernet.INSTANCE);
        lan.setTap(new PcapWriter(capture, Ethernet.INSTANCE, TimestampResolution.MICROS));
        CompactStations block = new CompactStations(w, lan, "h", N, MAC, BASE, 24);
        prober(w, lan).boot();
        traffic(w, block::send);
        w.sim().runUntil(30 * S);
        return capture.toByteArray();
    }

    @Test
    void theSameTrafficPutsByteIdenticalFramesOnTheWire() throws IOException {
        World full = new World(1);
        World compact = new World(1);
        byte[] a = withFullHosts(full);
        byte[] b = withCompactStations(compact);
        assertThat(a.length).isGreaterThan(N * 3 * 60);
        assertThat(b).isEqualTo(a);
        assertThat(compact.stats().resolved()).isEqualTo(full.stats().resolved());
        assertThat(compact.stats().failed()).isEqualTo(full.stats().failed()).isEqualTo(1);
        assertThat(compact.stats().packetsDelivered()).isEqualTo(full.stats().packetsDelivered());
        assertThat(compact.segment("lan").deliveries()).isEqualTo(full.segment("lan").deliveries());
        // the probe was answered, in both: the prober gave the address up
        assertThat(full.timeline().grep("prober     uarpd: CONFLICT 192.0.2.14")).hasSize(1);
        assertThat(compact.timeline().grep("prober     uarpd: CONFLICT 192.0.2.14")).hasSize(1);
    }

    @Test
    void uarpdHostsAndCompactStationsShareASegment() {
        World w = new World(2);
        Segment lan = w.addSegment("lan", Ethernet.INSTANCE);
        CompactStations block = new CompactStations(w, lan, "c", 50, MAC, BASE, 24);
        SimHost u = w.addHost("u");
        SimInterface ui = u.attach("eth0", lan, HardwareAddress.ofLong48(0x020000000001L));
        u.configure(ui, Ip4.parse("192.0.2.1"), 24);
        u.runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 0);
        w.bootAll();
        w.sim().runUntil(S / 10);
        u.send(BASE + 17);
        block.send(30, Ip4.parse("192.0.2.1"));
        w.sim().runUntil(S);
        assertThat(w.stats().resolved()).isEqualTo(2);
        assertThat(w.stats().packetsDelivered()).isEqualTo(2);
        assertThat(u.kernel().lookupNeighbor(ui, BASE + 17)).isEqualTo(block.hardware(17));
        assertThat(block.lookup(30, Ip4.parse("192.0.2.1"))).isEqualTo(ui.address());
        // station 17 learnt uarpd's host from the request addressed to it; station 18 did not
        assertThat(block.lookup(17, Ip4.parse("192.0.2.1"))).isEqualTo(ui.address());
        assertThat(block.lookup(18, Ip4.parse("192.0.2.1"))).isNull();
        // the broadcast request reached all 50 stations
        assertThat(lan.deliveries()).isGreaterThanOrEqualTo(50 + 49);
    }

    @Test
    void lossInTheBlockHealsByRetransmission() {
        World w = new World(4);
        Segment lan = w.addSegment("lan", Ethernet.INSTANCE);
        lan.setFaults(SegmentFaults.NONE.withLoss(0.3));
        CompactStations block = new CompactStations(w, lan, "c", 100, MAC, BASE, 24);
        for (int i = 0; i < 100; i++) block.send(i, BASE + (i + 1) % 100);
        w.sim().runUntil(30 * S);
        assertThat(w.stats().resolved() + w.stats().failed()).isEqualTo(100);
        assertThat(w.stats().resolved()).isGreaterThan(90);
        assertThat(lan.lost()).isPositive();
        assertThat(w.stats().latencyBuckets()[5]).isPositive(); // some took a retry (1..10 s)
    }
}
