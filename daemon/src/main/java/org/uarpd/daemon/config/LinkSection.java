package org.uarpd.daemon.config;

import java.util.ArrayList;
import java.util.List;
import org.uarpd.engine.ConflictPolicy;
import org.uarpd.engine.GuardPolicy;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.NdLinkPolicy;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry;

/**
 * {@code [links.NAME]}: one interface uarpd runs on, its mode, what it publishes there, whether it is
 * bridged, and its {@code conflict} (RFC 5227) and {@code guard} sub-tables.
 *
 * @param published6 the IPv6 entries of its {@code [[links.NAME.publish]]} tables, answered by
 *                   neighbour discovery ({@link #ndPolicy})
 * @param nd         its neighbour discovery keys ({@code nd-router}, {@code unsolicited-na}); its
 *                   published entries are {@code published6}'s
 */
public record LinkSection(String name, LinkPolicy policy, List<NdPublished> published6, NdLinkPolicy nd) {
    public LinkSection {
        published6 = List.copyOf(published6);
        java.util.Objects.requireNonNull(nd, "nd");
    }

    public LinkSection(String name, LinkPolicy policy) {
        this(name, policy, List.of(), NdLinkPolicy.defaults());
    }

    /** The same link with {@code policy} and {@code entries} as its IPv6 published entries, its ND keys kept. */
    public LinkSection with(LinkPolicy p, List<NdPublished> entries) {
        return new LinkSection(name, p, entries, nd);
    }

    /** Reads {@code [links.NAME]}; {@code links} are the names of every link of the file (what a publish entry's {@code via} may name). */
    static LinkSection read(String name, Fields f, java.util.Set<String> links) {
        if (!name.matches("[^/\\s]{1,15}")) {
            f.error(null, "\"" + name + "\" is not an interface name; expected 1 to 15 characters without '/' or spaces");
        }
        LinkMode mode = mode(f.choice("mode", "a mode", MODES, "authoritative"));
        boolean rarp = f.bool("rarp", false);
        boolean inarp = f.bool("inarp", true);
        boolean announce = f.bool("announce", false);
        boolean bridge = f.bool("bridge", false);
        if (bridge && mode != LinkMode.AUTHORITATIVE) {
            f.error("bridge", "needs mode = \"authoritative\" (uarpd must answer and install routes on a bridged link); expected bridge = false or mode = \"authoritative\"");
        }
        Fields conflictTable = f.table("conflict");
        ConflictPolicy conflict = conflictTable == null ? ConflictPolicy.reportOnly() : ConflictSection.read(conflictTable);
        Fields guardTable = f.table("guard");
        GuardPolicy guard = guardTable == null ? GuardPolicy.off() : GuardSection.read(guardTable);
        boolean router = f.bool("nd-router", false);
        String unsolicited = f.choice("unsolicited-na", "a choice for unsolicited advertisements", UNSOLICITED_NA, "update");
        List<PublishedEntry> published = new ArrayList<>();
        List<NdPublished> published6 = new ArrayList<>();
        for (Fields p : f.tables("publish")) PublishSection.read(p, name, published, published6, links);
        f.finish();
        NdLinkPolicy nd = NdLinkPolicy.defaults().withRouter(router)
                .withUnsolicited(NdLinkPolicy.Unsolicited.values()[UNSOLICITED_NA.indexOf(unsolicited)]);
        return new LinkSection(name, base(mode).withRarp(rarp).withInarp(inarp).withAnnounce(announce).withPublished(published)
                .withConflict(conflict).withGuard(guard).withBridge(bridge), published6, nd);
    }

    /**
     * The values of {@code unsolicited-na}, in the order of {@link NdLinkPolicy.Unsolicited}: what an
     * unsolicited advertisement does (RFC 9131 §3; Linux drop_unsolicited_na=1, the default,
     * accept_untracked_na=1 and =2, the last two only with {@code nd-router = true} as Linux only
     * with forwarding).
     */
    public static final List<String> UNSOLICITED_NA = List.of("ignore", "update", "create", "create-on-link");

    /** Neighbour discovery's policy for this link: its ND keys, answering for {@link #published6}. */
    public NdLinkPolicy ndPolicy() {
        return nd.withPublished(published6);
    }

    public LinkMode mode() {
        return policy.mode();
    }

    /** The values of {@code mode} (and of {@code --mode}), each a {@link LinkMode} in lower case. */
    public static final List<String> MODES = List.of("authoritative", "assist", "answer");

    /** The {@link LinkMode} named by one of {@link #MODES} (in any case), or null for another name. */
    public static LinkMode mode(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return MODES.contains(lower) ? LinkMode.valueOf(lower.toUpperCase(java.util.Locale.ROOT)) : null;
    }

    /** A link's policy in {@code mode} before the link's own keys: answers InARP, the rest off. */
    public static LinkPolicy base(LinkMode mode) {
        return new LinkPolicy(mode, false, true, false, List.of());
    }
}
