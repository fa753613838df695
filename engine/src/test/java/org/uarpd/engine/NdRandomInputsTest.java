package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.LINK;
import static org.uarpd.engine.Harness.OUR_HW;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;

/**
 * Random sequences of IPv6 inputs (solicitations, advertisements with every flag combination, DAD
 * probes, misses, addresses coming and going, time passing) never throw, and two engines given the
 * same sequence act the same: the ND domain is as deterministic as the ARP one.
 */
class NdRandomInputsTest {
    private static final Ip6Address[] HOSTS = {
        NdHarness.ip6("2001:db8:1::1"), NdHarness.ip6("2001:db8:1::2"), NdHarness.ip6("2001:db8:1::3"), NdHarness.ip6("fe80::4")};
    private static final HardwareAddress[] MACS = {
        HardwareAddress.parse("02:00:00:00:00:02"), HardwareAddress.parse("02:00:00:00:00:03"), OUR_HW};

    private static List<Input> sequence(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Input> in = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            Ip6Address a = HOSTS[r.nextInt(HOSTS.length)];
            Ip6Address b = HOSTS[r.nextInt(HOSTS.length)];
            HardwareAddress hw = MACS[r.nextInt(MACS.length)];
            NdPacket p = switch (r.nextInt(4)) {
                case 0 -> NdPacket.solicitation(a, hw, b);
                case 1 -> NdPacket.solicitation(a, b, b, List.of(NdOption.sourceLinkLayer(hw)));
                case 2 -> NdPacket.dadProbe(b, r.nextBoolean() ? new byte[] {1, 2, 3, 4, 5, 6} : null);
                default -> NdPacket.advertisement(b, r.nextBoolean() ? a : Ip6Address.ALL_NODES, r.nextBoolean(),
                        false, r.nextBoolean(), b, r.nextBoolean() ? List.of(NdOption.targetLinkLayer(hw)) : List.of());
            };
            switch (r.nextInt(7)) {
                case 0, 1, 2 -> {
                    byte[] f = NdHarness.frame(r.nextBoolean() ? OUR_HW : b.solicitedNode().multicastMac(), hw, p);
                    in.add(new Input.FrameReceived(LINK, f, 0, f.length));
                }
                case 3 -> in.add(new Input.KernelMiss6(LINK, b, r.nextInt(3), r.nextBoolean() ? null : hw));
                case 4 -> in.add(r.nextBoolean() ? new Input.AddressAdded6(LINK, b, 64) : new Input.AddressRemoved6(LINK, b, 64));
                case 5 -> in.add(new Input.Command(new OperatorCommand.Publish6(0, NdPublished.of(new Cidr6(b, 128)))));
                default -> in.add(new Input.TimeAdvanced());
            }
        }
        return in;
    }

    private static List<String> run(List<Input> inputs, long seed) {
        Engine e = new Engine(EngineConfig.defaults().withSeed(seed),
                NdConfig.defaults().withDefaultLink(NdLinkPolicy.defaults().withRouter(true)
                        .withUnsolicited(NdLinkPolicy.Unsolicited.CREATE_STALE)));
        List<String> out = new ArrayList<>();
        ActionSink sink = a -> out.add(a instanceof Action.Transmit t ? "tx " + bytes(t.frame()) : a.toString());
        long now = 0;
        e.handle(now, new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, true), sink);
        for (Input in : inputs) {
            now += 300_000_000L;
            e.handle(now, in, sink);
        }
        e.handle(now + 100_000_000_000L, new Input.TimeAdvanced(), sink);
        return out;
    }

    private static String bytes(ByteBuffer b) {
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return java.util.HexFormat.of().formatHex(copy);
    }

    @Test
    void randomIpv6InputsNeverThrowAndActTheSameTwice() {
        int sent = 0;
        for (long seed = 1; seed <= 150; seed++) {
            List<Input> inputs = sequence(seed);
            List<String> first = run(inputs, seed);
            assertThat(run(inputs, seed)).isEqualTo(first);
            sent += (int) first.stream().filter(s -> s.startsWith("tx ")).count();
        }
        assertThat(sent).isPositive(); // the sequences did reach the answering and resolving paths
    }
}
