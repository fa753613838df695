package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.RoutingMessageCodec;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;

/** Writing to the simulated routing socket (4.4BSD's route_output): what the kernel does and echoes. */
class RouteOutputTest {
    static final long S = Simulation.SECOND;
    final World world = new World(1);
    final Segment left = world.addSegment("left", Ethernet.INSTANCE);
    final Segment right = world.addSegment("right", Ethernet.INSTANCE);
    final SimHost h = world.addHost("h");
    final SimInterface l = h.attach("eth0", left, SimAddresses.station(Ethernet.INSTANCE, 1));
    final SimInterface r = h.attach("eth1", right, SimAddresses.station(Ethernet.INSTANCE, 2));
    final List<RoutingMessage> heard = new ArrayList<>();
    final List<RoutingMessage> heardByWriter = new ArrayList<>();
    RoutingSocket writer;

    void start() {
        h.configure(l, Ip4.parse("192.0.2.1"), 24);
        h.configure(r, Ip4.parse("198.51.100.1"), 24);
        world.bootAll();
        h.kernel().openMonitor(7, b -> heard.add(decode(b)));
        writer = h.kernel().openMonitor(8, b -> heardByWriter.add(decode(b)));
    }

    static RoutingMessage decode(byte[] b) {
        try {
            return RoutingMessageCodec.decode(b);
        } catch (MalformedFrameException e) {
            throw new AssertionError(e);
        }
    }

    int write(RoutingMessage m) {
        return writer.write(RoutingMessageCodec.encode(m));
    }

    @Test
    void aHostRouteSendsTrafficOutOfItsInterface() {
        start();
        int far = Ip4.parse("192.0.2.77");
        int errno = write(new RoutingMessage(Rtm.ADD, r.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_STATIC, 8, 1, 0, 0, 0, 0, null,
                new Sockaddr.In(far), RoutingSockets.dl(r), new Sockaddr.In(-1), null, null));
        assertThat(errno).isZero();
        h.send(far);
        world.sim().runUntil(S / 10);
        // resolved on eth1 (right), not on eth0 where its /24 would have put it
        assertThat(right.framesSent()).isPositive();
        assertThat(left.framesSent()).isZero();
        world.sim().runUntil(S);
        // the other socket saw the write echoed, with RTF_DONE and the writer's pid
        RoutingMessage echo = heard.getFirst();
        assertThat(echo.type()).isEqualTo(Rtm.ADD);
        assertThat(echo.pid()).isEqualTo(8);
        assertThat(echo.has(Rtm.RTF_DONE)).isTrue();
        assertThat(heardByWriter).noneMatch(m -> m.type() == Rtm.ADD && m.pid() == 8);
    }

    @Test
    void aLinkLayerEntryWrittenByAProcessReleasesTheHeldPacket() {
        start();
        int peer = Ip4.parse("192.0.2.9");
        h.send(peer); // the in-kernel ARP starts resolving; we answer first, as uarpd would
        int errno = write(new RoutingMessage(Rtm.ADD, l.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 8, 2, 0, 0, 0, 0,
                NeighborState.REACHABLE, new Sockaddr.In(peer), new Sockaddr.Dl(l.index(), Rtm.IFT_ETHER, "", HardwareAddress.parse("02:00:00:00:00:09")),
                null, null, null));
        assertThat(errno).isZero();
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(left.framesSent()).isEqualTo(2); // the request, then the released datagram
    }

    @Test
    void badWritesComeBackWithAnErrno() {
        start();
        assertThat(writer.write(new byte[] {0, 1, 2})).isEqualTo(Rtm.EINVAL);
        assertThat(write(new RoutingMessage(Rtm.DELETE, l.index(), Rtm.RTF_HOST | Rtm.RTF_LLINFO, 8, 3, 0, 0, 0, 0, null,
                new Sockaddr.In(Ip4.parse("192.0.2.99")), null, null, null, null))).isEqualTo(Rtm.ESRCH);
        assertThat(write(new RoutingMessage(Rtm.ADD, 9, Rtm.RTF_HOST | Rtm.RTF_LLINFO, 8, 4, 0, 0, 0, 0, null,
                new Sockaddr.In(Ip4.parse("192.0.2.99")), null, null, null, null))).isEqualTo(Rtm.ENETUNREACH);
        // a 20-byte IPoIB address cannot bind on Ethernet
        assertThat(write(new RoutingMessage(Rtm.ADD, l.index(), Rtm.RTF_HOST | Rtm.RTF_LLINFO, 8, 5, 0, 0, 0, 0, null,
                new Sockaddr.In(Ip4.parse("192.0.2.99")), new Sockaddr.Dl(1, Rtm.IFT_ETHER, "", HardwareAddress.of(new byte[20])),
                null, null, null))).isEqualTo(Rtm.EINVAL);
        world.sim().runUntil(S);
        assertThat(heard).extracting(RoutingMessage::errno).contains(Rtm.ESRCH, Rtm.ENETUNREACH, Rtm.EINVAL);
    }
}
