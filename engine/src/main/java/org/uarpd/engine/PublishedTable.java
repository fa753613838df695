package org.uarpd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.uarpd.engine.PublishedEntry.Target;

/**
 * The published entries of one scope (one link, or every link), arranged for the answer path: single
 * addresses in an open-addressing hash keyed by the address, so thousands of them cost one probe;
 * ranges in order of decreasing prefix length; proxy entries last. The most specific entry wins:
 * an address, then the longest range, then proxy ARP. Publishing an address again replaces the
 * earlier entry for it.
 */
final class PublishedTable {
    /** An entry with its answering hardware address as bytes (null: the link's own). */
    record Slot(PublishedEntry entry, byte[] hardware, Reason why) {
        enum Reason { PUBLISHED, PROXY }
    }

    /** What a proxy entry needs to know: is {@code target} reached through another of our links? */
    interface Routes {
        boolean routedElsewhere(Link asking, int target);
    }

    private int[] keys = new int[8];
    private Slot[] slots = new Slot[8];
    private int count;
    private Slot[] ranges = new Slot[0];
    private Slot[] proxies = new Slot[0];

    boolean isEmpty() {
        return count == 0 && ranges.length == 0 && proxies.length == 0;
    }

    void add(PublishedEntry e) {
        Slot s = new Slot(e, e.hardware() == null ? null : e.hardware().toByteArray(),
                e.target() instanceof Target.RoutedElsewhere ? Slot.Reason.PROXY : Slot.Reason.PUBLISHED);
        switch (e.target()) {
            case Target.Address a -> put(a.address(), s);
            case Target.Range r -> {
                List<Slot> l = new ArrayList<>(Arrays.asList(ranges));
                l.add(s);
                // Stable sort: among equal prefixes the earlier entry stays first.
                l.sort(Comparator.comparingInt((Slot x) -> -((Target.Range) x.entry().target()).range().prefixLength()));
                ranges = l.toArray(new Slot[0]);
            }
            case Target.RoutedElsewhere p -> {
                proxies = Arrays.copyOf(proxies, proxies.length + 1);
                proxies[proxies.length - 1] = s;
            }
        }
    }

    /** Removes an entry equal to {@code e}; true if there was one. */
    boolean remove(PublishedEntry e) {
        switch (e.target()) {
            case Target.Address a -> {
                int i = find(a.address());
                if (i < 0 || !slots[i].entry().equals(e)) return false;
                delete(i);
                return true;
            }
            case Target.Range r -> {
                Slot[] next = without(ranges, e);
                boolean removed = next.length != ranges.length;
                ranges = next;
                return removed;
            }
            case Target.RoutedElsewhere p -> {
                Slot[] next = without(proxies, e);
                boolean removed = next.length != proxies.length;
                proxies = next;
                return removed;
            }
        }
    }

    /** The entry answering for {@code target} on {@code asking}, or null. */
    Slot match(int target, Link asking, Routes routes) {
        if (count > 0) {
            int i = find(target);
            if (i >= 0) return slots[i];
        }
        for (Slot s : ranges) {
            Target.Range r = (Target.Range) s.entry().target();
            if (r.range().contains(target) && !excluded(r, target)) return s;
        }
        // The test does not depend on the entry: the first proxy entry answers, or none does.
        if (proxies.length > 0 && !asking.onSubnet(target) && routes.routedElsewhere(asking, target)) return proxies[0];
        return null;
    }

    private static boolean excluded(Target.Range r, int target) {
        for (Cidr x : r.excluded()) {
            if (x.contains(target)) return true;
        }
        return false;
    }

    private static Slot[] without(Slot[] from, PublishedEntry e) {
        for (int i = 0; i < from.length; i++) {
            if (from[i].entry().equals(e)) {
                Slot[] out = new Slot[from.length - 1];
                System.arraycopy(from, 0, out, 0, i);
                System.arraycopy(from, i + 1, out, i, from.length - i - 1);
                return out;
            }
        }
        return from;
    }

    // -- the address hash: linear probing, backward-shift deletion ------------------------------

    private static int home(int key, int mask) {
        return (key * 0x9E3779B9) >>> 7 & mask;
    }

    private int find(int key) {
        int mask = keys.length - 1;
        for (int i = home(key, mask); slots[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) return i;
        }
        return -1;
    }

    private void put(int key, Slot s) {
        int i = find(key);
        if (i >= 0) {
            slots[i] = s;
            return;
        }
        if ((count + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        i = home(key, mask);
        while (slots[i] != null) i = (i + 1) & mask;
        keys[i] = key;
        slots[i] = s;
        count++;
    }

    private void grow() {
        int[] oldKeys = keys;
        Slot[] oldSlots = slots;
        keys = new int[oldKeys.length * 2];
        slots = new Slot[oldKeys.length * 2];
        count = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldSlots[i] != null) put(oldKeys[i], oldSlots[i]);
        }
    }

    private void delete(int hole) {
        int mask = keys.length - 1;
        slots[hole] = null;
        count--;
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int h = home(keys[i], mask);
            if (((i - h) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                slots[hole] = slots[i];
                slots[i] = null;
                hole = i;
            }
        }
    }
}
