package org.uarpd.engine;

import java.util.List;
import java.util.Objects;

/**
 * What uarpd does on one link, chosen in {@link EngineConfig} by the link's name.
 *
 * @param mode      authoritative or assist (see {@link LinkMode})
 * @param rarp      answer RARP requests (RFC 903) from the ethers table
 * @param inarp     answer Inverse ARP requests (RFC 2390) addressed to this link
 * @param published entries answered on this link from the start (more come by {@link OperatorCommand.Publish})
 */
public record LinkPolicy(LinkMode mode, boolean rarp, boolean inarp, List<PublishedEntry> published) {
    public LinkPolicy {
        Objects.requireNonNull(mode, "mode");
        published = List.copyOf(published);
    }

    public static LinkPolicy authoritative() {
        return new LinkPolicy(LinkMode.AUTHORITATIVE, false, true, List.of());
    }

    public static LinkPolicy assist() {
        return new LinkPolicy(LinkMode.ASSIST, false, true, List.of());
    }

    public LinkPolicy withRarp(boolean on) {
        return new LinkPolicy(mode, on, inarp, published);
    }

    public LinkPolicy withInarp(boolean on) {
        return new LinkPolicy(mode, rarp, on, published);
    }

    public LinkPolicy withPublished(List<PublishedEntry> entries) {
        return new LinkPolicy(mode, rarp, inarp, entries);
    }
}
