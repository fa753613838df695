package org.uarpd.engine;

import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.Neighbors.Observation;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Opcode;

/**
 * Where a received frame enters the engine: parsed once ({@link ArpDomain#parse}) into an
 * {@link ArpObservation}, then, in order, our own echoes dropped, the guard's frame rules
 * ({@link Guard#admit}), RFC 5227 conflicts ({@link AddressClaims}), the guard's station reports, and
 * by opcode to {@link Answering} (requests, InARP, RARP) or the state machine (replies).
 */
final class ArpReceiver {
    private final EngineContext ctx;
    private final ArpDomain arp;
    private final ArpNeighbors neighbors;
    private final AddressClaims claims;
    private final Answering answering;
    private final ArpObservation o = new ArpObservation();

    ArpReceiver(EngineContext ctx, ArpDomain arp, ArpNeighbors neighbors, AddressClaims claims, Answering answering) {
        this.ctx = ctx;
        this.arp = arp;
        this.neighbors = neighbors;
        this.claims = claims;
        this.answering = answering;
    }

    void frame(int linkId, byte[] buf, int off, int len) {
        Link l = ctx.links.get(linkId);
        if (l == null) {
            ctx.emit(Kind.DROPPED, linkId, 0, null, null, Reason.UNKNOWN_LINK);
            return;
        }
        if (!l.up) {
            ctx.emit(Kind.IGNORED, linkId, 0, null, null, Reason.LINK_IS_DOWN);
            return;
        }
        ArpObservation q = o;
        if (!arp.parse(l, buf, off, len, q)) return;
        int spa = q.sender;
        int op = q.opcode;
        if (l.isOwnHardware(q.senderHardware, 0, q.senderHardware.length)
                || (q.linkSourceKnown && l.isOwnHardware(q.linkSource, 0, q.linkSource.length))) {
            // Our own frames echoed back (our probes included) are never news, nor conflicts (RFC 5227 §2.1.1).
            ctx.emit(Kind.IGNORED, linkId, spa, null, null, Reason.OWN_FRAME);
            return;
        }
        if (l.guard != null && q.linkSourceKnown && !l.guard.admit(q)) return;
        boolean rarp = q.etherType == EtherType.RARP;
        if (!rarp && (op == Opcode.REQUEST.value() || op == Opcode.REPLY.value())) {
            // RFC 5227 §2.1.1 / §2.4: someone else using, or probing for, one of our addresses.
            // (A claim exists only for an address the link holds, so owning is the whole test.)
            if (spa != 0 && l.owns(spa)) {
                claims.usedBySomeoneElse(l, q);
                return;
            }
            if (spa == 0 && op == Opcode.REQUEST.value() && claims.unusable(l.id, q.target) && claims.probedFor(l, q)) return;
            if (l.guard != null && !l.guard.observeStation(spa, q.senderHardware)) return;
        }
        if (rarp) {
            if (op == Opcode.RARP_REQUEST.value()) answering.rarpRequest(l, q);
            else ctx.emit(Kind.DROPPED, linkId, spa, null, null, Reason.UNSUPPORTED_OPCODE);
        } else if (op == Opcode.REQUEST.value()) {
            answering.request(l, q);
        } else if (op == Opcode.REPLY.value()) {
            Observation kind = spa == q.target ? Observation.GRATUITOUS : q.toUs ? Observation.REPLY_TO_US : Observation.OVERHEARD;
            if (kind == Observation.OVERHEARD && !neighbors.tracks(linkId, spa)) {
                // A reply for someone else about a host we do not track: nothing to learn (Linux neither).
                ctx.emit(Kind.IGNORED, linkId, spa, null, null, Reason.NOT_FOR_US);
            }
            neighbors.learn(l, spa, q.senderHardware, kind);
        } else if (op == Opcode.INARP_REQUEST.value()) {
            answering.inarpRequest(l, q);
        } else {
            ctx.emit(Kind.DROPPED, linkId, spa, null, null, Reason.UNSUPPORTED_OPCODE);
        }
    }
}
