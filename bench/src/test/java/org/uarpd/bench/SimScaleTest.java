package org.uarpd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scale driver at a small size: everything resolves, and every broadcast reaches every other host. */
class SimScaleTest {
    @Test
    void everyResolutionCompletesAndEveryBroadcastReachesItsWholeSegment() {
        int segments = 3;
        int size = 200;
        int perHost = 4;
        SimScale.Result r = SimScale.run(segments * size, size, perHost, 1, 3, false);
        long resolutions = (long) segments * size * perHost;
        assertThat(r.resolved()).isEqualTo(resolutions);
        assertThat(r.failed()).isZero();
        assertThat(r.packetsDelivered()).isEqualTo(resolutions);
        // per resolution: a request heard by the 199 others, a reply and the datagram (one host each)
        assertThat(r.frames()).isEqualTo(3 * resolutions);
        assertThat(r.deliveries()).isEqualTo(resolutions * (size - 1) + 2 * resolutions);
    }
}
