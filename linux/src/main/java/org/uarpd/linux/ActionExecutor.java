package org.uarpd.linux;

import java.nio.ByteBuffer;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.EthernetHeader;

/**
 * Carries out the engine's {@link Action}s: frames go out of the link's ARP packet socket, neighbour
 * entries are written with rtnetlink (rtnetlink(7), {@code RTM_NEWNEIGH} / {@code RTM_DELNEIGH}), and
 * the changes that must be put back on exit — host routes, addresses given up — go through the
 * {@link HostJournal}. Where they land is a {@link Target}: the host ({@link #onHost}), or the
 * {@link WarmUp}, which stages each one the same way and drops it. A refused request is counted and
 * logged; it never stops the loop. Runs on the loop thread only; nothing is allocated per action
 * unless the log wants lines.
 */
final class ActionExecutor implements ActionSink {
    /** Where carried-out actions land. */
    interface Target {
        /** Sends {@code frame} on {@code link}; false when the link has no socket (gone). */
        boolean transmit(int link, ByteBuffer frame);

        /** {@code lladdr[0, length)} for {@code address} on {@code link}, in kernel state {@code nud}. */
        void installNeighbor(int link, int address, byte[] lladdr, int length, int nud);

        void removeNeighbor(int link, int address, boolean failed);

        void addHostRoute(int link, String linkName, int address);

        void removeHostRoute(int link, String linkName, int address);

        void removeAddress(int link, String linkName, int address, int prefixLength);

        /**
         * {@code lladdr[0, length)} for the IPv6 {@code address[0, 16)} on {@code link}, in kernel state
         * {@code nud}, a router's (NTF_ROUTER) when {@code router}.
         */
        void installNeighbor6(int link, byte[] address, byte[] lladdr, int length, int nud, boolean router);

        void removeNeighbor6(int link, byte[] address, boolean failed);

        void removeAddress6(int link, String linkName, byte[] address, int prefixLength);

        /** Removes the default route learnt from the Router Advertisements of {@code router[0, 16)} on {@code link}. */
        void removeDefaultRouter6(int link, byte[] router);
    }

    private static final int WARNINGS_PER_SECOND = 20;

    private final LinkTable links;
    private long warnWindow = System.nanoTime() - 1_000_000_000L;
    private int warningsInWindow;
    private long warningsLeftOut;
    private final Target target;
    private final EventLog log;
    private final byte[] lladdr = new byte[32];
    private final byte[] address6 = new byte[16];
    private long droppedFrames;
    private long installErrors;

    ActionExecutor(LinkTable links, Target target, EventLog log) {
        this.links = links;
        this.target = target;
        this.log = log;
    }

    /** An executor whose actions land on the host: packet sockets of {@code links}, {@code rtnl}, {@code journal}. */
    static ActionExecutor onHost(LinkTable links, Rtnetlink rtnl, HostJournal journal, EventLog log) {
        return new ActionExecutor(links, new Host(links, rtnl, journal), log);
    }

    /**
     * The host's own target over {@code links}, for its transmissions only: the {@link WarmUp} sends
     * through it on sockets that reach no wire ({@link RehearsalLink}), and stages everything else.
     */
    static Target transmitter(LinkTable links) {
        return new Host(links, null, null);
    }

