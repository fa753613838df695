package org.uarpd.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.uarpd.engine.Input;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;

/**
 * Turns what the kernel says over rtnetlink into engine {@link Input}s: a miss ({@code RTM_GETNEIGH}
 * from {@code app_solicit}, rtnetlink(7)) becomes {@link Input.KernelMiss}; a neighbour entry someone
 * else changed, {@link Input.KernelNeighborChanged}; the host's addresses and the configured links
 * coming, changing and going, the matching inputs. IPv6 messages become the {@code …6} inputs the
 * same way; an IPv6 address counts as the host's once its duplicate address detection (RFC 4862
 * §5.4) has passed, and stops counting when it fails. Messages about interfaces uarpd was not given are
 * dropped here, and so are the echoes of uarpd's own requests (their {@code nlmsg_pid} is our port
 * id, netlink(7)): the engine already knows what it asked for.
 *
 * <p>No socket and no native call: it reads bytes through a {@link NetlinkReader} and hands inputs to
 * a consumer, so it is tested from crafted messages without privileges. What must touch the host when
 * a configured link goes or comes back is asked of the {@link Host}.
 */
final class KernelTranslator {
    /** What the translator needs done outside itself when configured links come and go. */
    interface Host {
        /** A configured interface came back under a new ifindex: take it over and open its sockets; false if that failed. */
        boolean takeBack(LinkTable.Entry link);

        /**
         * A configured interface was removed ({@code renamedTo} null) or renamed away: close its
         * sockets and let go of everything uarpd set on it.
         */
        void released(LinkTable.Entry link, String renamedTo);

        /** Dump links' addresses and neighbours again and hand them to {@link #resynced}. */
        void resync(String why);
    }

    private final LinkTable links;
    private final Consumer<Input> engine;
    private final Host host;
    private final EventLog log;
    /** The host's addresses on configured links: link << 32 | address (unsigned). */
    private final Set<Long> addresses = new HashSet<>();
    /** The host's usable IPv6 addresses on configured links, with their prefix lengths. */
    private final Map<Address6Key, Integer> addresses6 = new HashMap<>();

    private record Address6Key(int link, Ip6Address address) {}

    KernelTranslator(LinkTable links, Consumer<Input> engine, Host host, EventLog log) {
        this.links = links;
        this.engine = engine;
        this.host = host;
        this.log = log;
    }

    /**
     * Translates every message of one received datagram ({@code r} freshly reset on it), skipping
     * those that carry {@code ownPortId}, the port id of the socket uarpd makes its requests on.
     */
    void datagram(NetlinkReader r, int ownPortId) {
        while (r.next()) {
            if (r.pid() == ownPortId) continue;
            KernelMessage m = Rtnetlink.decode(r);
            if (m != null) message(m);
        }
    }

    /** Translates one decoded message (a notification, or one line of a dump). */
    void message(KernelMessage m) {
        switch (m) {
            case KernelMessage.Neighbor nb -> {
                if (links.byIndex(nb.link()) == null) return;
                if (nb.isMiss()) miss(nb);
                else neighbor(nb);
            }
            case KernelMessage.Address a -> {
                if (links.byIndex(a.link()) == null) return;
                address(a);
            }
            case KernelMessage.Neighbor6 nb -> {
                if (links.byIndex(nb.link()) == null) return;
                if (nb.isMiss()) miss6(nb);
                else neighbor6(nb);
            }
            case KernelMessage.Address6 a -> {
                if (links.byIndex(a.link()) == null) return;
                address6(a);
            }
            case KernelMessage.Link l -> link(l);
            case KernelMessage.Route6 r -> engine.accept(new Input.RouteChanged6(r.link(), r.prefix(), r.metric(), r.removed()));
        }
    }

    private void miss6(KernelMessage.Neighbor6 nb) {
        if (log.packets()) LogLines.packet(log, "kernel miss %s on %s (%s, probes %d)", nb.address(),
                links.nameOf(nb.link()), Rtnetlink.stateName(nb.state()), nb.probes());
        HardwareAddress known = nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
        engine.accept(new Input.KernelMiss6(nb.link(), nb.address(), Math.max(0, nb.probes()), known));
    }

    private void neighbor6(KernelMessage.Neighbor6 nb) {
        boolean deleted = nb.type() == Rtnetlink.RTM_DELNEIGH;
        NeighborState state = deleted ? null : neighborState(nb.state());
        if (!deleted && state == null) return; // NOARP (multicast), NONE: not neighbour discovery's business
        HardwareAddress hw = deleted || nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
        if (log.packets()) LogLines.packet(log, "kernel neighbour %s on %s %s%s", nb.address(), links.nameOf(nb.link()),
                deleted ? "deleted" : Rtnetlink.stateName(nb.state()), hw != null ? " " + hw : "");
        engine.accept(new Input.KernelNeighborChanged6(nb.link(), nb.address(), hw, state, (nb.flags() & Rtnetlink.NTF_ROUTER) != 0));
    }

