package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;
import static org.uarpd.engine.NeighborState.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/** What the engine makes of changes to the kernel's table that it did not make itself. */
class KernelChangesTest {
    static final int PEER = ip("192.0.2.7");
    static final HardwareAddress HW = mac("02:00:00:00:00:07");
    static final HardwareAddress OTHER = mac("02:00:00:00:00:77");

    @Test
    @DisplayName("someone overwriting a static binding in the kernel gets it put back")
    void staticDefended() {
        Harness h = new Harness();
        h.command(new OperatorCommand.AddStatic(LINK, PEER, HW));
        List<Action> a = h.input(new Input.KernelNeighborChanged(LINK, PEER, OTHER, REACHABLE));
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW, STATIC));
        a = h.input(new Input.KernelNeighborChanged(LINK, PEER, null, FAILED));
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW, STATIC));
        assertThat(h.state(PEER)).isEqualTo(STATIC);
    }

    @Test
    @DisplayName("the echo of our own install changes nothing and reports nothing")
    void echoIgnored() {
        Harness h = new Harness();
        h.miss(PEER);
        h.frame(reply(HW, PEER));
        assertThat(h.input(new Input.KernelNeighborChanged(LINK, PEER, HW, REACHABLE))).isEmpty();
    }

    @Test
    @DisplayName("a binding someone else installs is adopted; their deletion removes ours, but not a negative-cache entry")
    void adoptAndDelete() {
        Harness h = new Harness();
        h.input(new Input.KernelNeighborChanged(LINK, PEER, HW, STALE));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW);
        // a kernel miss is then served from it
        assertThat(only(h.miss(PEER), Action.InstallNeighbor.class)).hasSize(1);
        h.input(new Input.KernelNeighborChanged(LINK, PEER, null, FAILED));
        assertThat(h.state(PEER)).isNull();
        int nobody = ip("192.0.2.99");
        h.miss(nobody);
        h.advance(3 * S);
        assertThat(h.state(nobody)).isEqualTo(FAILED);
        h.input(new Input.KernelNeighborChanged(LINK, nobody, null, FAILED));
        assertThat(h.state(nobody)).isEqualTo(FAILED);
        assertThat(h.engine.count(Reason.KERNEL_CHANGED)).isEqualTo(2);
    }

    @Test
    @DisplayName("a permanent entry the operator made in the kernel (ip neigh … permanent) is never overwritten, and followed when changed or deleted")
    void operatorsKernelStaticRespected() {
        Harness h = new Harness();
        h.input(new Input.KernelNeighborChanged(LINK, PEER, HW, STATIC));
        assertThat(h.state(PEER)).isEqualTo(STATIC);
        // the wire cannot move it: a gratuitous claim and a request from OTHER install nothing
        assertThat(only(h.frame(gratuitous(OTHER, PEER)), Action.InstallNeighbor.class)).isEmpty();
        assertThat(only(h.frame(request(OTHER, PEER, OUR_IP)), Action.InstallNeighbor.class)).isEmpty();
        assertThat(h.hardware(PEER)).isEqualTo(HW);
        // it is the kernel's own: a miss is answered from it, but never re-installed by us
        assertThat(only(h.input(new Input.KernelNeighborChanged(LINK, PEER, OTHER, STATIC)), Action.InstallNeighbor.class)).isEmpty();
        assertThat(h.hardware(PEER)).isEqualTo(OTHER);
        // the operator deletes it: we let it go instead of putting it back
        assertThat(only(h.input(new Input.KernelNeighborChanged(LINK, PEER, null, FAILED)), Action.InstallNeighbor.class)).isEmpty();
        assertThat(h.state(PEER)).isNull();
        // and the address is an ordinary one again
        h.miss(PEER);
        h.frame(reply(HW, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
    }
}
