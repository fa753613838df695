package org.uarpd.linux;

import java.nio.ByteBuffer;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.Ip4;

/**
 * Carries out the engine's {@link Action}s on the host: frames go out of the link's ARP packet
 * socket, neighbour entries are written with rtnetlink (rtnetlink(7), {@code RTM_NEWNEIGH} /
 * {@code RTM_DELNEIGH}), and the changes that must be put back on exit — host routes, addresses given
 * up — go through the {@link HostJournal}. A refused request is counted and logged; it never stops
 * the loop. Runs on the loop thread only; nothing is allocated per action unless the log wants lines.
 */
final class ActionExecutor implements ActionSink {
    private final LinkTable links;
    private final Rtnetlink rtnl;
    private final HostJournal journal;
    private final EventLog log;
    private final byte[] lladdr = new byte[32];
    private long droppedFrames;
    private long installErrors;

    ActionExecutor(LinkTable links, Rtnetlink rtnl, HostJournal journal, EventLog log) {
        this.links = links;
        this.rtnl = rtnl;
        this.journal = journal;
        this.log = log;
    }

    @Override
    public void accept(Action action) {
        try {
            switch (action) {
                case Action.Transmit t -> transmit(t);
                case Action.InstallNeighbor i -> {
                    int len = i.hardware().length();
                    i.hardware().copyTo(lladdr, 0);
                    rtnl.installNeighbor(i.link(), i.address(), lladdr, len, nud(i.state()));
                    if (log.packets()) LogLines.packet(log, "installed %s at %s on %s (%s)", Ip4.format(i.address()), i.hardware(),
                            links.nameOf(i.link()), i.state());
                }
                case Action.RemoveNeighbor r -> {
                    if (r.failed()) rtnl.failNeighbor(r.link(), r.address());
                    else rtnl.deleteNeighbor(r.link(), r.address());
                    if (log.packets()) LogLines.packet(log, "%s %s on %s", r.failed() ? "failed" : "removed", Ip4.format(r.address()),
                            links.nameOf(r.link()));
                }
                case Action.AddHostRoute r -> {
                    journal.addHostRoute(r.link(), links.nameOf(r.link()), r.address());
                    LogLines.note(log, "route %s/32 dev %s added", Ip4.format(r.address()), links.nameOf(r.link()));
                }
                case Action.RemoveHostRoute r -> {
                    journal.removeHostRoute(r.link(), links.nameOf(r.link()), r.address());
                    LogLines.note(log, "route %s/32 dev %s removed", Ip4.format(r.address()), links.nameOf(r.link()));
                }
                case Action.RemoveAddress r -> {
                    journal.removeAddress(r.link(), links.nameOf(r.link()), r.address(), r.prefixLength());
                    LogLines.note(log, "address %s/%d removed from %s (RFC 5227 conflict; put back on exit)", Ip4.format(r.address()),
                            r.prefixLength(), links.nameOf(r.link()));
                }
                case Action.Emit e -> {
                    if (log.packets()) LogLines.packet(log, "%s", LogLines.describe(e.event(), links::nameOf));
                }
            }
        } catch (NativeCallException e) {
            // One refused request (a vanished interface, a full table) must not stop the loop.
            installErrors++;
            LogLines.note(log, "error: %s (while carrying out %s)", e.getMessage(), action);
        }
    }

    private void transmit(Action.Transmit t) {
        LinkTable.Entry l = links.byIndex(t.link());
        if (l == null || l.arp == null) {
            droppedFrames++;
            LogLines.note(log, "error: no socket to send on for ifindex %d (link gone?)", t.link());
            return;
        }
        if (log.packets()) {
            ByteBuffer b = t.frame();
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            LogLines.packet(log, "%s: sent %s", l.name, LogLines.describe(copy, 0, copy.length));
        }
        l.arp.send(t.frame());
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
}
