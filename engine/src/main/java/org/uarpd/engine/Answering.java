package org.uarpd.engine;

import java.nio.ByteBuffer;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.Neighbors.Observation;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;

/**
 * Answers ARP-family requests: the host's own addresses (where {@link ModeRules#answersOwnAddresses()}),
 * published entries and proxy ARP ({@link PublishedTable}), bridged hosts ({@link Bridge}), Inverse
 * ARP (RFC 2390) and RARP (RFC 903). Learning from a request goes to the state machine first, as
 * Linux's arp_process does.
 */
final class Answering {
    private final EngineContext ctx;
    private final ArpDomain arp;
    private final ArpNeighbors neighbors;
    private final AddressClaims claims;
    private final Bridge bridge;
    private final DirectoryBindings directory;
    /** Entries published on every link (operator's {@code Publish} with link 0). */
    final PublishedTable everywhere = new PublishedTable();
    private final PublishedTable.Routes routes;
    private int delayedReplies;

    Answering(EngineContext ctx, ArpDomain arp, ArpNeighbors neighbors, AddressClaims claims, Bridge bridge, DirectoryBindings directory) {
        this.ctx = ctx;
        this.arp = arp;
        this.neighbors = neighbors;
        this.claims = claims;
        this.bridge = bridge;
        this.directory = directory;
        this.routes = ctx.links::routedElsewhere;
    }

    /** Replies waiting for their delay (at most {@link EngineConfig#maxPending()}). */
    int delayedReplies() {
        return delayedReplies;
    }

    /** Bindings held from the shared directory. */
    int directoryBindings() {
        return directory.size();
    }

    /** An ARP request (RFC 826): learn from it, then answer it if it is ours to answer. */
    void request(Link l, ArpObservation q) {
        int spa = q.sender;
        int tpa = q.target;
        boolean ownTarget = l.owns(tpa);
        if (ownTarget && claims.unusable(l.id, tpa)) {
            // Still probing for it, or lost to another host: not ours to answer (RFC 5227 §2.1.1).
            ctx.emit(Kind.IGNORED, l.id, tpa, null, null, Reason.ADDRESS_CONFLICT);
            return;
        }
        if (spa == tpa) {
            // A gratuitous request announces the sender's binding; nobody answers it (RFC 5227 §2.3).
            neighbors.learn(l, spa, q.senderHardware, Observation.GRATUITOUS);
            return;
        }
        neighbors.learn(l, spa, q.senderHardware, ownTarget ? Observation.REQUEST_TO_US : Observation.OVERHEARD);
        ModeRules rules = l.rules();
        if (ownTarget) {
            if (!rules.answersOwnAddresses()) {
                ctx.emit(Kind.IGNORED, l.id, tpa, null, null, Reason.KERNEL_ANSWERS);
                return;
            }
            // Our own address: answered even for an RFC 5227 probe, which is how the prober learns of the conflict.
            reply(l, q, Opcode.REPLY, l.hardwareBytes, tpa, 0, Reason.OWN_ADDRESS);
            return;
        }
        if (l.policy.bridge() && rules.bridges()) {
            bridged(l, q);
            return;
        }
        PublishedTable.Slot slot = publishedFor(l, tpa);
        if (slot == null) {
            byte[] held = directory.onBehalf(l, q);
            if (held != null) reply(l, q, Opcode.REPLY, held, tpa, 0, Reason.DIRECTORY);
            else ctx.emit(Kind.IGNORED, l.id, tpa, null, null, Reason.NOT_FOR_US);
            return;
        }
        PublishedEntry entry = slot.entry();
        if (spa == 0 && !entry.answerProbes()) {
            ctx.emit(Kind.IGNORED, l.id, tpa, null, null, Reason.PROBE_NOT_ANSWERED);
            return;
        }
        if (entry.broadcastOnly() && !q.toBroadcast) {
            ctx.emit(Kind.IGNORED, l.id, tpa, null, null, Reason.UNICAST_REQUEST);
            return;
        }
        byte[] hw = slot.hardware() == null ? l.hardwareBytes : slot.hardware();
        Reason why = slot.why() == PublishedTable.Slot.Reason.PROXY ? Reason.PROXY : Reason.PUBLISHED;
        reply(l, q, Opcode.REPLY, hw, tpa, entry.replyDelayNanos(), why);
    }