    /**
     * A tentative address is not the host's yet (RFC 4862 §5.4: it must not be answered for while its
     * DAD runs); the kernel says so again when DAD ends, passed or failed.
     */
    private void address6(KernelMessage.Address6 a) {
        address6(a, false);
    }

    /** {@code dumped}: the address comes from a dump, where a valid one is long past its DAD ({@link Input.AddressAdded6#valid}). */
    private void address6(KernelMessage.Address6 a, boolean dumped) {
        Address6Key key = new Address6Key(a.link(), a.address());
        if (a.added() && !a.tentative() && !a.dadFailed()) {
            if (addresses6.put(key, a.prefixLength()) == null) {
                LogLines.note(log, "address %s/%d on %s", a.address(), a.prefixLength(), links.nameOf(a.link()));
            }
            engine.accept(new Input.AddressAdded6(a.link(), a.address(), a.prefixLength(), dumped));
        } else if (addresses6.remove(key) != null) {
            LogLines.note(log, "address %s/%d %s %s", a.address(), a.prefixLength(),
                    a.dadFailed() ? "failed duplicate address detection on" : "removed from", links.nameOf(a.link()));
            engine.accept(new Input.AddressRemoved6(a.link(), a.address(), a.prefixLength()));
        }
    }

    private void miss(KernelMessage.Neighbor nb) {
        if (log.packets()) LogLines.packet(log, "kernel miss %s on %s (%s, probes %d)", Ip4.format(nb.address()),
                links.nameOf(nb.link()), Rtnetlink.stateName(nb.state()), nb.probes());
        // A NUD_PROBE re-check carries the address it doubts; a new resolution carries none.
        HardwareAddress known = nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
        engine.accept(new Input.KernelMiss(nb.link(), nb.address(), Math.max(0, nb.probes()), known));
    }

    private void neighbor(KernelMessage.Neighbor nb) {
        boolean deleted = nb.type() == Rtnetlink.RTM_DELNEIGH;
        NeighborState state = deleted ? null : neighborState(nb.state());
        if (!deleted && state == null) return; // NOARP, NONE: not ARP's business
        HardwareAddress hw = deleted || nb.hardware() == null ? null : HardwareAddress.of(nb.hardware());
        if (log.packets()) LogLines.packet(log, "kernel neighbour %s on %s %s%s", Ip4.format(nb.address()), links.nameOf(nb.link()),
                deleted ? "deleted" : Rtnetlink.stateName(nb.state()), hw != null ? " " + hw : "");
        engine.accept(new Input.KernelNeighborChanged(nb.link(), nb.address(), hw, state));
    }

    static NeighborState neighborState(int nud) {
        return switch (nud) {
            case Rtnetlink.NUD_INCOMPLETE -> NeighborState.INCOMPLETE;
            case Rtnetlink.NUD_REACHABLE -> NeighborState.REACHABLE;
            case Rtnetlink.NUD_STALE -> NeighborState.STALE;
            case Rtnetlink.NUD_DELAY -> NeighborState.DELAY;
            case Rtnetlink.NUD_PROBE -> NeighborState.PROBE;
            case Rtnetlink.NUD_FAILED -> NeighborState.FAILED;
            case Rtnetlink.NUD_PERMANENT -> NeighborState.STATIC;
            default -> null;
        };
    }

    private void address(KernelMessage.Address a) {
        long key = key(a.link(), a.address());
        if (a.added()) {
            if (addresses.add(key)) LogLines.note(log, "address %s/%d on %s", Ip4.format(a.address()), a.prefixLength(), links.nameOf(a.link()));
            engine.accept(new Input.AddressAdded(a.link(), a.address(), a.prefixLength()));
        } else {
            addresses.remove(key);
            LogLines.note(log, "address %s/%d removed from %s", Ip4.format(a.address()), a.prefixLength(), links.nameOf(a.link()));
            engine.accept(new Input.AddressRemoved(a.link(), a.address(), a.prefixLength()));
        }
    }

    private void link(KernelMessage.Link l) {
        LinkTable.Entry mine = links.byIndex(l.link());
        if (mine == null) {
            // A configured name under a new ifindex: the interface was deleted and made again.
            LinkTable.Entry back = l.removed() || l.name() == null ? null : links.byName(l.name());
            if (back != null && back.index == 0) reappeared(back, l);
            return;
        }
        // Renamed, the interface is no longer the configured one: as good as removed for uarpd.
        String renamedTo = !l.removed() && l.name() != null && !l.name().equals(mine.name) ? l.name() : null;
        if (l.removed() || renamedTo != null) {
            if (renamedTo == null) {
                LogLines.note(log, "link %s removed: its sockets are closed until an interface of that name comes back", mine.name);
            } else {
                LogLines.note(log, "link %s renamed to %s: released with its settings back, until an interface called %s comes back",
                        mine.name, renamedTo, mine.name);
            }
            engine.accept(new Input.LinkRemoved(l.link()));
            host.released(mine, renamedTo);
            addresses.removeIf(key -> (int) (key >>> 32) == mine.index);
            addresses6.keySet().removeIf(key -> key.link() == mine.index);
            mine.index = 0;
            LinkTable.Entry other = renamedTo == null ? null : links.byName(renamedTo);
            if (other != null && other.index == 0) reappeared(other, l);
        } else {
            if (l.hardware() != null && l.hardware().length == 6) mine.hardware = l.hardware();
            engine.accept(new Input.LinkChanged(l.link(), mine.name, Ethernet.INSTANCE, mine.hardwareAddress(), l.up()));
        }
    }

