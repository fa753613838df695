package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.NdHarness.OTHER_HW;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;

/**
 * The IsRouter flag of RFC 4861 (§6.1, set by §7.2.3 and §7.2.5): carried from the advertisements the
 * engine believes into the IPv6 install action, so that the kernel, which hears no advertisement on an
 * authoritative link, still knows which neighbours are routers and when one stops being one (§7.3).
 */
class NdRouterFlagTest {

    private static NdPacket na(boolean router, boolean solicited, boolean override, HardwareAddress tll) {
        return NdPacket.advertisement(PEER6, OUR6, router, solicited, override, PEER6, List.of(NdOption.targetLinkLayer(tll)));
    }

    private static List<Action.InstallNeighbor6> installs(List<Action> out) {
        return out.stream().filter(a -> a instanceof Action.InstallNeighbor6).map(a -> (Action.InstallNeighbor6) a).toList();
    }

    /** PEER6 resolved from a kernel miss by a solicited advertisement with Router {@code router}. */
    private static NdHarness resolved(boolean router) {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        List<Action.InstallNeighbor6> in = installs(t.receive(OUR_HW, PEER_HW, na(router, true, true, PEER_HW)));
        assertThat(in).singleElement().satisfies(i -> {
            assertThat(i.address()).isEqualTo(PEER6);
            assertThat(i.router()).isEqualTo(router);
        });
        return t;
    }

    @Test
    void aResolvingAdvertisementsRouterFlagReachesTheKernel() {
        resolved(true);
        resolved(false);
    }

    @Test
    void aRouterThatTurnsHostIsReinstalledAsAHostThoughTheBindingIsUnchanged() {
        // §7.2.5: the flag follows every believed advertisement; §7.3: true → false takes the neighbour
        // out of the default router list, which on Linux is the kernel's (NTF_ROUTER).
        NdHarness t = resolved(true);
        List<Action.InstallNeighbor6> in = installs(t.receive(OUR_HW, PEER_HW, na(false, true, true, PEER_HW)));
        assertThat(in).singleElement().satisfies(i -> {
            assertThat(i.router()).isFalse();
            assertThat(i.hardware()).isEqualTo(PEER_HW);
            assertThat(i.state()).isEqualTo(NeighborState.REACHABLE);
        });
        // And back: a host that starts routing is a router again.
        assertThat(installs(t.unsolicited(PEER6, PEER_HW, true))).isEmpty(); // R=0 again: nothing to tell
        in = installs(t.receive(OUR_HW, PEER_HW, na(true, false, true, PEER_HW)));
        assertThat(in).singleElement().satisfies(i -> assertThat(i.router()).isTrue());
    }

    @Test
    void anAdvertisementTheBindingRefusesLeavesTheFlagAlone() {
        // §7.2.5: Override clear with another address — "MUST NOT update the cache", the flag included.
        NdHarness t = resolved(true);
        assertThat(installs(t.receive(OUR_HW, OTHER_HW, na(false, true, false, OTHER_HW)))).isEmpty();
        List<Action.InstallNeighbor6> in = installs(t.receive(OUR_HW, PEER_HW, na(true, true, true, PEER_HW)));
        assertThat(in).isNotEmpty().allSatisfy(i -> assertThat(i.router()).isTrue());
    }

    @Test
    void aSolicitationCreatesAHostEntryButDoesNotTouchAKnownRouter() {
        // §7.2.3: IsRouter is set FALSE only on an entry the solicitation creates.
        NdHarness fresh = new NdHarness();
        Ip6Address other = NdHarness.ip6("2001:db8:1::7");
        fresh.receive(OUR_HW, OTHER_HW, NdHarness.ns(other, OTHER_HW, OUR6));
        List<Action.InstallNeighbor6> in = installs(fresh.receive(OUR_HW, OTHER_HW,
                NdPacket.advertisement(other, OUR6, false, true, true, other, List.of(NdOption.targetLinkLayer(OTHER_HW)))));
        assertThat(in).isNotEmpty().allSatisfy(i -> assertThat(i.router()).isFalse());

        NdHarness t = resolved(true);
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        t.miss6(PEER6); // the kernel asks again: whatever it gets keeps the router flag
        List<Action.InstallNeighbor6> again = installs(t.receive(OUR_HW, PEER_HW, NdHarness.na(PEER6, OUR6, true, true, null)));
        assertThat(again).isNotEmpty().allSatisfy(i -> assertThat(i.router()).isFalse()); // a confirmation with R=0 is believed too
        t.receive(OUR_HW, PEER_HW, na(true, true, true, PEER_HW));
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        List<Action> out = t.miss6(PEER6);
        assertThat(installs(out)).isNotEmpty().allSatisfy(i -> assertThat(i.router()).isTrue());
    }

