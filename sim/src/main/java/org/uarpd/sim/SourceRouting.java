package org.uarpd.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.link.TokenRing.Header;
import org.uarpd.wire.link.TokenRing.RouteDesignator;
import org.uarpd.wire.link.TokenRing.RoutingInformation;

/**
 * Source routing on one Token Ring interface, done by the driver as Linux's {@code net/802/tr.c}
 * and the BSD token-ring drivers did, below ARP and below uarpd: broadcasts leave as all-routes
 * explorers; the route a frame arrived by is cached per source station, reversed; unicasts to a
 * station with a cached route carry it (IEEE 802.5, 802.1D annex C). Neither the kernel's ARP nor
 * the engine needs to know.
 */
final class SourceRouting {
    static final int SPECIFIC_ROUTE = 0;
    static final int ALL_ROUTES_EXPLORER = 4;
    /** Largest-frame code 3: 4472 bytes, the usual 4 Mbit/s ring. */
    static final int LARGEST_FRAME = 3;

    private final Map<HardwareAddress, RoutingInformation> routes = new HashMap<>();

    /** Remembers how {@code f}'s sender can be reached: the reverse of the route the frame came by. */
    void learn(Frame f) {
        if (!(f.extras() instanceof Header h)) return;
        RoutingInformation rif = h.routing();
        if (rif == null || rif.route().isEmpty()) {
            routes.remove(f.source()); // on our own ring
        } else {
            routes.put(f.source(), new RoutingInformation(SPECIFIC_ROUTE, !rif.backward(), rif.largestFrame(), 0, rif.route()));
        }
    }

    /** The cached route to {@code station}, or null when it is on the local ring (or unknown). */
    RoutingInformation routeTo(HardwareAddress station) {
        return routes.get(station);
    }

    /** {@code frame} as the driver sends it: with an explorer RIF if broadcast, a cached route if known. */
    byte[] outgoing(byte[] frame, HardwareAddress destination) {
        Frame f;
        try {
            f = TokenRing.INSTANCE.decode(frame, 0, frame.length);
        } catch (MalformedFrameException e) {
            return frame;
        }
        Header h = (Header) f.extras();
        if (h.routing() != null) return frame; // the sender chose its own route
        RoutingInformation rif = destination.equals(TokenRing.INSTANCE.broadcast())
                ? new RoutingInformation(ALL_ROUTES_EXPLORER, false, LARGEST_FRAME, 0, List.of())
                : routes.get(destination);
        if (rif == null) return frame;
        return TokenRing.INSTANCE.encode(f.destination(), f.source(), f.protocol(), f.payload(),
                new Header(h.accessControl(), h.frameControl(), rif));
    }

    /**
     * What a source-route bridge from ring {@code in} to ring {@code out} (bridge number
     * {@code bridge}) makes of a frame's RIF: an explorer gets the hop appended (or is dropped when
     * it has been on {@code out} already, or its RIF is full); a specifically routed frame passes
     * when its route crosses this bridge from {@code in} to {@code out}; a frame with no RIF stays
     * on its ring. Returns null when the frame is not forwarded.
     */
    static RoutingInformation forward(RoutingInformation rif, int in, int bridge, int out) {
        if (rif == null) return null;
        List<RouteDesignator> route = rif.route();
        if (rif.broadcastType() == ALL_ROUTES_EXPLORER || rif.broadcastType() == 6) {
            for (RouteDesignator d : route) if (d.ring() == out) return null;
            List<RouteDesignator> next = new ArrayList<>(route);
            if (next.isEmpty()) {
                next.add(new RouteDesignator(in, bridge));
            } else {
                RouteDesignator last = next.removeLast();
                if (last.ring() != in) return null;
                next.add(new RouteDesignator(in, bridge));
            }
            next.add(new RouteDesignator(out, 0));
            if (2 + 2 * next.size() > TokenRing.MAX_RIF_LENGTH) return null;
            return new RoutingInformation(rif.broadcastType(), rif.backward(), rif.largestFrame(), rif.extendedBits(), next);
        }
        // specific route: read in the direction the frame travels
        int n = route.size();
        for (int k = 0; k + 1 < n; k++) {
            RouteDesignator a = rif.backward() ? route.get(n - 1 - k) : route.get(k);
            RouteDesignator b = rif.backward() ? route.get(n - 2 - k) : route.get(k + 1);
            int bridgeNumber = rif.backward() ? b.bridge() : a.bridge();
            if (a.ring() == in && b.ring() == out && bridgeNumber == bridge) return rif;
        }
        return null;
    }
}