    /** A request on a bridged link for a host that is not ours: answered for the far side, or waited for. */
    private void bridged(Link l, ArpObservation q) {
        int tpa = q.target;
        // The requester is a host on this side of the bridge: learn it (and route to it).
        if (q.sender != 0) neighbors.learn(l, q.sender, q.senderHardware, Observation.REQUEST_TO_US);
        Bridge.Requester who = new Bridge.Requester(l.id, q.sender, q.senderHardwareAddress(), q.hardwareType);
        for (Link other : ctx.links.all()) {
            if (other != l && other.policy.bridge() && other.owns(tpa) && !claims.unusable(other.id, tpa)) {
                // The bridge host's own address on the far side: reachable through us.
                bridge.answer(l, who, tpa);
                return;
            }
        }
        if (bridge.request(l, tpa, who) != 0) bridge.answer(l, who, tpa);
    }

    /** An Inverse ARP request (RFC 2390 §7.1): tell the asker our protocol address on this link. */
    void inarpRequest(Link l, ArpObservation q) {
        if (!l.policy.inarp() || !l.isOwnHardware(q.targetHardware, 0, q.targetHardware.length)) {
            ctx.emit(Kind.IGNORED, l.id, q.sender, null, null, Reason.NOT_FOR_US);
            return;
        }
        int ours = l.sourceFor(q.sender);
        if (ours == 0) {
            ctx.emit(Kind.IGNORED, l.id, q.sender, null, null, Reason.NO_SOURCE_ADDRESS);
            return;
        }
        neighbors.learn(l, q.sender, q.senderHardware, Observation.REQUEST_TO_US);
        reply(l, q, Opcode.INARP_REPLY, l.hardwareBytes, ours, 0, Reason.INARP);
    }

    /** A RARP request (RFC 903): the protocol address of the target hardware address, from the ethers table. */
    void rarpRequest(Link l, ArpObservation q) {
        if (!l.policy.rarp()) {
            ctx.emit(Kind.IGNORED, l.id, 0, null, null, Reason.RARP_DISABLED);
            return;
        }
        HardwareAddress asked = q.targetHardwareAddress();
        Integer ip = ctx.config().ethers().lookup(asked);
        if (ip == null) {
            ctx.emit(Kind.IGNORED, l.id, 0, asked, null, Reason.RARP_UNKNOWN);
            return;
        }
        int ours = l.sourceFor(ip);
        if (ours == 0) {
            ctx.emit(Kind.IGNORED, l.id, ip, asked, null, Reason.NO_SOURCE_ADDRESS);
            return;
        }
        arp.answerRarp(l, q, ours, ip);
        ctx.emit(Kind.ANSWERED, l.id, ip, asked, null, Reason.RARP);
    }

    /** Answers the requester of {@code q}: {@code senderIp} is at {@code senderHw}; at once, or after {@code delay}. */
    private void reply(Link l, ArpObservation q, Opcode op, byte[] senderHw, int senderIp, long delay, Reason why) {
        if (delay > 0 && delayedReplies >= ctx.config().maxPending()) {
            // Bounded like Linux's proxy queue, so a flood of requests cannot grow it without end.
            ctx.emit(Kind.IGNORED, l.id, senderIp, null, null, Reason.TOO_MANY_PENDING);
            return;
        }
        Action.Transmit frame = arp.answer(l, q.hardwareType, op, senderHw, senderIp, q.senderHardware, q.sender);
        if (delay > 0) {
            // Timer-driven: the real host, if it is there, gets to answer first (Linux proxy_delay).
            delayedReplies++;
            byte[] copy = l.writer.copy();
            int linkId = l.id;
            ctx.after(delay, () -> {
                delayedReplies--;
                sendDelayed(linkId, copy, senderIp, why);
            });
            return;
        }
        ctx.act(frame);
        ctx.emit(Kind.ANSWERED, l.id, senderIp, null, null, why);
    }

    private void sendDelayed(int linkId, byte[] frame, int address, Reason why) {
        Link l = ctx.links.get(linkId);
        if (l == null || !l.up) {
            ctx.emit(Kind.IGNORED, linkId, address, null, null, Reason.LINK_IS_DOWN);
            return;
        }
        ctx.act(new Action.Transmit(linkId, ByteBuffer.wrap(frame)));
        ctx.emit(Kind.ANSWERED, linkId, address, null, null, why);
    }

    private PublishedTable.Slot publishedFor(Link l, int target) {
        PublishedTable.Slot s = l.published.isEmpty() ? null : l.published.match(target, l, routes);
        if (s == null && !everywhere.isEmpty()) s = everywhere.match(target, l, routes);
        return s;
    }
}
