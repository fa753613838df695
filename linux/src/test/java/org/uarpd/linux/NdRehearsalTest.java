package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;

/**
 * The IPv6 warm-up rounds against the real engine, without a socket: they must take the engine's
 * IPv6 paths (resolve a miss, install the answer, answer a solicitation for the host's address), or
 * the warm-up compiles nothing of them.
 */
class NdRehearsalTest {
    private static final int LINK = 3;
    private static final HardwareAddress US = HardwareAddress.parse("02:00:5e:00:53:01");

    @Test
    void theRoundsResolveInstallAndAnswerOverIpv6() throws Exception {
        Engine engine = new Engine(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative()));
        List<Action> actions = new ArrayList<>();
        List<NdPacket> sent = new ArrayList<>();
        // The engine reuses its frame buffer: a frame is read when it is handed over.
        ActionSink sink = a -> {
            actions.add(a);
            if (a instanceof Action.Transmit t) {
                byte[] f = new byte[t.frame().remaining()];
                t.frame().duplicate().get(f);
                try {
                    NdCodec.decode(f, Ethernet.HEADER, f.length - Ethernet.HEADER).ifPresent(sent::add);
                } catch (org.uarpd.wire.MalformedFrameException e) {
                    throw new AssertionError("the engine sent a malformed frame", e);
                }
            }
        };
        long[] now = {1_000_000_000L};
        LinkTable links = new LinkTable(List.of(new LinuxBackend.Interface("u0", LinkMode.AUTHORITATIVE)));
        links.entries().get(0).index = LINK;
        links.entries().get(0).hardware = US.toByteArray();
        KernelTranslator translator = new KernelTranslator(links, in -> engine.handle(now[0], in, sink), WarmUp.NO_HOST, EventLog.SILENT);
        NdRehearsal nd = new NdRehearsal(LINK, US, WarmUp.PEER_HARDWARE);
        engine.handle(now[0], new Input.LinkChanged(LINK, "u0", Ethernet.INSTANCE, US, true), sink);
        engine.handle(now[0], nd.address(), sink);
        try (Arena arena = Arena.ofConfined()) {
            var nl = arena.allocate(256, 8);
            for (int i = 0; i < 400; i++) {
                now[0] += 10_000_000L;
                nd.round(i, translator, new NetlinkWriter(nl), new NetlinkReader(nl), 4242, f -> engine.handle(now[0], new Input.FrameReceived(LINK, f, 0, f.length), sink));
                engine.handle(now[0], new Input.TimeAdvanced(), sink);
            }
        }
        Ip6Address own = NdRehearsal.linkLocal(US.toByteArray());
        assertThat(own).isEqualTo(Ip6Address.parse("fe80::5eff:fe00:5301"));
        assertThat(sent).as("solicitations for the missed peers").anyMatch(p -> p.isSolicitation() && !p.target().equals(own));
        assertThat(sent).as("answers for the host's address").anyMatch(p -> p.isAdvertisement() && p.target().equals(own) && p.solicited());
        assertThat(actions).as("the peers' answers installed").anyMatch(a -> a instanceof Action.InstallNeighbor6 i
                && i.hardware().equals(WarmUp.PEER_HARDWARE));
    }
}
