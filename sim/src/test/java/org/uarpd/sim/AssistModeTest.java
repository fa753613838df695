package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/** uarpd in assist mode: the kernel keeps its ARP; uarpd adds what the kernel cannot do. */
class AssistModeTest {
    static final long S = Simulation.SECOND;

    @Test
    void theKernelResolvesAndAnswersWhileUarpdAnswersForItsPublishedRange() {
        World world = new World(31);
        Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
        SimHost u = world.addHost("u");
        SimInterface ui = u.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 1));
        u.configure(ui, Ip4.parse("192.0.2.1"), 24);
        u.setAssist(true);
        LinkPolicy policy = LinkPolicy.assist().withPublished(List.of(PublishedEntry.range(Cidr.parse("192.0.2.128/28"))));
        u.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withLinks(Map.of("eth0", policy))), 0);
        SimHost p = world.addHost("p");
        SimInterface pi = p.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 2));
        p.configure(pi, Ip4.parse("192.0.2.2"), 24);
        world.bootAll();
        world.sim().runUntil(S / 10);

        u.send(Ip4.parse("192.0.2.2"));   // resolved by u's kernel, uarpd hearing the miss
        p.send(Ip4.parse("192.0.2.1"));   // answered by u's kernel
        p.send(Ip4.parse("192.0.2.130")); // answered by uarpd: published
        world.sim().runUntil(S);

        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2")).hasSize(1);
        assertThat(u.kernel().lookupNeighbor(ui, Ip4.parse("192.0.2.2"))).isEqualTo(pi.address());
        assertThat(world.timeline().grep("u          uarpd: ANSWERED 192.0.2.1 ")).isEmpty();
        assertThat(world.timeline().grep("u          uarpd: ANSWERED 192.0.2.130")).hasSize(1);
        assertThat(p.kernel().lookupNeighbor(pi, Ip4.parse("192.0.2.1"))).isEqualTo(ui.address());
        assertThat(p.kernel().lookupNeighbor(pi, Ip4.parse("192.0.2.130"))).isEqualTo(ui.address());
        assertThat(world.stats().resolved()).isEqualTo(3);
        assertThat(world.stats().failed()).isZero();
    }
}
