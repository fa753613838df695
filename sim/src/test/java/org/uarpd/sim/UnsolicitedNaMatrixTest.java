package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.NdConfig;
import org.uarpd.engine.NdLinkPolicy;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;

/**
 * Linux's unsolicited-advertisement matrix (drop_unsolicited_na × accept_untracked_na × forwarding,
 * an entry absent or FAILED, the announcing host on the router's prefix or not) between simulated
 * hosts: a router running uarpd with the row's {@link NdLinkPolicy}, and a host without uarpd that
 * comes up and announces its address (S=0, O=1, to all nodes, as Linux's ndisc_notify does). Each
 * row asserts what the router's kernel table holds afterwards, where uarpd installs what it learns.
 *
 * <p>The engine's {@code NdScenariosTest} holds the whole matrix against the engine alone; this table
 * holds the rows a simulated world can set up end to end, so the two are kept apart rather than one
 * read from the other: an address off the router's prefix cannot be left FAILED here, as the
 * simulated kernel sends IPv6 only to on-link neighbours and so never resolves one (Linux's
 * selftest makes that FAILED entry by hand, with {@code ip neigh replace … nud failed}).
 */
class UnsolicitedNaMatrixTest {
    static final long S = Simulation.SECOND;
    static final Ip6Address ROUTER = Ip6Address.parse("2001:db8:1::1");
    static final Ip6Address ON_PREFIX = Ip6Address.parse("2001:db8:1::2");
    /** Off the router's 2001:db8:1::/64. */
    static final Ip6Address OFF_PREFIX = Ip6Address.parse("2001:db8:2::2");

    static HardwareAddress mac(int n) {
        return SimAddresses.station(Ethernet.INSTANCE, n);
    }

    @ParameterizedTest(name = "drop={0} accept={1} forwarding={2} initial={3} onPrefix={4}: {5}")
    @CsvSource({
        // absent
        "false, 1, true,  ABSENT, true,  STALE",
        "false, 0, false, ABSENT, true,  ABSENT",
        "false, 0, true,  ABSENT, true,  ABSENT",
        "false, 1, false, ABSENT, true,  ABSENT",
        "true,  0, false, ABSENT, true,  ABSENT",
        "true,  0, true,  ABSENT, true,  ABSENT",
        "true,  1, false, ABSENT, true,  ABSENT",
        "true,  1, true,  ABSENT, true,  ABSENT",
        "false, 2, true,  ABSENT, true,  STALE",
        "false, 2, true,  ABSENT, false, ABSENT",
        "false, 1, true,  ABSENT, false, STALE",
        "false, 2, false, ABSENT, true,  ABSENT",
        // FAILED: the router asked for the address before the host had it
        "false, 1, true,  FAILED, true,  STALE",
        "false, 2, true,  FAILED, true,  STALE",
        "false, 0, true,  FAILED, true,  FAILED",
        "false, 1, false, FAILED, true,  FAILED",
        "true,  1, true,  FAILED, true,  FAILED"})
    void theRoutersTableAfterAHostAnnouncesItself(boolean drop, int accept, boolean forwarding, String initial, boolean onPrefix,
                                                 String expected) {
        World world = new World(9131);
        Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
        SimHost router = world.addHost("r");
        router.configure6(router.attach("eth0", lan, mac(1)), ROUTER, 64);
        SimHost host = world.addHost("h");
        SimInterface hostIf = host.attach("eth0", lan, mac(2));
        NdConfig nd = NdConfig.defaults();
        router.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withSeed(1), nd.withDefaultLink(policy(drop, accept, forwarding))), 0);
        world.bootAll();
        world.sim().runUntil(2 * S); // past the router's duplicate address detection
        Ip6Address announced = onPrefix ? ON_PREFIX : OFF_PREFIX;
        SimInterface routerIf = router.interfaces().getFirst();
        if (initial.equals("FAILED")) {
            router.send6(announced);
            world.sim().runUntil(6 * S); // MAX_MULTICAST_SOLICIT solicitations nobody answers
            assertThat(uarpd(router, announced)).isEqualTo(NeighborState.FAILED);
        }

        host.addAddress6(hostIf, announced, 64);
        host.kernel().transmitIp(hostIf, Ip6Address.ALL_NODES.multicastMac(), EtherType.IPV6, NdCodec.encode(
                NdPacket.advertisement(announced, Ip6Address.ALL_NODES, false, false, true, announced,
                        List.of(NdOption.targetLinkLayer(mac(2))))));
        world.sim().runUntil(world.sim().now() + S);

        NeighborState after = expected.equals("ABSENT") ? null : NeighborState.valueOf(expected);
        assertThat(uarpd(router, announced)).isEqualTo(after);
        if (after == NeighborState.STALE) {
            // installed in the router's kernel as the kernel itself would have (ip neigh: STALE)
            assertThat(router.kernel().neighborTable()).contains(announced + " eth0 " + mac(2) + " STALE");
        } else {
            assertThat(router.kernel().lookupNeighbor(routerIf, announced)).isNull();
        }
    }

    /** The row's Linux sysctls as uarpd's policy (as docs/operating.md maps them for unsolicited-na and nd-router). */
    static NdLinkPolicy policy(boolean drop, int accept, boolean forwarding) {
        NdLinkPolicy.Unsolicited rule = NdLinkPolicy.Unsolicited.ofLinux(drop, accept);
        return NdLinkPolicy.defaults().withUnsolicited(rule).withRouter(forwarding);
    }

    /** The state of uarpd's entry for {@code a} on the router's only link, or null. */
    static NeighborState uarpd(SimHost router, Ip6Address a) {
        Engine engine = (Engine) ((SimBackend) router.resolver()).engine();
        return engine.neighbors6().stream().filter(n -> n.address().equals(a)).map(Engine.Neighbor6::state).findFirst().orElse(null);
    }
}
