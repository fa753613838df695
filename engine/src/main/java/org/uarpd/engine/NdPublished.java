package org.uarpd.engine;

import java.util.List;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;

/**
 * IPv6 addresses uarpd answers neighbour solicitations for although the host does not hold them
 * (proxy neighbour discovery, RFC 4861 §7.2.8): a prefix ({@code /128} for one address) minus
 * exclusions. Answers carry Override clear, so that the real owner's own advertisement wins
 * (RFC 4861 §7.2.8, RFC 4389 §4.1.3). When several cover a target, the longest prefix answers, and
 * entries of the asking link before those published on every link.
 *
 * @param range    the addresses covered
 * @param excluded addresses inside {@code range} not answered for
 * @param hardware the link-layer address to answer with; null for the link's own
 */
public record NdPublished(Cidr6 range, List<Cidr6> excluded, HardwareAddress hardware) {
    public NdPublished {
        Objects.requireNonNull(range, "range");
        excluded = List.copyOf(excluded);
    }

    public static NdPublished of(Cidr6 range, Cidr6... excluded) {
        return new NdPublished(range, List.of(excluded), null);
    }

    public NdPublished withHardware(HardwareAddress hw) {
        return new NdPublished(range, excluded, hw);
    }

    boolean covers(long high, long low) {
        if (!range.contains(high, low)) return false;
        for (Cidr6 x : excluded) {
            if (x.contains(high, low)) return false;
        }
        return true;
    }
}
