package org.uarpd.daemon;

import java.util.ArrayList;
import java.util.List;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.Ip4;

/** The addresses the warm-up asks for, so the published-entry path is compiled before the takeover too. */
final class RehearsalSamples {
    private RehearsalSamples() {
    }

    /** One address from each published entry of {@code policy}, for the rehearsal to ask for. */
    static int[] of(LinkPolicy policy) {
        List<Integer> out = new ArrayList<>();
        for (PublishedEntry e : policy.published()) {
            switch (e.target()) {
                case PublishedEntry.Target.Address a -> out.add(a.address());
                case PublishedEntry.Target.Range r -> {
                    long first = r.range().network() & 0xFFFFFFFFL;
                    long last = first | (~Ip4.mask(r.range().prefixLength()) & 0xFFFFFFFFL);
                    for (long a = first; a <= last; a++) {
                        int candidate = (int) a;
                        if (r.excluded().stream().noneMatch(x -> x.contains(candidate))) {
                            out.add(candidate);
                            break;
                        }
                    }
                }
                case PublishedEntry.Target.RoutedElsewhere x -> { }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