    private void reappeared(LinkTable.Entry l, KernelMessage.Link m) {
        if (m.hardware() == null || m.hardware().length != 6) return; // only Ethernet is supported
        l.index = m.link();
        l.hardware = m.hardware();
        if (!host.takeBack(l)) {
            l.index = 0;
            return;
        }
        LogLines.note(log, "link %s is back as index %d", l.name, l.index);
        engine.accept(new Input.LinkChanged(l.index, l.name, Ethernet.INSTANCE, l.hardwareAddress(), m.up()));
        host.resync("link " + l.name + " back");
    }

    /**
     * Brings the engine up to date from dumps: addresses (removals of ones it knew included),
     * neighbours, and unresolved entries replayed as misses — so a restart or an overrun of the
     * notification socket loses none.
     */
    void resynced(List<KernelMessage.Address> dumpedAddresses, List<KernelMessage.Neighbor> dumpedNeighbors) {
        Set<Long> gone = new HashSet<>(addresses);
        for (KernelMessage.Address a : dumpedAddresses) {
            if (links.byIndex(a.link()) == null) continue;
            gone.remove(key(a.link(), a.address()));
            address(a);
        }
        for (long key : gone) address(new KernelMessage.Address(false, (int) (key >>> 32), (int) key, 32));
        for (KernelMessage.Neighbor nb : dumpedNeighbors) {
            if (links.byIndex(nb.link()) == null) continue;
            if (nb.state() == Rtnetlink.NUD_INCOMPLETE) {
                LogLines.note(log, "pending resolution %s on %s", Ip4.format(nb.address()), links.nameOf(nb.link()));
                // The kernel's probe count says how often it asked; nobody heard it (uarpd was not
                // running, or the question was lost in an overrun), so no request went out for it:
                // the replayed miss starts a full resolution instead of inheriting a spent budget.
                engine.accept(new Input.KernelMiss(nb.link(), nb.address(), 0, null));
            } else {
                neighbor(nb);
            }
        }
    }

    /**
     * {@link #resynced} for IPv6: the dumps of IPv6 addresses, neighbours and routes (every interface's
     * routes: a proxy entry answers by whether the route leaves by another one, configured or not).
     */
    void resynced6(List<KernelMessage.Address6> dumpedAddresses, List<KernelMessage.Neighbor6> dumpedNeighbors,
                   List<KernelMessage.Route6> dumpedRoutes) {
        engine.accept(new Input.RoutesReset6());
        for (KernelMessage.Route6 r : dumpedRoutes) message(r);
        Map<Address6Key, Integer> gone = new HashMap<>(addresses6);
        for (KernelMessage.Address6 a : dumpedAddresses) {
            if (links.byIndex(a.link()) == null) continue;
            if (a.added() && !a.tentative() && !a.dadFailed()) gone.remove(new Address6Key(a.link(), a.address()));
            address6(a, true);
        }
        gone.forEach((key, prefix) -> address6(new KernelMessage.Address6(false, key.link(), key.address(), prefix, false, false)));
        for (KernelMessage.Neighbor6 nb : dumpedNeighbors) {
            if (links.byIndex(nb.link()) == null) continue;
            if (nb.state() == Rtnetlink.NUD_INCOMPLETE) {
                LogLines.note(log, "pending resolution %s on %s", nb.address(), links.nameOf(nb.link()));
                engine.accept(new Input.KernelMiss6(nb.link(), nb.address(), 0, null)); // a full resolution, as for IPv4
            } else {
                neighbor6(nb);
            }
        }
    }

    /** The host's usable IPv6 addresses on {@code link}. */
    List<Ip6Address> addresses6(int link) {
        List<Ip6Address> out = new ArrayList<>();
        for (Address6Key key : addresses6.keySet()) if (key.link() == link) out.add(key.address());
        return out;
    }

    /** The host's addresses on configured links, as (ifindex, address) pairs. */
    List<long[]> addresses() {
        List<long[]> out = new ArrayList<>();
        for (long key : addresses) out.add(new long[] {key >>> 32, key & 0xFFFFFFFFL});
        return out;
    }

    /** One of the host's addresses on {@code link}, or {@code fallback} when it has none. */
    int addressOn(int link, int fallback) {
        for (long key : addresses) if ((int) (key >>> 32) == link) return (int) key;
        return fallback;
    }

    private static long key(int link, int address) {
        return ((long) link << 32) | (address & 0xFFFFFFFFL);
    }
}