    @Override
    public void accept(Action action) {
        try {
            switch (action) {
                case Action.Transmit t -> transmit(t);
                case Action.InstallNeighbor i -> {
                    int len = i.hardware().length();
                    i.hardware().copyTo(lladdr, 0);
                    target.installNeighbor(i.link(), i.address(), lladdr, len, nud(i.state()));
                    if (log.packets()) LogLines.packet(log, "installed %s at %s on %s (%s)", Ip4.format(i.address()), i.hardware(),
                            links.nameOf(i.link()), i.state());
                }
                case Action.RemoveNeighbor r -> {
                    target.removeNeighbor(r.link(), r.address(), r.failed());
                    if (log.packets()) LogLines.packet(log, "%s %s on %s", r.failed() ? "failed" : "removed", Ip4.format(r.address()),
                            links.nameOf(r.link()));
                }
                case Action.AddHostRoute r -> {
                    target.addHostRoute(r.link(), links.nameOf(r.link()), r.address());
                    LogLines.note(log, "route %s/32 dev %s added", Ip4.format(r.address()), links.nameOf(r.link()));
                }
                case Action.RemoveHostRoute r -> {
                    target.removeHostRoute(r.link(), links.nameOf(r.link()), r.address());
                    LogLines.note(log, "route %s/32 dev %s removed", Ip4.format(r.address()), links.nameOf(r.link()));
                }
                case Action.RemoveAddress r -> {
                    target.removeAddress(r.link(), links.nameOf(r.link()), r.address(), r.prefixLength());
                    LogLines.note(log, "address %s/%d removed from %s (RFC 5227 conflict; put back on exit)", Ip4.format(r.address()),
                            r.prefixLength(), links.nameOf(r.link()));
                }
                case Action.InstallNeighbor6 i -> {
                    int len = i.hardware().length();
                    i.hardware().copyTo(lladdr, 0);
                    i.address().copyTo(address6, 0);
                    target.installNeighbor6(i.link(), address6, lladdr, len, nud(i.state()), i.router());
                    if (log.packets()) LogLines.packet(log, "installed %s at %s on %s (%s%s)", i.address(), i.hardware(),
                            links.nameOf(i.link()), i.state(), i.router() ? ", router" : "");
                }
                case Action.RemoveNeighbor6 r -> {
                    r.address().copyTo(address6, 0);
                    target.removeNeighbor6(r.link(), address6, r.failed());
                    if (log.packets()) LogLines.packet(log, "%s %s on %s", r.failed() ? "failed" : "removed", r.address(),
                            links.nameOf(r.link()));
                }
                case Action.RemoveAddress6 r -> {
                    r.address().copyTo(address6, 0);
                    target.removeAddress6(r.link(), links.nameOf(r.link()), address6, r.prefixLength());
                    LogLines.note(log, "address %s/%d removed from %s (RFC 4862 duplicate; put back on exit)", r.address(),
                            r.prefixLength(), links.nameOf(r.link()));
                }
                case Action.RemoveDefaultRouter6 r -> {
                    r.router().copyTo(address6, 0);
                    target.removeDefaultRouter6(r.link(), address6);
                    LogLines.note(log, "%s on %s is no longer a router (its advertisement says so): its default route removed",
                            r.router(), links.nameOf(r.link()));
                }
                case Action.Emit e -> {
                    EngineEvent ev = e.event();
                    if (ev.kind() == EngineEvent.Kind.CONFLICT || ev.kind() == EngineEvent.Kind.ALERT) warn(ev);
                    else if (log.packets()) LogLines.packet(log, "%s", LogLines.describe(ev, links::nameOf));
                }
            }
        } catch (NativeCallException e) {
            // One refused request (a vanished interface, a full table) must not stop the loop.
            installErrors++;
            if (action instanceof Action.Transmit t && linkGone(e.errno())) {
                // The interface was deleted or went down after the engine decided to send: the
                // rtnetlink notice of that is already queued, and the engine forgets the link with it.
                LogLines.note(log, "frame not sent on %s: the interface %s meanwhile", links.nameOf(t.link()),
                        e.errno() == Errno.ENETDOWN ? "went down" : "went away");
            } else {
                LogLines.note(log, "error: %s (while carrying out %s)", e.getMessage(), action);
            }
        }
    }

    /**
     * The events this executor does something with: conflicts and guard alerts (always warned), and
     * every event while the log wants packet lines. For the others the engine builds no event at all,
     * so an answered request allocates nothing here.
     */
    @Override
    public boolean wants(EngineEvent.Kind kind) {
        return kind == EngineEvent.Kind.CONFLICT || kind == EngineEvent.Kind.ALERT || log.packets();
    }

    /** The errors of a link that went down or away meanwhile: its rtnetlink message reports that, no warning needed. */
    static boolean linkGone(int errno) {
        return errno == Errno.ENXIO || errno == Errno.ENODEV || errno == Errno.ENETDOWN;
    }

