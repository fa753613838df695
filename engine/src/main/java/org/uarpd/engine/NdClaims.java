package org.uarpd.engine;

import java.util.SplittableRandom;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The host's IPv6 addresses: duplicate address detection (RFC 4862 §5.4) with Enhanced DAD's nonce
 * (RFC 7527) before one is answered for, and reports of anyone else claiming one afterwards. The
 * IPv6 counterpart of {@link AddressClaims}.
 *
 * <p>An address added on a link whose {@link NdLinkPolicy#dad()} is on is TENTATIVE: DupAddrDetectTransmits
 * probes (from ::, to its solicited-node group, with a 6-byte nonce) one RetransTimer apart; if
 * RetransTimer after the last nothing contradicted it, it is PREFERRED (event CLAIMED). An
 * advertisement for it, or a DAD probe for it carrying another nonce (or none), means another host
 * has it: DUPLICATE (event CONFLICT PROBE_CONFLICT), and {@link Action.RemoveAddress6} when the policy
 * says so. A probe carrying our own nonce is our own, looped back (RFC 7527 §4.2): not a conflict.
 */
final class NdClaims {
    private final EngineContext ctx;
    private final NdDomain nd;
    private final SplittableRandom random;

    NdClaims(EngineContext ctx, NdDomain nd, long seed) {
        this.ctx = ctx;
        this.nd = nd;
        this.random = new SplittableRandom(seed ^ 0x6e64L);
    }

    /**
     * The host gained ({@code a}, {@code prefix}) on {@code l}; {@code valid}: it held it already (the
     * kernel's DAD is over), so it is PREFERRED (event CLAIMED) at once, neither probed nor announced
     * again — a restart must not leave the host's own addresses unanswered for a DAD run.
     */
    void added(Link l, Ip6Address a, int prefix, boolean valid) {
        NdLink n = nd.link(l);
        boolean isNew = n.indexOf(a.high(), a.low()) < 0;
        int i = n.add(a.high(), a.low(), prefix);
        if (!isNew) return;
        if (valid) {
            n.state[i] = NdLink.PREFERRED;
            ctx.emit(Kind.CLAIMED, l.id, 0, a, l.hardware, null, Reason.CLAIMED, 0, null);
        } else if (n.policy.dad() && NdDomain.speaks(l)) {
            n.state[i] = NdLink.TENTATIVE;
            if (l.up) startDad(l, n, i);   // else when the link comes up
        } else {
            n.state[i] = NdLink.PREFERRED;
            announce(l, n, a);
        }
    }

    /** RFC 4862 §5.4: DAD runs again for every address when the link comes (back) up. */
    void linkUp(Link l) {
        NdLink n = nd.known(l.id);
        if (n == null || !n.policy.dad() || !NdDomain.speaks(l)) return;
        for (int i = 0; i < n.count; i++) {
            if (n.state[i] == NdLink.DUPLICATE) continue;
            if (n.timer[i] != 0) ctx.cancelTask(n.timer[i]);
            n.state[i] = NdLink.TENTATIVE;
            startDad(l, n, i);
        }
    }

    private void startDad(Link l, NdLink n, int i) {
        Ip6Address a = new Ip6Address(n.high[i], n.low[i]);
        n.nonce[i] = random.nextLong() & 0xFFFF_FFFF_FFFFL;
        n.remaining[i] = n.policy.dadTransmits();
        ctx.emit(Kind.CLAIMED, l.id, 0, a, null, null, Reason.PROBING, 0, null);
        probe(l, n, a);
    }

    void removed(Link l, Ip6Address a) {
        NdLink n = nd.known(l.id);
        if (n == null) return;
        int i = n.indexOf(a.high(), a.low());
        if (i < 0) return;
        if (n.timer[i] != 0) ctx.cancelTask(n.timer[i]);
        n.removeAt(i);
    }

    /** Sends the next DAD probe, or ends DAD with the address ours, one RetransTimer after the last. */
    private void probe(Link l, NdLink n, Ip6Address a) {
        int i = n.indexOf(a.high(), a.low());
        if (i < 0) return;
        n.timer[i] = 0; // this task's id went back to the pool when it fired
        // A probe a down link never sent proves nothing: DAD starts again when it comes up (linkUp).
        if (n.state[i] != NdLink.TENTATIVE || !l.up) return;
        long retrans = nd.config().timers().retransNanos();
        if (n.remaining[i] == 0) {
            n.state[i] = NdLink.PREFERRED;
            ctx.emit(Kind.CLAIMED, l.id, 0, a, l.hardware, null, Reason.CLAIMED, 0, null);
            announce(l, n, a);
            return;
        }
        n.remaining[i]--;
        nd.dadProbe(l, a.high(), a.low(), n.nonce[i]);
        n.timer[i] = ctx.after(retrans, () -> probe(l, n, a));
    }

    /** RFC 4861 §7.2.6: with announcing on, tell the link where the new address is (to all nodes, Override set). */
    private void announce(Link l, NdLink n, Ip6Address a) {
        if (!l.up || !l.policy.announce() || !NdDomain.speaks(l)) return;
        nd.advertise(l, a.high(), a.low(), Ip6Address.ALL_NODES.high(), Ip6Address.ALL_NODES.low(), null, n.policy.router(), false, true,
                l.hardwareBytes);
        ctx.emit(Kind.ANSWERED, l.id, 0, a, l.hardware, null, Reason.ANNOUNCED, 0, null);
    }

    /** True while ({@code h}, {@code lo}) is being checked on {@code l}. */
    boolean tentative(NdLink n, long h, long lo) {
        return n.stateOf(h, lo) == NdLink.TENTATIVE;
    }

    /** A DAD probe for our tentative address: ours looped back (same nonce) or another host's. */
    void probeSeen(Link l, NdLink n, NdObservation o) {
        int i = n.indexOf(o.targetHigh, o.targetLow);
        if (o.hasNonce && o.nonce == n.nonce[i]) {
            ctx.emit(Kind.IGNORED, l.id, 0, target(o), null, null, Reason.OWN_FRAME, 0, "our own DAD probe, looped back (RFC 7527)");
            return;
        }
        duplicate(l, n, i, o);
    }

    /**
     * Anything proving another host holds our tentative address: DAD failed (RFC 4862 §5.4.5), the
     * address is not ours to answer for. It stays DUPLICATE until the host drops it ({@link #removed}),
     * even when its deletion is asked for: the kernel reports the address again (a re-dump, a
     * lifetime change) before it carries the deletion out, and that report is no new address to probe
     * and claim. Deleted when the ND policy or the link's conflict policy says so, as for IPv4
     * (RFC 5227 §2.4, {@link AddressClaims}), and always on an authoritative link: there the host's
     * kernel hears no advertisement, so its own DAD cannot fail and would keep a duplicate in use,
     * which RFC 4862 §5.4.5 forbids; deleting it is what that DAD would have done (the kernel marks
     * such an address dadfailed, a flag RTM_NEWADDR cannot set).
     */
    void duplicate(Link l, NdLink n, int i, NdObservation o) {
        Ip6Address a = new Ip6Address(n.high[i], n.low[i]);
        if (n.timer[i] != 0) ctx.cancelTask(n.timer[i]);
        n.timer[i] = 0;
        n.state[i] = NdLink.DUPLICATE;
        HardwareAddress theirs = HardwareAddress.of(o.linkSource.clone());
        ctx.emit(Kind.CONFLICT, l.id, 0, a, theirs, null, Reason.PROBE_CONFLICT, 0,
                (o.solicitation ? "duplicate address detection probe" : "advertisement") + " from " + theirs);
        boolean configured = n.policy.removeOnConflict() || l.policy.conflict().removeOnConflict();
        if (configured || l.policy.mode() == LinkMode.AUTHORITATIVE) {
            ctx.act(new Action.RemoveAddress6(l.id, a, n.prefix[i]));
            ctx.emit(Kind.REMOVED, l.id, 0, a, theirs, null, Reason.ADDRESS_CONFLICT, 0, configured ? null
                    : "duplicate address detection failed (RFC 4862 §5.4.5): deleted, as the kernel's own DAD would have,"
                            + " which hears no advertisement on an authoritative link");
        }
    }

    /** An advertisement from another station for one of our preferred addresses: reported with both link addresses. */
    void claimedBySomeoneElse(Link l, NdObservation o) {
        HardwareAddress theirs = HardwareAddress.of((o.hasLinkLayer ? o.linkLayer : o.linkSource).clone());
        ctx.emit(Kind.CONFLICT, l.id, 0, target(o), theirs, null, Reason.ADDRESS_CONFLICT, 0,
                "ours " + l.hardware + ", theirs " + theirs);
    }

    void linkRemoved(NdLink n) {
        for (int i = 0; i < n.count; i++) {
            if (n.timer[i] != 0) ctx.cancelTask(n.timer[i]);
        }
    }

    static Ip6Address target(NdObservation o) {
        return new Ip6Address(o.targetHigh, o.targetLow);
    }
}
