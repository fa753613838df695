package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.rarp.EthersTable;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/** What uarpd answers, for whom, and what it refuses, with the reason. */
class AnsweringTest {
    static final int ASKER = ip("192.0.2.7");
    static final HardwareAddress ASKER_HW = mac("02:00:00:00:00:07");
    static final Cidr POOL = Cidr.parse("198.51.100.0/25");

    static Harness withRange(PublishedEntry e) {
        Harness h = new Harness();
        h.command(new OperatorCommand.Publish(LINK, e));
        h.actions.clear();
        return h;
    }

    @Test
    @DisplayName("a published range is answered for every address in it but the excluded ones")
    void rangeWithExclusions() {
        Harness h = withRange(PublishedEntry.range(POOL, Cidr.parse("198.51.100.64/27"), Cidr.parse("198.51.100.5/32")));
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.1"))))).hasSize(1);
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.127"))))).hasSize(1);
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.5"))))).isEmpty();
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.70"))))).isEmpty();
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.128"))))).isEmpty();
        assertThat(h.engine.count(Reason.PUBLISHED)).isEqualTo(2);
        assertThat(h.engine.count(Reason.NOT_FOR_US)).isEqualTo(3);
    }

    @Test
    @DisplayName("the most specific published entry answers: an address, then the longest range; unpublishing restores the next")
    void mostSpecificWins() {
        HardwareAddress a = mac("02:00:00:00:aa:01");
        HardwareAddress b = mac("02:00:00:00:bb:01");
        HardwareAddress c = mac("02:00:00:00:cc:01");
        Harness h = new Harness();
        PublishedEntry wide = PublishedEntry.range(Cidr.parse("198.51.100.0/24")).withHardware(a);
        PublishedEntry narrow = PublishedEntry.range(Cidr.parse("198.51.100.0/28")).withHardware(b);
        PublishedEntry single = PublishedEntry.address(ip("198.51.100.3")).withHardware(c);
        h.command(new OperatorCommand.Publish(LINK, wide));
        h.command(new OperatorCommand.Publish(LINK, single));
        h.command(new OperatorCommand.Publish(LINK, narrow));
        java.util.function.IntFunction<HardwareAddress> answer = last -> {
            List<ArpPacket> p = transmitted(h.frame(request(ASKER_HW, ASKER, ip("198.51.100.0") + last)));
            return p.isEmpty() ? null : p.get(0).senderHardware();
        };
        assertThat(answer.apply(3)).isEqualTo(c);
        assertThat(answer.apply(4)).isEqualTo(b);
        assertThat(answer.apply(200)).isEqualTo(a);
        h.command(new OperatorCommand.Unpublish(LINK, single));
        assertThat(answer.apply(3)).isEqualTo(b);
        h.command(new OperatorCommand.Unpublish(LINK, narrow));
        assertThat(answer.apply(3)).isEqualTo(a);
        h.command(new OperatorCommand.Unpublish(LINK, wide));
        assertThat(answer.apply(3)).isNull();
    }