    /**
     * An address conflict (defended, yielded, lost) or a guard alert is never silent: a warning at the
     * default level with the reason, the address, the device, the other station's MAC and ours. At most
     * {@link #WARNINGS_PER_SECOND} a second, so a flood of spoofed frames cannot flood the log; the
     * number left out is said with the next one.
     */
    private void warn(EngineEvent ev) {
        long now = System.nanoTime();
        if (now - warnWindow >= 1_000_000_000L) {
            warnWindow = now;
            warningsInWindow = 0;
        }
        if (++warningsInWindow > WARNINGS_PER_SECOND) {
            warningsLeftOut++;
            return;
        }
        LinkTable.Entry l = links.byIndex(ev.link());
        String ours = l == null || l.hardware == null ? "?" : Rtnetlink.mac(l.hardware);
        String leftOut = warningsLeftOut == 0 ? "" : " [" + warningsLeftOut + " such warnings left out before this one]";
        warningsLeftOut = 0;
        // A guard alert names the binding believed before; a conflict names our own address.
        String second = ev.kind() == EngineEvent.Kind.ALERT && ev.knownHardware() != null ? "believed " + ev.knownHardware() : "ours " + ours;
        String address = ev.address6() != null ? ev.address6().toString() : ev.address() == 0 ? "-" : Ip4.format(ev.address());
        LogLines.note(log, "warning: %s %s: %s dev %s, other station %s, %s%s%s",
                ev.kind().name().toLowerCase(), ev.reason().name().toLowerCase().replace('_', ' '),
                address, links.nameOf(ev.link()),
                ev.hardware() == null ? "?" : ev.hardware(), second, ev.detail() == null ? "" : " (" + ev.detail() + ")", leftOut);
    }

    private void transmit(Action.Transmit t) {
        if (log.packets()) {
            ByteBuffer b = t.frame();
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            LogLines.packet(log, "%s: sent %s", links.nameOf(t.link()), LogLines.describe(copy, 0, copy.length));
        }
        if (!target.transmit(t.link(), t.frame())) {
            droppedFrames++;
            LogLines.note(log, "error: no socket to send on for ifindex %d (link gone?)", t.link());
        }
    }

    /** The kernel's NUD_ state for an engine state; the kernel's own DELAY and PROBE are entered from STALE. */
    static int nud(NeighborState s) {
        return switch (s) {
            case REACHABLE -> Rtnetlink.NUD_REACHABLE;
            case STATIC -> Rtnetlink.NUD_PERMANENT;
            case STALE, DELAY, PROBE -> Rtnetlink.NUD_STALE;
            case INCOMPLETE -> Rtnetlink.NUD_INCOMPLETE;
            case FAILED -> Rtnetlink.NUD_FAILED;
        };
    }

    /** Frames the engine asked to send on a link that was gone. */
    long droppedFrames() {
        return droppedFrames;
    }

    /** Requests the kernel refused while carrying out actions. */
    long installErrors() {
        return installErrors;
    }

    /** The real host: the link's packet sockets, rtnetlink, and the journal for what must be put back. */
    private record Host(LinkTable links, Rtnetlink rtnl, HostJournal journal) implements Target {
        @Override
        public boolean transmit(int link, ByteBuffer frame) {
            LinkTable.Entry l = links.byIndex(link);
            if (l == null || l.arp == null) return false;
            // An IPv6 frame leaves by the IPv6 socket, so the kernel tags it with the EtherType it carries.
            boolean ipv6 = frame.remaining() >= EthernetHeader.HEADER
                    && (frame.getShort(frame.position() + EthernetHeader.TYPE) & 0xFFFF) == NdFilter.ETH_P_IPV6;
            (ipv6 && l.nd != null ? l.nd : l.arp).send(frame);
            return true;
        }

        @Override
        public void installNeighbor(int link, int address, byte[] lladdr, int length, int nud) {
            rtnl.installNeighbor(link, address, lladdr, length, nud);
        }

        @Override
        public void removeNeighbor(int link, int address, boolean failed) {
            if (failed) rtnl.failNeighbor(link, address);
            else rtnl.deleteNeighbor(link, address);
        }

        @Override
        public void addHostRoute(int link, String linkName, int address) {
            journal.addHostRoute(link, linkName, address);
        }

        @Override
        public void removeHostRoute(int link, String linkName, int address) {
            journal.removeHostRoute(link, linkName, address);
        }

        @Override
        public void removeAddress(int link, String linkName, int address, int prefixLength) {
            journal.removeAddress(link, linkName, address, prefixLength);
        }

        @Override
        public void installNeighbor6(int link, byte[] address, byte[] lladdr, int length, int nud, boolean router) {
            rtnl.installNeighbor6(link, address, lladdr, length, nud, router);
        }

        @Override
        public void removeNeighbor6(int link, byte[] address, boolean failed) {
            rtnl.removeNeighbor6(link, address, failed);
        }

        @Override
        public void removeAddress6(int link, String linkName, byte[] address, int prefixLength) {
            journal.removeAddress6(link, linkName, address, prefixLength);
        }

        @Override
        public void removeDefaultRouter6(int link, byte[] router) {
            RouteMessages.deleteRaDefault(rtnl.requests, link, router);
        }
    }
}
