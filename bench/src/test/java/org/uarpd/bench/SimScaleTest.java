package org.uarpd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.sim.CompactStations;
import org.uarpd.sim.SimBackend;
import org.uarpd.sim.SimHost;
import org.uarpd.sim.SimInterface;
import org.uarpd.sim.World;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * The scale driver at a small size, every host running the engine: what each host did shows that
 * every broadcast reached, and was looked at by, every other host of its segment.
 */
class SimScaleTest {
    private static final int SEGMENTS = 3;
    private static final int SIZE = 150;
    private static final int PER_HOST = 4;

    @Test
    void everyEngineHearsEveryBroadcastOfItsSegmentAndAnswersThoseForIt() throws InterruptedException {
        List<World> worlds = SimScale.build(SEGMENTS * SIZE, SIZE, PER_HOST, SIZE, 2, 3);
        assertThat(worlds).hasSize(2);
        SimScale.Result r = SimScale.measure(worlds, SEGMENTS * SIZE, SIZE, PER_HOST, SIZE, 3, System.nanoTime(), false);
        long resolutions = (long) SEGMENTS * SIZE * PER_HOST;
        assertThat(r.resolved()).isEqualTo(resolutions);
        assertThat(r.failed()).isZero();
        assertThat(r.packetsDelivered()).isEqualTo(resolutions);

        int base = Ip4.parse("198.18.0.0");
        int checked = 0;
        for (World world : worlds) {
            for (SimHost requester : world.hosts()) {
                String[] id = requester.name().substring(1).split("u");
                int s = Integer.parseInt(id[0]);
                int h = Integer.parseInt(id[1]);
                SimInterface eth = requester.interfaceNamed("eth0");
                Engine engine = (Engine) ((SimBackend) requester.resolver()).engine();
                for (int k = 1; k <= PER_HOST; k++) {
                    int t = (h + k * 37) % SIZE;
                    SimHost target = world.host("s" + s + "u" + t);
                    SimInterface targetEth = target.interfaceNamed("eth0");
                    // the requester's kernel holds the binding its engine installed from the target's answer …
                    assertThat(requester.kernel().lookupNeighbor(eth, base + (s << 10) + 1 + t))
                            .as("%s's binding for host %d", requester.name(), t).isEqualTo(targetEth.address());
                    // … and the target's engine learnt the requester from the broadcast request it answered (RFC 826)
                    Engine targetEngine = (Engine) ((SimBackend) target.resolver()).engine();
                    Engine.Neighbor learnt = targetEngine.lookup(targetEth.index(), base + (s << 10) + 1 + h);
                    assertThat(learnt).as("%s learnt %s", target.name(), requester.name()).isNotNull();
                    assertThat(learnt.hardware()).isEqualTo(eth.address());
                }
                // Every other request of the segment reached this engine and was judged not for it: of the
                // SIZE × PER_HOST requests, its own and the PER_HOST aimed at it (37 is prime to SIZE, so
                // every host is the target of exactly PER_HOST of them) are the only ones it did not ignore.
                assertThat(engine.count(Reason.NOT_FOR_US)).as(requester.name())
                        .isEqualTo((long) SIZE * PER_HOST - 2L * PER_HOST);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(SEGMENTS * SIZE);
    }

    @Test
    void compactModeResolvesTheSameWorkload() throws InterruptedException {
        List<World> worlds = SimScale.build(SEGMENTS * SIZE, SIZE, PER_HOST, 1, 1, 3);
        SimScale.Result r = SimScale.measure(worlds, SEGMENTS * SIZE, SIZE, PER_HOST, 1, 3, System.nanoTime(), false);
        long resolutions = (long) SEGMENTS * SIZE * PER_HOST;
        assertThat(r.resolved()).isEqualTo(resolutions);
        assertThat(r.failed()).isZero();
        assertThat(r.packetsDelivered()).isEqualTo(resolutions);
        // per resolution: a request heard by the SIZE - 1 others, a reply and the datagram (one host each)
        assertThat(r.deliveries()).isEqualTo(resolutions * (SIZE - 1) + 2 * resolutions);

        // What the stations did: each compact requester holds the binding its target answered with
        // (host h of segment s is .1+h with MAC 02:00:00:ss:00:01+h, uarpd host 0 and compact stations alike).
        int base = Ip4.parse("198.18.0.0");
        int checked = 0;
        for (int s = 0; s < SEGMENTS; s++) {
            CompactStations block = worlds.getFirst().segment("seg" + s).blocks().getFirst();
            assertThat(block.count()).isEqualTo(SIZE - 1);
            for (int c = 0; c < block.count(); c++) {
                int h = c + 1;
                for (int k = 1; k <= PER_HOST; k++) {
                    int t = (h + k * 37) % SIZE;
                    assertThat(block.lookup(c, base + (s << 10) + 1 + t))
                            .as("%s's binding for host %d", block.name(c), t)
                            .isEqualTo(HardwareAddress.ofLong48(0x020000000000L + ((long) s << 16) + 1 + t));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(SEGMENTS * (SIZE - 1));
    }
}
