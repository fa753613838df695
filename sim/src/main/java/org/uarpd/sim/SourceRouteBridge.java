package org.uarpd.sim;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.link.TokenRing.Header;
import org.uarpd.wire.link.TokenRing.RoutingInformation;

/**
 * A source-route bridge between two Token Ring segments (IEEE 802.1D annex C): it hears every
 * frame on both rings and copies to the other ring the explorers (adding its hop to their route)
 * and the specifically routed frames whose route crosses it. Frames without routing information
 * stay on their ring.
 */
public final class SourceRouteBridge {
    /** Time a frame spends in the bridge. */
    static final long FORWARDING_DELAY = 50 * Simulation.MICROSECOND;

    private final Simulation sim;
    private final Segment ringA;
    private final int numberA;
    private final Segment ringB;
    private final int numberB;
    private final int bridge;
    private long forwarded;
    private long dropped;

    public SourceRouteBridge(World world, Segment ringA, int ringNumberA, Segment ringB, int ringNumberB, int bridgeNumber) {
        for (Segment s : new Segment[] {ringA, ringB}) {
            if (s.linkType() != TokenRing.INSTANCE) throw new IllegalArgumentException(s + " is not a Token Ring segment");
        }
        if (ringA == ringB || ringNumberA == ringNumberB) throw new IllegalArgumentException("a bridge joins two different rings");
        if (ringNumberA < 1 || ringNumberA > 0xFFF || ringNumberB < 1 || ringNumberB > 0xFFF) {
            throw new IllegalArgumentException("ring numbers are 1..4095");
        }
        if (bridgeNumber < 1 || bridgeNumber > 0xF) throw new IllegalArgumentException("bridge numbers are 1..15");
        this.sim = world.sim();
        this.ringA = ringA;
        this.numberA = ringNumberA;
        this.ringB = ringB;
        this.numberB = ringNumberB;
        this.bridge = bridgeNumber;
        ringA.attachBridge(this);
        ringB.attachBridge(this);
    }

    public long forwarded() { return forwarded; }
    public long dropped() { return dropped; }

    /** A frame was put on {@code ring}. */
    void heard(Segment ring, HardwareAddress destination, byte[] frame) {
        boolean fromA = ring == ringA;
        Segment out = fromA ? ringB : ringA;
        Frame f;
        try {
            f = TokenRing.INSTANCE.decode(frame, 0, frame.length);
        } catch (MalformedFrameException e) {
            dropped++;
            return;
        }
        Header h = (Header) f.extras();
        RoutingInformation next = SourceRouting.forward(h.routing(), fromA ? numberA : numberB, bridge, fromA ? numberB : numberA);
        if (next == null) {
            if (h.routing() != null) dropped++;
            return;
        }
        byte[] copy = next == h.routing() ? frame
                : TokenRing.INSTANCE.encode(f.destination(), f.source(), f.protocol(), f.payload(), new Header(h.accessControl(), h.frameControl(), next));
        forwarded++;
        sim.after(FORWARDING_DELAY, () -> out.transmitFromBridge(this, destination, copy));
    }

    @Override
    public String toString() {
        return "bridge " + bridge + " (ring " + numberA + " " + ringA.name() + " <-> ring " + numberB + " " + ringB.name() + ")";
    }
}
