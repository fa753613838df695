package org.uarpd.engine;

import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.ArpView;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.EthernetHeader;

/**
 * The ARP protocol domain (RFC 826, with RARP, RFC 903, and InARP, RFC 2390, which share its packet):
 * IPv4 addresses ({@link Ip4Addresses}) resolved to hardware addresses of any link type. It parses a
 * received frame into an {@link ArpObservation} ({@link #parse}) and is the one place ARP-family
 * packets are built: every packet the engine sends goes through {@link #begin}.
 */
final class ArpDomain implements NeighborDomain {
    /** IPv4 addresses are 4 bytes ({@code ar_pln}). */
    static final int PROTOCOL_LENGTH = 4;
    /** Offsets in an Ethernet II header (IEEE 802.3 §3.1.1): source address and EtherType. */

    private final EngineContext ctx;
    private final Ip4Addresses addresses;
    private final NeighborTable table;
    private final DirectoryBindings directory;
    private final ArpView in = new ArpView();
    private final ArpView out = new ArpView();
    private final byte[] scratch = new byte[ArpPacket.MAX_ADDRESS_LENGTH];
    private final byte[] zeros = new byte[ArpPacket.MAX_ADDRESS_LENGTH];

    ArpDomain(EngineContext ctx, NeighborTable table, Ip4Addresses addresses, DirectoryBindings directory) {
        this.ctx = ctx;
        this.table = table;
        this.addresses = addresses;
        this.directory = directory;
    }

    /** Bytes of an IPv4 ARP packet with {@code hln}-byte hardware addresses. */
    static int packetLength(int hln) {
        return ArpView.size(hln, PROTOCOL_LENGTH);
    }

    @Override
    public NeighborTimers timers(EngineConfig config) {
        return config.timers();
    }

    @Override
    public Reason cannotSolicit(Link link) {
        return link.speaksRfc826() ? null : Reason.WRONG_HARDWARE;
    }

    // -- receiving -------------------------------------------------------------------------------

