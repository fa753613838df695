package org.uarpd.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.Ethernet;

/**
 * A shared medium joining interfaces of one link type. Frames travel in the link's real framing;
 * a broadcast is delivered to every other attached interface, an Ethernet multicast to those that
 * joined the group ({@link SimInterface#hearsGroup}), a unicast to the interface that owns
 * the destination address (a learning switch, or the receiving NIC's address filter). Faults are
 * drawn per delivery; a partition keeps frames inside each group.
 */
public final class Segment {
    private final Simulation sim;
    private final String name;
    private final LinkType linkType;
    private final List<SimInterface> ports = new ArrayList<>();
    /** The ports as an array, replaced (never changed) on attach and detach, for the delivery loop. */
    private SimInterface[] portArray = new SimInterface[0];
    /** Scratch for {@link #putFixedDelay}: which ports a frame reaches. */
    private boolean[] heard = new boolean[0];
    private final List<CompactStations> blocks = new ArrayList<>();
    private final List<SourceRouteBridge> bridges = new ArrayList<>();
    private SegmentFaults faults = SegmentFaults.NONE;
    private PcapWriter tap;
    private long framesSent;
    private long deliveries;
    private long lost;
    private long duplicated;
    private long blocked;
    private AtmArpServer atmArpServer;

    public Segment(Simulation sim, String name, LinkType linkType) {
        this.sim = Objects.requireNonNull(sim);
        this.name = Objects.requireNonNull(name);
        this.linkType = Objects.requireNonNull(linkType);
    }

    public String name() { return name; }
    public LinkType linkType() { return linkType; }
    public List<SimInterface> ports() { return List.copyOf(ports); }
    /** The blocks of compact stations attached here, in attachment order. */
    public List<CompactStations> blocks() { return List.copyOf(blocks); }
    public SegmentFaults faults() { return faults; }
    public long framesSent() { return framesSent; }
    public long deliveries() { return deliveries; }
    public long lost() { return lost; }
    public long duplicated() { return duplicated; }
    /** Deliveries a partition stopped. */
    public long blocked() { return blocked; }

    public void setFaults(SegmentFaults faults) {
        if (!blocks.isEmpty()) checkBlockFaults(faults);
        this.faults = Objects.requireNonNull(faults);
    }

    /** Captures every frame put on this segment, stamped with virtual time (null: no capture). */
    public void setTap(PcapWriter tap) {
        this.tap = tap;
    }

    public PcapWriter tap() {
        return tap;
    }

    /** On an ATM segment (a logical IP subnet): the ATM address of its ATMARP server, or null. */
    public AtmArpServer atmArpServer() {
        return atmArpServer;
    }

    void setAtmArpServer(AtmArpServer server) {
        if (atmArpServer != null) throw new IllegalStateException("segment " + name + " already has an ATMARP server");
        this.atmArpServer = server;
    }

    void attach(SimInterface port) {
        if (port.type() != linkType) {
            throw new IllegalArgumentException("interface " + port + " is " + port.type().name() + ", segment " + name + " is " + linkType.name());
        }
        ports.add(port);
        portArray = ports.toArray(SimInterface[]::new);
    }

    void detach(SimInterface port) {
        ports.remove(port);
        portArray = ports.toArray(SimInterface[]::new);
    }

    /**
     * Splits the segment: interfaces of hosts in {@code groups.get(i)} form group i+1 and hear only
     * each other; interfaces of hosts in no group stay together in group 0.
     */
    public void partition(List<? extends Collection<SimHost>> groups) {
        for (SimInterface p : ports) {
            p.partitionGroup = 0;
            for (int g = 0; g < groups.size(); g++) {
                if (groups.get(g).contains(p.host())) p.partitionGroup = g + 1;
            }
        }
    }

    public void heal() {
        for (SimInterface p : ports) p.partitionGroup = 0;
    }

    /**
     * Puts {@code frame} on the medium from {@code from}, addressed to {@code destination} (the
     * link-layer destination the sender framed it for; ATM frames carry none, so the sender's
     * virtual circuit is named here). The array must not be changed afterwards: every receiver
     * shares it.
     */
    public void transmit(SimInterface from, HardwareAddress destination, byte[] frame) {
        put(from, null, -1, destination, frame);
        hearBridges(null, destination, frame, from == null ? 0 : from.partitionGroup);
    }

    /** A frame a source-route bridge copies onto this ring. */
    void transmitFromBridge(SourceRouteBridge from, HardwareAddress destination, byte[] frame) {
        put(null, null, -1, destination, frame);
        hearBridges(from, destination, frame, 0);
    }

    void attachBridge(SourceRouteBridge bridge) {
        bridges.add(bridge);
    }

    private void hearBridges(SourceRouteBridge from, HardwareAddress destination, byte[] frame, int group) {
        for (SourceRouteBridge b : bridges) {
            if (b == from || group != 0) continue;
            sim.after(faults.delayNanos(), () -> b.heard(this, destination, frame));
        }
    }

    /** A frame sent by station {@code member} of a block of compact stations. */
    void transmitFromBlock(CompactStations block, int member, HardwareAddress destination, byte[] frame) {
        put(null, block, member, destination, frame);
        hearBridges(null, destination, frame, 0);
    }

