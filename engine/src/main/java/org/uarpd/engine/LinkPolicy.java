package org.uarpd.engine;

import java.util.List;
import java.util.Objects;

/**
 * What uarpd does on one link, chosen in {@link EngineConfig} by the link's name.
 *
 * @param mode      authoritative or assist (see {@link LinkMode})
 * @param rarp      answer RARP requests (RFC 903) from the ethers table
 * @param inarp     answer Inverse ARP requests (RFC 2390) addressed to this link
 * @param announce  send a gratuitous ARP request (RFC 5227 §3 announcement) for each address the
 *                  host gains on this link, and for all of them when the link comes up or changes
 *                  hardware address
 * @param published entries answered on this link from the start (more come by {@link OperatorCommand.Publish})
 * @param conflict  RFC 5227 probe / announce / defend for the host's addresses on this link
 * @param guard     what uarpd believes from the wire on this link (see {@link GuardPolicy})
 * @param bridge    proxy-ARP bridging: this link is bridged with every other link whose policy has
 *                  {@code bridge} set (hosts learnt on each side, answered for on the others, /32
 *                  routes installed). Needs AUTHORITATIVE mode.
 */
public record LinkPolicy(LinkMode mode, boolean rarp, boolean inarp, boolean announce, List<PublishedEntry> published,
                         ConflictPolicy conflict, GuardPolicy guard, boolean bridge) {
    public LinkPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(conflict, "conflict");
        Objects.requireNonNull(guard, "guard");
        published = List.copyOf(published);
    }

    /** The policy before RFC 5227, guard and bridge settings existed: those off (conflicts reported only). */
    public LinkPolicy(LinkMode mode, boolean rarp, boolean inarp, boolean announce, List<PublishedEntry> published) {
        this(mode, rarp, inarp, announce, published, ConflictPolicy.reportOnly(), GuardPolicy.off(), false);
    }

    public static LinkPolicy authoritative() {
        return new LinkPolicy(LinkMode.AUTHORITATIVE, false, true, false, List.of());
    }

    public static LinkPolicy assist() {
        return new LinkPolicy(LinkMode.ASSIST, false, true, false, List.of());
    }

    public LinkPolicy withRarp(boolean on) {
        return new LinkPolicy(mode, on, inarp, announce, published, conflict, guard, bridge);
    }

    public LinkPolicy withInarp(boolean on) {
        return new LinkPolicy(mode, rarp, on, announce, published, conflict, guard, bridge);
    }

    public LinkPolicy withAnnounce(boolean on) {
        return new LinkPolicy(mode, rarp, inarp, on, published, conflict, guard, bridge);
    }

    public LinkPolicy withPublished(List<PublishedEntry> entries) {
        return new LinkPolicy(mode, rarp, inarp, announce, entries, conflict, guard, bridge);
    }

    public LinkPolicy withConflict(ConflictPolicy c) {
        return new LinkPolicy(mode, rarp, inarp, announce, published, c, guard, bridge);
    }

    public LinkPolicy withGuard(GuardPolicy g) {
        return new LinkPolicy(mode, rarp, inarp, announce, published, conflict, g, bridge);
    }

    public LinkPolicy withBridge(boolean on) {
        return new LinkPolicy(mode, rarp, inarp, announce, published, conflict, guard, on);
    }
}