    /**
     * Parses the frame {@code buf[off, off+len)} received on {@code l} into {@code o}. Returns false,
     * having reported why, when it is not an IPv4 ARP-family packet the engine can use.
     */
    boolean parse(Link l, byte[] buf, int off, int len, ArpObservation o) {
        ArpView v = in;
        try {
            if (l.type == Ethernet.INSTANCE
                    && (len < EthernetHeader.HEADER || EthernetHeader.etherType(buf, off, len) >= Ethernet.MIN_ETHERTYPE)) {
                // The commonest link, Ethernet II, read in place: no allocation on the answer path.
                // (IEEE 802.3 length-field frames, LLC/SNAP-encapsulated ARP among them, take the
                // general path below: Ethernet.decode reads them.)
                o.etherType = EthernetHeader.etherType(buf, off, len); // a runt throws: dropped as malformed
                if (!EtherType.isArpFamily(o.etherType)) return notArp(l);
                v.resetEthernet(buf, off, len);
                if (!usable(l, v)) return false;
                o.toBroadcast = l.isBroadcast(buf, off, l.hardwareBytes.length);
                o.toUs = l.isOwnHardware(buf, off, l.hardwareBytes.length);
                o.hardwareLength(v.hardwareLength());
                System.arraycopy(buf, off + EthernetHeader.SOURCE, o.linkSource, 0, o.linkSource.length);
                o.linkSourceKnown = true;
            } else {
                Frame frame = l.type.decode(buf, off, len);
                o.etherType = frame.protocol();
                if (!EtherType.isArpFamily(o.etherType)) return notArp(l);
                v.reset(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
                if (!usable(l, v)) return false;
                o.toBroadcast = frame.destination().equals(l.type.broadcast());
                o.toUs = frame.destination().equals(l.hardware);
                int hln = v.hardwareLength();
                o.hardwareLength(hln);
                HardwareAddress src = frame.source();
                o.linkSourceKnown = src != null && src.length() >= hln;
                if (o.linkSourceKnown) {
                    for (int i = 0; i < hln; i++) o.linkSource[i] = src.get(i);
                }
            }
        } catch (MalformedFrameException e) {
            dropMalformed(l.id, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // A decoder must not throw anything else, but a bad frame must never stop the loop.
            dropMalformed(l.id, "decoder failed: " + e);
            return false;
        }
        o.hardwareType = v.hardwareType();
        o.opcode = v.opcode();
        o.sender = v.senderProtocolIp4();
        o.target = v.targetProtocolIp4();
        v.copySenderHardware(o.senderHardware, 0);
        v.copyTargetHardware(o.targetHardware, 0);
        return true;
    }

    /** IPv4 over this link's hardware address length: the only packets the engine acts on. */
    private boolean usable(Link l, ArpView v) {
        if (!v.isIp4()) {
            ctx.emit(Kind.IGNORED, l.id, 0, null, null, Reason.NOT_IPV4);
            return false;
        }
        if (v.hardwareLength() != l.type.addressLength()) {
            ctx.emit(Kind.IGNORED, l.id, 0, null, null, Reason.WRONG_HARDWARE);
            return false;
        }
        return true;
    }

    private boolean notArp(Link l) {
        ctx.emit(Kind.DROPPED, l.id, 0, null, null, Reason.NOT_ARP);
        return false;
    }

    private void dropMalformed(int link, String detail) {
        ctx.emit(Kind.DROPPED, link, 0, null, null, Reason.MALFORMED, 0, detail);
    }

    // -- sending ---------------------------------------------------------------------------------

    /**
     * Starts an IPv4 ARP-family packet on {@code l}, framed to link-layer destination
     * {@code dst[dstOff…]}, with the link's own hardware address as sender and every other address
     * zero: the caller sets what differs and hands {@link Link#writer}'s {@code finish()} on.
     */
    private ArpView begin(Link l, int etherType, int hardwareType, Opcode op, byte[] dst, int dstOff) {
        int hln = l.type.addressLength();
        FrameWriter w = l.writer;
        byte[] f = w.begin(dst, dstOff, hln, etherType, packetLength(hln));
        ArpView p = out.initialize(f, w.payloadOffset(), hardwareType, EtherType.IPV4, hln, PROTOCOL_LENGTH, op.value());
        p.setSenderHardware(l.hardwareBytes, 0);
        return p;
    }

    /** A request from our address {@code from} for {@code target}: broadcast, or to {@code dst} (ar_tha stays zero). */
    private void request(Link l, byte[] dst, int from, int target) {
        ArpView p = begin(l, EtherType.ARP, l.type.hardwareType().value(), Opcode.REQUEST, dst, 0);
        p.setSenderProtocolIp4(from);
        p.setTargetProtocolIp4(target);
        ctx.act(l.writer.finish());
    }

    @Override
    public void solicit(Link l, int id, boolean unicast, Reason why) {
        int target = addresses.address(id);
        byte[] dst = l.broadcastBytes;
        if (unicast) {
            table.copyHardware(id, scratch, 0);
            dst = scratch;
        } else {
            byte[] hint = directory.unicastCheck(l, target, table.probes[id] & 0xFF);
            if (hint != null) {
                // Checked where the directory says the host is; the next request, if needed, is broadcast.
                request(l, hint, l.sourceFor(target), target);
                ctx.emit(Kind.REQUESTED, l.id, target, HardwareAddress.of(hint), table.stateOf(id), Reason.DIRECTORY_CHECK);
                return;
            }
        }
        request(l, dst, l.sourceFor(target), target);
        ctx.emit(Kind.REQUESTED, l.id, target, unicast ? table.hardware(id) : null, table.stateOf(id), why);
    }

    /** An RFC 5227 §2.1.1 probe for {@code address}: sender protocol address 0, target hardware 0, broadcast. */
    void probe(Link l, int address) {
        request(l, l.broadcastBytes, 0, address);
        ctx.emit(Kind.REQUESTED, l.id, address, null, null, Reason.PROBING);
    }

    /** A unicast request for {@code target} to {@code holder} (the guard asking an old station if it is still there). */
    void askHolder(Link l, int target, HardwareAddress holder) {
        holder.copyTo(scratch, 0);
        request(l, scratch, l.sourceFor(target), target);
        ctx.emit(Kind.REQUESTED, l.id, target, holder, null, Reason.VERIFYING);
    }

    /**
     * {@code count} announcements of {@code address}, one now and the rest {@code interval} apart
     * (RFC 5227 §2.3 spaces ANNOUNCE_NUM of them ANNOUNCE_INTERVAL apart). A link that is down or gone
     * when one falls due skips it (the count goes on, so a flapping link does not stretch the run).
     */
    void announceRepeatedly(int linkId, int address, int count, long interval) {
        announceRepeatedly(new OperatorCommand.Announce(linkId, address, count, interval), count);
    }

    /** {@code a}'s announcements from the {@code count}-th last on: see {@link OperatorCommand.Announce}. */
    void announceRepeatedly(OperatorCommand.Announce a, int count) {
        Link l = ctx.links.get(a.link());
        if (l == null || !l.up) {
            ctx.emit(Kind.IGNORED, a.link(), a.address(), null, null, l == null ? Reason.UNKNOWN_LINK : Reason.LINK_IS_DOWN);
        } else if (a.hardware() != null && a.hardware().length() != l.hardwareBytes.length) {
            ctx.emit(Kind.IGNORED, l.id, a.address(), a.hardware(), null, Reason.WRONG_HARDWARE);
        } else {
            byte[] hw = a.hardware() == null ? l.hardwareBytes : a.hardware().toByteArray();
            announce(l, a.address(), hw);
            if (a.replyForm()) announceReply(l, a.address(), hw);
        }
        if (count > 1) ctx.after(a.intervalNanos(), () -> announceRepeatedly(a, count - 1));
    }

    /** A gratuitous ARP request announcing {@code address} at our hardware address (RFC 5227 §3). */
    void announce(Link l, int address) {
        announce(l, address, l.hardwareBytes);
    }

    private void announce(Link l, int address, byte[] hw) {
        if (!l.speaksRfc826()) return;
        ArpView p = begin(l, EtherType.ARP, l.type.hardwareType().value(), Opcode.REQUEST, l.broadcastBytes, 0);
        p.setSenderHardware(hw, 0);
        p.setSenderProtocolIp4(address);
        p.setTargetProtocolIp4(address);
        ctx.act(l.writer.finish());
        ctx.emit(Kind.ANSWERED, l.id, address, HardwareAddress.of(hw), null, Reason.ANNOUNCED);
    }

    /**
     * The reply form of an announcement: an ARP reply, broadcast, sender and target protocol address
     * both {@code address}, sender and target hardware address both {@code hw} (RFC 5944 §4.6).
     */
    private void announceReply(Link l, int address, byte[] hw) {
        ArpView p = begin(l, EtherType.ARP, l.type.hardwareType().value(), Opcode.REPLY, l.broadcastBytes, 0);
        p.setSenderHardware(hw, 0);
        p.setSenderProtocolIp4(address);
        p.setTargetHardware(hw, 0);
        p.setTargetProtocolIp4(address);
        ctx.act(l.writer.finish());
        ctx.emit(Kind.ANSWERED, l.id, address, HardwareAddress.of(hw), null, Reason.ANNOUNCED);
    }

    /**
     * An answer ({@code op}: reply or InARP reply) to {@code toHw} / {@code toIp}, saying that
     * {@code senderIp} is at {@code senderHw}; {@code hardwareType} is the request's. Returns the frame
     * (the link's scratch: send it now, or copy it with {@link FrameWriter#copy()}).
     */
    Action.Transmit answer(Link l, int hardwareType, Opcode op, byte[] senderHw, int senderIp, byte[] toHw, int toIp) {
        ArpView p = begin(l, EtherType.ARP, hardwareType, op, toHw, 0);
        p.setSenderHardware(senderHw, 0);
        p.setSenderProtocolIp4(senderIp);
        p.setTargetHardware(toHw, 0);
        p.setTargetProtocolIp4(toIp);
        return l.writer.finish();
    }

    /**
     * RFC 903: the RARP reply to {@code q}, sent back to the asker; the sender fields are the server's
     * ({@code ours}), the target fields the answer: the asked-for hardware address and {@code ip}.
     */
    void answerRarp(Link l, ArpObservation q, int ours, int ip) {
        ArpView p = begin(l, EtherType.RARP, q.hardwareType, Opcode.RARP_REPLY, q.senderHardware, 0);
        p.setSenderProtocolIp4(ours);
        p.setTargetHardware(q.targetHardware, 0);
        p.setTargetProtocolIp4(ip);
        ctx.act(l.writer.finish());
    }
}