    private static List<Action.RemoveDefaultRouter6> routerRemovals(List<Action> out) {
        return out.stream().filter(a -> a instanceof Action.RemoveDefaultRouter6).map(a -> (Action.RemoveDefaultRouter6) a).toList();
    }

    @Test
    void aRouterThatTurnsHostLeavesTheDefaultRouterList() {
        // §7.2.5: IsRouter TRUE to FALSE removes the router from the Default Router List; only that
        // transition does, not a host's R=0 nor a router's R=1 again.
        NdHarness t = resolved(true);
        assertThat(routerRemovals(t.receive(OUR_HW, PEER_HW, na(true, false, true, PEER_HW)))).isEmpty();
        List<Action> out = t.receive(OUR_HW, PEER_HW, na(false, false, true, PEER_HW));
        assertThat(routerRemovals(out)).containsExactly(new Action.RemoveDefaultRouter6(Harness.LINK, PEER6));
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == EngineEvent.Reason.NO_LONGER_ROUTER && PEER6.equals(e.address6()));
        assertThat(routerRemovals(t.receive(OUR_HW, PEER_HW, na(false, false, true, PEER_HW)))).as("already a host").isEmpty();
        assertThat(routerRemovals(resolved(false).receive(OUR_HW, PEER_HW, na(false, true, true, PEER_HW)))).isEmpty();
    }

    @Test
    void anAdvertisementTheBindingRefusesRemovesNoRouter() {
        NdHarness t = resolved(true);
        assertThat(routerRemovals(t.receive(OUR_HW, OTHER_HW, na(false, true, false, OTHER_HW)))).isEmpty();
    }

    @Test
    void aRouterTheKernelLearntFromItsAdvertisementIsKnownAsOne() {
        // The kernel's entry from a Router Advertisement carries NTF_ROUTER; uarpd reads no RA, so that
        // flag is how it knows a neighbour it never resolved is a router.
        Ip6Address router = NdHarness.ip6("fe80::fe");
        NdHarness t = new NdHarness();
        t.input(new Input.KernelNeighborChanged6(Harness.LINK, router, PEER_HW, NeighborState.STALE, true));
        assertThat(t.state(router)).isEqualTo(NeighborState.STALE);
        List<Action> out = t.receive(Ip6Address.ALL_NODES.multicastMac(), PEER_HW,
                NdPacket.advertisement(router, Ip6Address.ALL_NODES, false, false, true, router, List.of(NdOption.targetLinkLayer(PEER_HW))));
        assertThat(routerRemovals(out)).containsExactly(new Action.RemoveDefaultRouter6(Harness.LINK, router));
        assertThat(installs(out)).singleElement().satisfies(i -> assertThat(i.router()).isFalse());
        // The kernel's own echo of a host's entry (NTF_ROUTER clear) changes nothing more.
        NdHarness host = new NdHarness();
        host.input(new Input.KernelNeighborChanged6(Harness.LINK, router, PEER_HW, NeighborState.STALE, false));
        assertThat(routerRemovals(host.receive(Ip6Address.ALL_NODES.multicastMac(), PEER_HW,
                NdPacket.advertisement(router, Ip6Address.ALL_NODES, false, false, true, router, List.of(NdOption.targetLinkLayer(PEER_HW)))))).isEmpty();
    }
}
