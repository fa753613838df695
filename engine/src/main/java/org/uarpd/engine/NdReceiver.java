package org.uarpd.engine;

import static org.uarpd.engine.NeighborTable.NONE;

import java.util.List;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.Neighbors.Observation;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * Where an IPv6 neighbour discovery frame enters the engine (the counterpart of {@link ArpReceiver}
 * and {@link Answering} for ND): parsed and validated once ({@link NdDomain#parse}), then in order
 * DAD probes for a tentative address ({@link NdClaims}), our own echoes, the guard's per-source
 * rate limit, sender consistency and station reports, and by message type: a solicitation is learnt from (RFC 4861
 * §7.2.3) and answered (§7.2.4, proxies §7.2.8); an advertisement updates the table by the §7.2.5
 * rules, with RFC 9131's choice for unsolicited ones.
 */
final class NdReceiver {
    private final EngineContext ctx;
    private final NdDomain nd;
    private final NdNeighbors neighbors;
    private final NdClaims claims;
    private final NdProxyChecks checks;
    private final NdObservation o = new NdObservation();
    /** Entries published on every link. */
    final List<NdPublished> everywhere = new java.util.ArrayList<>();

    NdReceiver(EngineContext ctx, NdDomain nd, NdNeighbors neighbors, NdClaims claims, NdProxyChecks checks) {
        this.ctx = ctx;
        this.checks = checks;
        this.nd = nd;
        this.neighbors = neighbors;
        this.claims = claims;
    }

    void frame(Link l, byte[] buf, int off, int len) {
        if (!l.up) {
            ctx.emit(Kind.IGNORED, l.id, 0, Ip6Address.UNSPECIFIED, null, null, Reason.LINK_IS_DOWN, 0, null);
            return;
        }
        NdObservation q = o;
        if (!nd.parse(l, buf, off, len, q)) return;
        NdLink n = nd.link(l);
        if (q.solicitation && q.sourceUnspecified && claims.tentative(n, q.targetHigh, q.targetLow)) {
            claims.probeSeen(l, n, q); // before the echo test: the nonce tells our own loop from a twin (RFC 7527)
            return;
        }
        if (l.isOwnHardware(q.linkSource, 0, q.linkSource.length)) {
            ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), null, null, Reason.OWN_FRAME, 0, null);
            return;
        }
        if (l.guard != null && !l.guard.admitSource(q.linkSource, 0, NdClaims.target(q))) return;
        if (l.policy.guard().senderConsistency() && q.hasLinkLayer && !q.linkSourceMatches()) {
            ctx.emit(Kind.ALERT, l.id, 0, NdClaims.target(q), HardwareAddress.of(q.linkSource.clone()), null,
                    Reason.SENDER_MISMATCH, 0, "link-layer option " + HardwareAddress.of(q.linkLayer.clone()));
            return;
        }
        if (l.guard != null && l.guard.policy.stationEvents() && !stationSeen(l, n, q)) return;
        if (q.solicitation) solicitation(l, n, q);
        else advertisement(l, n, q);
    }

    /**
     * The guard's station reports for the neighbour a frame speaks for, as ARP's sender: an NS's
     * source with its Source Link-Layer Address option, an NA's target with its Target one. One of
     * our own addresses is {@link NdClaims}' business, not a station. False for a bogon (off-link
     * while the link has IPv6 prefixes), which is then not learnt.
     */
    private boolean stationSeen(Link l, NdLink n, NdObservation q) {
        if (!q.hasLinkLayer || (q.solicitation && q.sourceUnspecified)) return true;
        long h = q.solicitation ? q.sourceHigh : q.targetHigh;
        long lo = q.solicitation ? q.sourceLow : q.targetLow;
        if (n.stateOf(h, lo) != 0) return true;
        return l.guard.observeStation(new Ip6Address(h, lo), q.linkLayer, n.count == 0 || n.onLink(h, lo));
    }

    // -- solicitations ---------------------------------------------------------------------------

    private void solicitation(Link l, NdLink n, NdObservation q) {
        byte mine = n.stateOf(q.targetHigh, q.targetLow);
        NdPublished published = mine != 0 ? null : published(n, q.targetHigh, q.targetLow);
        boolean forUs = mine == NdLink.PREFERRED || published != null;
        if (!q.sourceUnspecified && q.hasLinkLayer) {
            if (n.stateOf(q.sourceHigh, q.sourceLow) != 0) {
                ctx.emit(Kind.IGNORED, l.id, 0, new Ip6Address(q.sourceHigh, q.sourceLow),
                        HardwareAddress.of(q.linkLayer.clone()), null, Reason.ADDRESS_CONFLICT, 0, null);
            } else if (forUs || neighbors.find(l.id, q.sourceHigh, q.sourceLow) != NONE) {
                // RFC 4861 §7.2.3: the solicitor's address, STALE (created only when it asked us).
                neighbors.learn(l, q.sourceHigh, q.sourceLow, q.linkLayer, forUs ? Observation.REQUEST_TO_US : Observation.OVERHEARD);
            }
        }
        if (mine == NdLink.PREFERRED) {
            if (!l.rules().answersOwnAddresses()) {
                ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), null, null, Reason.KERNEL_ANSWERS, 0, null);
                return;
            }
            answer(l, n, q, true, l.hardwareBytes, Reason.OWN_ADDRESS);
        } else if (mine == NdLink.TENTATIVE || mine == NdLink.DUPLICATE) {
            // RFC 4862 §5.4.3: a tentative address is not answered for.
            ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), null, null, Reason.PROBING, 0, null);
        } else if (published != null) {
            byte[] mac = published.hardware() != null ? published.hardware().toByteArray() : l.hardwareBytes;
            if (checks.allows(l, published, q, mac)) answer(l, n, q, false, mac, Reason.PUBLISHED);
        } else {
            ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), null, null, Reason.NOT_FOR_US, 0, null);
        }
    }

    private NdPublished published(NdLink n, long h, long lo) {
        NdPublished e = n.match(h, lo);
        return e != null ? e : NdLink.longest(everywhere, h, lo);
    }

    /** RFC 4861 §7.2.4, as {@link NdDomain#answer} writes it. */
    private void answer(Link l, NdLink n, NdObservation q, boolean override, byte[] mac, Reason why) {
        nd.answer(l, q.targetHigh, q.targetLow, q.sourceUnspecified, q.sourceHigh, q.sourceLow, q.hasLinkLayer ? q.linkLayer : q.linkSource,
                override, mac, why);
    }

    // -- advertisements --------------------------------------------------------------------------

    private void advertisement(Link l, NdLink n, NdObservation q) {
        checks.advertised(l, q.targetHigh, q.targetLow); // a target a conditional entry asked about (NdProxyChecks)
        byte mine = n.stateOf(q.targetHigh, q.targetLow);
        if (mine == NdLink.TENTATIVE) {
            claims.duplicate(l, n, n.indexOf(q.targetHigh, q.targetLow), q);
            return;
        }
        if (mine != 0) {
            claims.claimedBySomeoneElse(l, q);
            return;
        }
        int id = neighbors.find(l.id, q.targetHigh, q.targetLow);
        NdLinkPolicy.Unsolicited rule = n.policy.unsolicited();
        boolean guarded = l.policy.guard().active() && !l.policy.guard().allowUnsolicited();
        if (!q.solicited && (rule == NdLinkPolicy.Unsolicited.IGNORE || guarded)) {
            // Linux drop_unsolicited_na; the guard believes only answers to its own questions.
            ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), linkLayer(q), null, Reason.UNSOLICITED, 0, null);
            return;
        }
        NeighborState state = id == NONE ? null : neighbors.stateOf(id);
        if (id == NONE || (!q.solicited && state == NeighborState.FAILED)) {
            // A FAILED entry is the memory of a host that did not answer: an unsolicited advertisement
            // revives it only where it would create an absent one (Linux likewise).
            if (!q.hasLinkLayer) return;
            if (q.solicited) {
                neighbors.advertised(l, q.targetHigh, q.targetLow, q.linkLayer, Observation.REPLY_TO_US, q.router);
            } else if (createsUntracked(n, rule, q)) {
                // RFC 9131 §3: a router creates a STALE entry from an unsolicited advertisement.
                neighbors.advertised(l, q.targetHigh, q.targetLow, q.linkLayer, Observation.REQUEST_TO_US, q.router);
            } else {
                ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), linkLayer(q), state, Reason.NOT_FOR_US, 0, null);
            }
            return;
        }
        if (!q.hasLinkLayer) {
            // Without the option an advertisement can only confirm the address we have (§7.2.5).
            if (q.solicited && state != NeighborState.INCOMPLETE) {
                neighbors.advertised(l, q.targetHigh, q.targetLow, neighbors.hardware(id).toByteArray(), Observation.REPLY_TO_US, q.router);
            }
            return;
        }
        Observation kind = q.solicited ? Observation.REPLY_TO_US : Observation.OVERHEARD;
        if (state != NeighborState.INCOMPLETE && !q.override && !neighbors.sameHardware(id, q.linkLayer)) {
            // Override clear and another address: the binding stays; a REACHABLE one is doubted (§7.2.5).
            if (state == NeighborState.REACHABLE) neighbors.demote(id);
            else ctx.emit(Kind.IGNORED, l.id, 0, NdClaims.target(q), linkLayer(q), state, Reason.LOCKED, 0, "Override flag clear");
            return;
        }
        neighbors.advertised(l, q.targetHigh, q.targetLow, q.linkLayer, kind, q.router);
    }

    /** RFC 9131 §3 on a router: always, or only when the advertisement comes from one of the link's prefixes. */
    private static boolean createsUntracked(NdLink n, NdLinkPolicy.Unsolicited rule, NdObservation q) {
        if (!n.policy.router()) return false;
        return rule == NdLinkPolicy.Unsolicited.CREATE_STALE
                || (rule == NdLinkPolicy.Unsolicited.CREATE_STALE_ON_LINK && n.onLink(q.sourceHigh, q.sourceLow));
    }

    private static HardwareAddress linkLayer(NdObservation q) {
        return q.hasLinkLayer ? HardwareAddress.of(q.linkLayer.clone()) : null;
    }
}