    private void put(SimInterface from, CompactStations fromBlock, int fromMember, HardwareAddress destination, byte[] frame) {
        framesSent++;
        if (tap != null) {
            try {
                tap.write(sim.now(), frame);
            } catch (IOException e) {
                throw new UncheckedIOException("capturing segment " + name, e);
            }
        }
        // ATM has no broadcast (its broadcast() is empty): a frame with no destination reaches nobody
        boolean broadcast = destination.length() > 0 && destination.equals(linkType.broadcast());
        // an Ethernet group address (I/G bit set) reaches the stations whose filter passes it
        boolean multicast = !broadcast && linkType == Ethernet.INSTANCE && destination.length() == 6 && (destination.get(0) & 1) != 0;
        int fromGroup = from == null ? 0 : from.partitionGroup;
        SplittableRandom random = sim.random();
        SegmentFaults f = faults;
        if (f.jitterNanos() == 0 && f.reorder() == 0 && f.duplicate() == 0) {
            putFixedDelay(from, broadcast, multicast, destination, fromGroup, frame, random, f);
        } else {
            for (int i = 0, n = ports.size(); i < n; i++) {
                SimInterface to = ports.get(i);
                if (to == from || !addressed(to, broadcast, multicast, destination)) continue;
                if (!survives(to, fromGroup, random, f)) continue;
                long delay = f.delayNanos();
                if (f.jitterNanos() > 0) delay += random.nextLong(f.jitterNanos());
                if (f.reorder() > 0 && random.nextDouble() < f.reorder()) delay += f.reorderNanos();
                deliver(to, frame, delay);
                if (f.duplicate() > 0 && random.nextDouble() < f.duplicate()) {
                    duplicated++;
                    deliver(to, frame, delay + Math.max(1, f.jitterNanos()));
                }
            }
        }
        for (int b = 0, n = blocks.size(); b < n; b++) {
            CompactStations block = blocks.get(b);
            if (fromGroup != 0) {
                blocked += broadcast ? block.count() : 1;
                continue;
            }
            int skip = block == fromBlock ? fromMember : -1;
            if (broadcast) {
                // one event for the whole block; each station still looks at the frame (and draws its own loss)
                deliveries += block.count() - (skip >= 0 ? 1 : 0);
                double loss = f.loss();
                sim.after(f.delayNanos(), () -> block.receiveBroadcast(frame, skip, loss));
            } else {
                int station = block.stationOf(destination);
                if (station < 0 || station == skip) continue;
                if (f.loss() > 0 && random.nextDouble() < f.loss()) {
                    lost++;
                    continue;
                }
                deliveries++;
                sim.after(f.delayNanos(), () -> block.receiveUnicast(station, frame));
            }
        }
    }

    /**
     * Every delivery of one frame is due at the same instant when the delay is fixed, and the events
     * the per-port loop would schedule take consecutive sequence numbers: nothing can run between
     * them. So one event delivers to every receiver in port order, which is the same run, without an
     * event (and a heap entry) per receiver. The fates are drawn now, in port order, as the loop does.
     */
    private void putFixedDelay(SimInterface from, boolean broadcast, boolean multicast, HardwareAddress destination, int fromGroup,
                               byte[] frame, SplittableRandom random, SegmentFaults f) {
        SimInterface[] all = portArray;
        if (heard.length < all.length) heard = new boolean[all.length];
        boolean[] hears = heard;
        int candidates = 0;
        int count = 0;
        SimInterface single = null;
        for (int i = 0; i < all.length; i++) {
            SimInterface to = all[i];
            hears[i] = false;
            if (to == from || !addressed(to, broadcast, multicast, destination)) continue;
            candidates++;
            if (!survives(to, fromGroup, random, f)) continue;
            hears[i] = true;
            single = to;
            count++;
        }
        deliveries += count;
        long delay = f.delayNanos();
        if (count == 1) {
            SimInterface to = single;
            sim.after(delay, () -> to.receive(frame));
        } else if (count > 1 && count == candidates && broadcast) {
            // the common broadcast: every other port hears it, no list to build
            sim.after(delay, () -> {
                for (SimInterface to : all) if (to != from) to.receive(frame);
            });
        } else if (count > 1) {
            SimInterface[] list = new SimInterface[count];
            for (int i = 0, k = 0; k < count; i++) if (hears[i]) list[k++] = all[i];
            sim.after(delay, () -> {
                for (SimInterface to : list) to.receive(frame);
            });
        }
    }

    /** Whether {@code to}'s address filter passes a frame for {@code destination}. */
    private static boolean addressed(SimInterface to, boolean broadcast, boolean multicast, HardwareAddress destination) {
        return broadcast || (multicast ? to.hearsGroup(destination) : to.address().equals(destination));
    }

    /** Whether a delivery to {@code to} escapes the partition and the loss draw; counts it blocked or lost if not. */
    private boolean survives(SimInterface to, int fromGroup, SplittableRandom random, SegmentFaults f) {
        if (to.partitionGroup != fromGroup) {
            blocked++;
            return false;
        }
        if (f.loss() > 0 && random.nextDouble() < f.loss()) {
            lost++;
            return false;
        }
        return true;
    }

    void countLost() {
        lost++;
        deliveries--;
    }

    void attachBlock(CompactStations block) {
        checkBlockFaults(faults);
        blocks.add(block);
    }

    private void checkBlockFaults(SegmentFaults f) {
        if (f.jitterNanos() > 0 || f.duplicate() > 0 || f.reorder() > 0) {
            throw new IllegalStateException("segment " + name + " has compact stations, which support only loss and a fixed delay");
        }
    }

    private void deliver(SimInterface to, byte[] frame, long delay) {
        deliveries++;
        sim.after(delay, () -> to.receive(frame));
    }

    @Override
    public String toString() {
        return name + "(" + linkType.name() + ")";
    }
}
