package org.uarpd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The links the engine knows, by the backend's id (ifindex). */
final class Links {
    /** Link ids below this are kept in an array; rarer larger (or negative) ones in a map. */
    private static final int DIRECT_LINK_IDS = 1 << 16;

    private Link[] byId = new Link[16];
    private final Map<Integer, Link> far = new HashMap<>();

    Link get(int id) {
        if (id >= 0 && id < byId.length) return byId[id];
        return far.get(id);
    }

    void put(Link l) {
        int id = l.id;
        if (id >= 0 && id < DIRECT_LINK_IDS) {
            // Capped, so that get() and this choose the same place for every id: an array longer
            // than DIRECT_LINK_IDS would hide the links kept in the map behind its null slots.
            if (id >= byId.length) byId = Arrays.copyOf(byId, Math.min(DIRECT_LINK_IDS, Math.max(id + 1, byId.length * 2)));
            byId[id] = l;
        } else {
            far.put(id, l);
        }
    }

    void remove(int id) {
        if (id >= 0 && id < byId.length) byId[id] = null; else far.remove(id);
    }

    /** Every link, as a fresh list (callers may change links while walking it). */
    List<Link> all() {
        List<Link> all = new ArrayList<>();
        for (Link x : byId) if (x != null) all.add(x);
        all.addAll(far.values());
        return all;
    }

    /** The link called {@code name}, or null. */
    Link named(String name) {
        for (Link x : byId) if (x != null && name.equals(x.name)) return x;
        for (Link x : far.values()) if (name.equals(x.name)) return x;
        return null;
    }

    /** RFC 1027: {@code target} is reached through another of our links (on its subnet), not {@code asking}. */
    boolean routedElsewhere(Link asking, int target) {
        for (Link other : byId) {
            if (other != null && other != asking && other.up && other.onSubnet(target) && !other.owns(target)) return true;
        }
        for (Link other : far.values()) {
            if (other != asking && other.up && other.onSubnet(target) && !other.owns(target)) return true;
        }
        return false;
    }
}
