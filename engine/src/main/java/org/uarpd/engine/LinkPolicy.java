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
 */
public record LinkPolicy(LinkMode mode, boolean rarp, boolean inarp, boolean announce, List<PublishedEntry> published) {
    public LinkPolicy {
        Objects.requireNonNull(mode, "mode");
        published = List.copyOf(published);
    }

    public static LinkPolicy authoritative() {
        return new LinkPolicy(LinkMode.AUTHORITATIVE, false, true, false, List.of());
    }

    public static LinkPolicy assist() {
        return new LinkPolicy(LinkMode.ASSIST, false, true, false, List.of());
    }

    public LinkPolicy withRarp(boolean on) {
        return new LinkPolicy(mode, on, inarp, announce, published);
    }

    public LinkPolicy withInarp(boolean on) {
        return new LinkPolicy(mode, rarp, on, announce, published);
    }

    public LinkPolicy withAnnounce(boolean on) {
        return new LinkPolicy(mode, rarp, inarp, on, published);
    }

    public LinkPolicy withPublished(List<PublishedEntry> entries) {
        return new LinkPolicy(mode, rarp, inarp, announce, entries);
    }
}