    @Test
    @DisplayName("thousands of single published addresses are each answered, and each unpublished")
    void manySingleAddresses() {
        Harness h = new Harness();
        int base = ip("198.51.100.0");
        for (int link = 2; link <= 20; link++) h.linkUp(link, "eth" + link, HardwareAddress.ofLong48(0x020000000000L + link));
        for (int i = 0; i < 256; i++) h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(base + i)));
        for (int i = 0; i < 256; i++) assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, base + i)))).hasSize(1);
        for (int i = 0; i < 256; i += 2) h.command(new OperatorCommand.Unpublish(LINK, PublishedEntry.address(base + i)));
        for (int i = 0; i < 256; i++) {
            assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, base + i)))).hasSize(i % 2);
        }
    }

    @Test
    @DisplayName("a published entry on link 0 is answered on every link")
    void publishedEverywhere() {
        Harness h = new Harness();
        h.linkUp(2, "eth1", mac("02:00:00:00:02:02"));
        h.command(new OperatorCommand.Publish(0, PublishedEntry.address(ip("198.51.100.9"))));
        byte[] req = request(ASKER_HW, ASKER, ip("198.51.100.9"));
        List<Action> a = h.input(new Input.FrameReceived(2, req, 0, req.length));
        assertThat(transmitted(a)).singleElement().satisfies(p -> assertThat(p.senderHardware()).isEqualTo(mac("02:00:00:00:02:02")));
        assertThat(only(a, Action.Transmit.class)).allSatisfy(t -> assertThat(t.link()).isEqualTo(2));
    }

    @Test
    @DisplayName("broadcast-only entries let unicast liveness checks through to the real host")
    void broadcastOnly() {
        Harness h = withRange(PublishedEntry.range(POOL).withBroadcastOnly(true));
        int target = ip("198.51.100.20");
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, target)))).hasSize(1);
        List<Action> a = h.frame(unicastRequest(ASKER_HW, ASKER, target, OUR_HW));
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.UNICAST_REQUEST);
    }

    @Test
    @DisplayName("RFC 5227 probes (sender 0.0.0.0) are not answered for published addresses unless asked to")
    void probes() {
        int target = ip("198.51.100.20");
        byte[] probe = request(ASKER_HW, 0, target);
        Harness quiet = withRange(PublishedEntry.range(POOL));
        List<Action> a = quiet.frame(probe);
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.PROBE_NOT_ANSWERED);
        Harness answering = withRange(PublishedEntry.range(POOL).withAnswerProbes(true));
        ArpPacket p = transmitted(answering.frame(probe)).get(0);
        assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(0));
        // nothing is learnt from a probe
        assertThat(answering.engine.size()).isZero();
    }

    @Test
    @DisplayName("a probe for one of our own addresses is answered: that is how the prober learns of the conflict")
    void probeForOwnAddress() {
        Harness h = new Harness();
        assertThat(transmitted(h.frame(request(ASKER_HW, 0, OUR_IP)))).hasSize(1);
        assertThat(h.engine.size()).isZero();
    }

    @Test
    @DisplayName("a reply delay holds the answer on a timer, then sends it unchanged")
    void replyDelay() {
        Harness h = withRange(PublishedEntry.range(POOL).withReplyDelay(800 * MS));
        int target = ip("198.51.100.20");
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, target)))).isEmpty();
        assertThat(h.engine.nextDeadline()).isEqualTo(h.now + 800 * MS);
        assertThat(transmitted(h.advance(799 * MS))).isEmpty();
        List<Sent> s = sent(h.advance(MS));
        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.frame().destination()).isEqualTo(ASKER_HW);
            assertThat(x.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(target));
            assertThat(x.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(ASKER));
        });
        assertThat(h.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("delayed replies waiting at once are bounded; beyond the bound a request is ignored with a reason")
    void delayedRepliesBounded() {
        Harness h = new Harness(EngineConfig.defaults().withBounds(100, 4, 3));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.range(POOL).withReplyDelay(100 * MS)));
        for (int i = 1; i <= 5; i++) h.frame(request(ASKER_HW, ASKER, ip("198.51.100.0") + i));
        assertThat(h.engine.count(Reason.TOO_MANY_PENDING)).isEqualTo(2);
        assertThat(transmitted(h.advance(100 * MS))).hasSize(3);
    }

    @Test
    @DisplayName("answers for many requesters in a row are each addressed to their own requester")
    void manyRequesters() {
        Harness h = withRange(PublishedEntry.range(POOL));
        for (int i = 1; i < 50; i++) {
            HardwareAddress hw = HardwareAddress.ofLong48(0x020000000100L + (i % 3));
            List<Sent> s = sent(h.frame(request(hw, ASKER + (i % 3), ip("198.51.100.0") + i)));
            assertThat(s).singleElement().satisfies(x -> {
                assertThat(x.frame().destination()).isEqualTo(hw);
                assertThat(x.packet().targetHardware()).isEqualTo(hw);
            });
        }
    }

    @Test
    @DisplayName("ASSIST links leave the host's own addresses and their requesters to the kernel")
    void assistMode() {
        EngineConfig c = EngineConfig.defaults().withLinks(Map.of("eth0", LinkPolicy.assist()));
        Harness h = new Harness(c);
        List<Action> a = h.frame(request(ASKER_HW, ASKER, OUR_IP));
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.InstallNeighbor.class)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.KERNEL_ANSWERS);
        // …but it caches what it saw, and serves a kernel miss from that cache
        assertThat(h.state(ASKER)).isEqualTo(NeighborState.STALE);
        List<Action> m = h.miss(ASKER);
        assertThat(only(m, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, ASKER, ASKER_HW, NeighborState.STALE));
        // a miss it cannot serve gets one broadcast at once; failure is the kernel's to decide
        int nobody = ip("192.0.2.200");
        List<Action> other = h.miss(nobody);
        assertThat(transmitted(other)).singleElement().satisfies(p -> assertThat(p.targetProtocol().toIp4()).isEqualTo(nobody));
        List<Action> later = h.advance(10 * S);
        assertThat(transmitted(later)).noneMatch(p -> p.targetProtocol().toIp4() == nobody);
        assertThat(only(later, Action.RemoveNeighbor.class)).isEmpty();
        assertThat(events(later)).extracting(EngineEvent::reason).contains(Reason.KERNEL_ANSWERS);
        assertThat(h.state(nobody)).isNull();
        // …and one that is answered is installed like any other
        int peer = ip("192.0.2.201");
        HardwareAddress peerHw = mac("02:00:00:00:02:01");
        assertThat(transmitted(h.miss(peer))).hasSize(1);
        assertThat(only(h.frame(reply(peerHw, peer)), Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, peer, peerHw, NeighborState.REACHABLE));
        // published entries are still answered
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(ip("192.0.2.100"))));
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("192.0.2.100"))))).hasSize(1);
    }

    @Test
    @DisplayName("RFC 903: a RARP request is answered from the ethers table on links with RARP enabled")
    void rarp() {
        HardwareAddress diskless = mac("08:00:20:01:02:03");
        EthersTable ethers = new EthersTable(Map.of(diskless, ip("192.0.2.33")));
        EngineConfig c = EngineConfig.defaults().withEthers(ethers).withDefaultLink(LinkPolicy.authoritative().withRarp(true));
        Harness h = new Harness(c);
        byte[] req = arpFrame(BROADCAST, diskless, EtherType.RARP, Opcode.RARP_REQUEST, diskless, 0, diskless, 0);
        List<Sent> s = sent(h.frame(req));
        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.frame().protocol()).isEqualTo(EtherType.RARP);
            assertThat(x.frame().destination()).isEqualTo(diskless);
            assertThat(x.packet().opcode()).isEqualTo(Opcode.RARP_REPLY);
            assertThat(x.packet().senderHardware()).isEqualTo(OUR_HW);
            assertThat(x.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
            assertThat(x.packet().targetHardware()).isEqualTo(diskless);
            assertThat(x.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(ip("192.0.2.33")));
        });
        HardwareAddress stranger = mac("08:00:20:09:09:09");
        List<Action> a = h.frame(arpFrame(BROADCAST, stranger, EtherType.RARP, Opcode.RARP_REQUEST, stranger, 0, stranger, 0));
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.RARP_UNKNOWN);
        Harness off = new Harness(EngineConfig.defaults().withEthers(ethers));
        assertThat(events(off.frame(req))).extracting(EngineEvent::reason).containsExactly(Reason.RARP_DISABLED);
    }

    @Test
    @DisplayName("RFC 2390: an Inverse ARP request to our hardware address gets our protocol address")
    void inarp() {
        Harness h = new Harness();
        byte[] req = arpFrame(OUR_HW, ASKER_HW, EtherType.ARP, Opcode.INARP_REQUEST, ASKER_HW, ASKER, OUR_HW, 0);
        ArpPacket p = transmitted(h.frame(req)).get(0);
        assertThat(p.opcode()).isEqualTo(Opcode.INARP_REPLY);
        assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
        assertThat(p.senderHardware()).isEqualTo(OUR_HW);
        assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(ASKER));
        assertThat(h.state(ASKER)).isEqualTo(NeighborState.STALE);
    }

    @Test
    @DisplayName("options are per entry: a broadcast-only address, a delayed range with its own hardware address, a proxy entry answering probes")
    void optionsPerEntry() {
        HardwareAddress rangeHw = mac("02:00:00:00:aa:aa");
        HardwareAddress proxyHw = mac("02:00:00:00:bb:bb");
        Harness h = new Harness();
        h.linkUp(2, "tap1", mac("02:00:00:00:02:02"));
        h.input(new Input.AddressAdded(2, ip("198.51.100.1"), 24));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(ip("192.0.2.50")).withBroadcastOnly(true)));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.range(Cidr.parse("192.0.2.64/28"))
                .withHardware(rangeHw).withReplyDelay(200 * MS)));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.routedElsewhere().withHardware(proxyHw).withAnswerProbes(true)));
        h.actions.clear();

        // broadcast-only: the unicast check goes unanswered, the broadcast request is answered at once
        List<Action> unicast = h.frame(unicastRequest(ASKER_HW, ASKER, ip("192.0.2.50"), OUR_HW));
        assertThat(transmitted(unicast)).isEmpty();
        assertThat(events(unicast)).extracting(EngineEvent::reason).contains(Reason.UNICAST_REQUEST);
        assertThat(transmitted(h.frame(request(ASKER_HW, ASKER, ip("192.0.2.50"))))).singleElement()
                .satisfies(p -> assertThat(p.senderHardware()).isEqualTo(OUR_HW));

        // the range: not broadcast-only, so a unicast request is answered, after its own delay, with its own address
        assertThat(transmitted(h.frame(unicastRequest(ASKER_HW, ASKER, ip("192.0.2.65"), OUR_HW)))).isEmpty();
        assertThat(transmitted(h.advance(199 * MS))).isEmpty();
        assertThat(transmitted(h.advance(MS))).singleElement().satisfies(p -> {
            assertThat(p.senderHardware()).isEqualTo(rangeHw);
            assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(ip("192.0.2.65")));
        });
        // …and, not answering probes, stays silent for one
        assertThat(events(h.frame(request(ASKER_HW, 0, ip("192.0.2.65"))))).extracting(EngineEvent::reason)
                .containsExactly(Reason.PROBE_NOT_ANSWERED);

        // proxy ARP for the far link's subnet: at once, with its configured address, probes included
        List<Action> proxied = h.frame(request(ASKER_HW, ASKER, ip("198.51.100.3")));
        assertThat(transmitted(proxied)).singleElement().satisfies(p -> assertThat(p.senderHardware()).isEqualTo(proxyHw));
        assertThat(events(proxied)).extracting(EngineEvent::reason).contains(Reason.PROXY);
        assertThat(transmitted(h.frame(request(ASKER_HW, 0, ip("198.51.100.3"))))).singleElement()
                .satisfies(p -> assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(0)));
    }

    @Test
    @DisplayName("RFC 903: the RARP table comes from ethers + hosts files, and answers only on the links it is enabled for")
    void rarpFromFilesPerLink(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path hosts = dir.resolve("hosts");
        java.nio.file.Path ethersFile = dir.resolve("ethers");
        java.nio.file.Files.writeString(hosts, "192.0.2.33 diskless diskless.example.\n198.51.100.44 other\n");
        java.nio.file.Files.writeString(ethersFile, "8:0:20:1:2:3 diskless\n08:00:20:0a:0b:0c other\n");
        EthersTable ethers = EthersTable.read(ethersFile, hosts);
        EngineConfig c = EngineConfig.defaults().withEthers(ethers)
                .withLinks(Map.of("eth0", LinkPolicy.authoritative().withRarp(true)));
        Harness h = new Harness(c);
        HardwareAddress eth1Hw = mac("02:00:00:00:02:02");
        h.linkUp(2, "eth1", eth1Hw);
        h.input(new Input.AddressAdded(2, ip("198.51.100.1"), 24));
        h.actions.clear();
        HardwareAddress diskless = mac("08:00:20:01:02:03");
        HardwareAddress other = mac("08:00:20:0a:0b:0c");
        byte[] ask = arpFrame(BROADCAST, diskless, EtherType.RARP, Opcode.RARP_REQUEST, diskless, 0, diskless, 0);
        assertThat(sent(h.frame(ask))).singleElement().satisfies(x -> {
            assertThat(x.packet().opcode()).isEqualTo(Opcode.RARP_REPLY);
            assertThat(x.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(ip("192.0.2.33")));
        });
        // eth1 has no RARP: the same kind of request, for a host the table knows, is refused with the reason
        byte[] askOnEth1 = arpFrame(BROADCAST, other, EtherType.RARP, Opcode.RARP_REQUEST, other, 0, other, 0);
        List<Action> a = h.frameOn(2, askOnEth1);
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.RARP_DISABLED);
    }

    @Test
    @DisplayName("RFC 2390: Inverse ARP is answered only for our own hardware address, and only where enabled")
    void inarpRefusals() {
        HardwareAddress someoneElse = mac("02:00:00:00:00:99");
        Harness h = new Harness();
        List<Action> a = h.frame(arpFrame(BROADCAST, ASKER_HW, EtherType.ARP, Opcode.INARP_REQUEST, ASKER_HW, ASKER, someoneElse, 0));
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.NOT_FOR_US);
        Harness off = new Harness(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withInarp(false)));
        List<Action> b = off.frame(arpFrame(OUR_HW, ASKER_HW, EtherType.ARP, Opcode.INARP_REQUEST, ASKER_HW, ASKER, OUR_HW, 0));
        assertThat(transmitted(b)).isEmpty();
        assertThat(events(b)).extracting(EngineEvent::reason).containsExactly(Reason.NOT_FOR_US);
    }

    @Test
    @DisplayName("malformed frames are counted and dropped with a reason, never thrown")
    void malformed() {
        Harness h = new Harness();
        byte[] good = request(ASKER_HW, ASKER, OUR_IP);
        byte[][] bad = {
            new byte[5],                                   // shorter than an Ethernet header
            java.util.Arrays.copyOf(good, 14 + 7),         // ARP header cut short
            java.util.Arrays.copyOf(good, 14 + 20),        // addresses cut short
            zeroLengths(good),                              // ar_hln = 0
        };
        for (byte[] f : bad) {
            List<Action> a = h.frame(f);
            assertThat(events(a)).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(Kind.DROPPED);
                assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                assertThat(e.detail()).isNotBlank();
            });
        }
        assertThat(h.engine.count(Reason.MALFORMED)).isEqualTo(bad.length);
        byte[] ip = Ethernet.INSTANCE.encode(BROADCAST, ASKER_HW, EtherType.IPV4, new byte[30]);
        assertThat(events(h.frame(ip))).extracting(EngineEvent::reason).containsExactly(Reason.NOT_ARP);
        List<Action> unknown = h.input(new Input.FrameReceived(42, good, 0, good.length));
        assertThat(events(unknown)).extracting(EngineEvent::reason).containsExactly(Reason.UNKNOWN_LINK);
        // and the engine still works
        assertThat(transmitted(h.frame(good))).hasSize(1);
    }

    @Test
    @DisplayName("frames the link itself sent (its own hardware address as sender) teach nothing")
    void ownFrames() {
        Harness h = new Harness();
        List<Action> a = h.frame(request(OUR_HW, OUR_IP, ip("192.0.2.9")));
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.OWN_FRAME);
    }

    @Test
    @DisplayName("someone claiming one of our addresses is reported as a conflict, not learnt")
    void conflict() {
        Harness h = new Harness();
        List<Action> a = h.frame(gratuitous(ASKER_HW, OUR_IP));
        assertThat(h.state(OUR_IP)).isNull();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.ADDRESS_CONFLICT);
    }

    private static byte[] zeroLengths(byte[] good) {
        byte[] f = good.clone();
        f[14 + 4] = 0;
        return f;
    }
}
