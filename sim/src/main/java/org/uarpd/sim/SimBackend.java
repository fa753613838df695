package org.uarpd.sim;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.Input;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.RoutingMessageCodec;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.Frame;
import org.uarpd.wire.MalformedFrameException;

/**
 * uarpd on a simulated host: the engine driven through the routing socket, exactly as
 * the 1996 NetBSD routing-socket proposal has it. Routing messages become inputs (RTM_MISS → KernelMiss, RTM_NEWADDR/DELADDR →
 * AddressAdded/Removed, RTM_IFINFO → LinkChanged, someone else's RTM_ADD/DELETE →
 * KernelNeighborChanged; the {@code …6} inputs when the message carries a sockaddr_in6), ARP and
 * ND frames from the link tap become FrameReceived; the engine's actions (IPv4 and IPv6) become
 * RTM_ADD / RTM_CHANGE / RTM_DELETE written back and frames sent on the segments.
 * The engine is woken at its {@code nextDeadline()} on the virtual clock.
 */
public final class SimBackend implements SimHost.Resolver {
    private final SimHost host;
    private final EnginePort engine;
    private final World world;
    private final int pid;
    /** The bindings this process installed and has not removed: IPv4 by {@link #key}, IPv6 by (link, address). */
    private final Set<Long> installed = new HashSet<>();
    private final Set<Key6> installed6 = new HashSet<>();
    /** ATM links: resolved by this process's own ATMARP client, not the engine (which speaks no ATMARP). */
    private final Map<Integer, AtmArpClient> atm = new HashMap<>();
    private RoutingSocket socket;
    private boolean alive;
    private long wakeAt = Long.MAX_VALUE;
    private int seq;
    private long malformedMessages;
    private long malformedFrames;
    /** The engine's actions go to {@link #perform}; events only of the kinds this backend acts on, unless the timeline shows them all. */
    private final ActionSink sink = new ActionSink() {
        @Override
        public void accept(Action action) {
            perform(action);
        }

        @Override
        public boolean wants(EngineEvent.Kind kind) {
            return kind == EngineEvent.Kind.CHANGED || kind == EngineEvent.Kind.REMOVED || world.timeline().enabled();
        }
    };

    private record Key6(int link, Ip6Address address) {}

    public SimBackend(SimHost host, EnginePort engine) {
        this.host = host;
        this.engine = engine;
        this.world = host.world();
        this.pid = world.nextPid();
    }

    /** The engine this backend drives (for tests and monitors: read its views, never drive it). */
    public EnginePort engine() {
        return engine;
    }

    public int pid() {
        return pid;
    }

    public long malformedMessages() {
        return malformedMessages;
    }

    @Override
    public void start() {
        alive = true;
        socket = host.kernel().openResolver(pid, this::onRoutingMessage, this::onFrame);
    }

    @Override
    public void kill() {
        alive = false;
        if (socket != null) socket.close();
    }

    private void onRoutingMessage(byte[] bytes) {
        if (!alive) return;
        RoutingMessage m;
        try {
            m = RoutingMessageCodec.decode(bytes);
        } catch (MalformedFrameException e) {
            malformedMessages++;
            world.timeline().log(host.name(), "uarpd: dropped malformed routing message: " + e.getMessage());
            return;
        }
        Input input = toInput(m);
        if (input != null) drive(input);
    }

    /** What a routing message means to the engine; null for messages it need not hear. */
    private Input toInput(RoutingMessage m) {
        AtmArpClient atmClient = atm.get(m.index());
        if (atmClient != null) {
            switch (m.type()) {
                case Rtm.MISS -> {
                    if (m.dst() instanceof Sockaddr.In in) atmClient.resolve(in.address());
                    return null;
                }
                case Rtm.NEWADDR -> {
                    atmClient.register();
                    return null;
                }
                case Rtm.IFINFO, Rtm.DELADDR -> {
                    return null;
                }
                default -> { }
            }
        }
        return switch (m.type()) {
            case Rtm.MISS -> m.dst() == null ? null : miss(m);
            case Rtm.NEWADDR, Rtm.DELADDR -> m.ifa() == null ? null : switch (m.ifa()) {
                case Sockaddr.In in -> m.type() == Rtm.NEWADDR
                        ? new Input.AddressAdded(m.index(), in.address(), prefixLength(m.netmask(), 32))
                        : new Input.AddressRemoved(m.index(), in.address(), prefixLength(m.netmask(), 32));
                case Sockaddr.In6 in6 -> m.type() == Rtm.NEWADDR
                        ? new Input.AddressAdded6(m.index(), in6.address(), prefixLength(m.netmask(), 128))
                        : new Input.AddressRemoved6(m.index(), in6.address(), prefixLength(m.netmask(), 128));
            };
            case Rtm.IFINFO -> {
                Sockaddr.Dl ifp = m.ifp();
                if (ifp == null) yield null;
                LinkType type = SimLinkTypes.byInterfaceType(ifp.type(), ifp.address().length());
                if (ifp.type() == Rtm.IFT_ATM) {
                    SimInterface i = host.interfaceByIndex(m.index());
                    // one client per link for the process's life: replacing it on every RTM_IFINFO orphaned what the old one had in flight
                    if (i != null) atm.computeIfAbsent(m.index(), k -> atmClient(i));
                    yield null;
                }
                if (type == null) {
                    world.timeline().log(host.name(), "uarpd: ignoring " + ifp.name() + ", interface type " + ifp.type() + " unknown");
                    yield null;
                }
                yield new Input.LinkChanged(m.index(), ifp.name(), type, ifp.address(), m.has(Rtm.IFF_UP));
            }
            case Rtm.ADD, Rtm.CHANGE, Rtm.DELETE -> {
                // our own writes come back as echoes: only their errno is news
                if (m.pid() == pid) {
                    if (m.errno() != 0) world.timeline().log(host.name(), "uarpd: kernel refused " + m + " (errno " + m.errno() + ")");
                    yield null;
                }
                if (!m.has(Rtm.RTF_LLINFO) || m.dst() == null) yield null;
                yield neighborChanged(m);
            }
            default -> null;
        };
    }

    /** A miss carrying a hardware address is the kernel asking to re-check a binding in use. */
    private Input miss(RoutingMessage m) {
        HardwareAddress known = m.gateway() instanceof Sockaddr.Dl dl && dl.address().length() > 0 ? dl.address() : null;
        return switch (m.dst()) {
            case Sockaddr.In in -> new Input.KernelMiss(m.index(), in.address(), m.probes(), known);
            case Sockaddr.In6 in6 -> new Input.KernelMiss6(m.index(), in6.address(), m.probes(), known);
        };
    }

    /** Someone else's RTM_ADD / RTM_CHANGE / RTM_DELETE of a binding. */
    private Input neighborChanged(RoutingMessage m) {
        boolean deleted = m.type() == Rtm.DELETE;
        HardwareAddress hw = null;
        NeighborState state = null;
        if (!deleted) {
            if (!(m.gateway() instanceof Sockaddr.Dl gw)) return null;
            hw = gw.address();
            state = m.state() != null ? m.state() : m.has(Rtm.RTF_STATIC) ? NeighborState.STATIC : NeighborState.REACHABLE;
        }
        return switch (m.dst()) {
            case Sockaddr.In in -> {
                if (deleted) installed.remove(key(m.index(), in.address()));
                else installed.add(key(m.index(), in.address()));
                yield new Input.KernelNeighborChanged(m.index(), in.address(), hw, state);
            }
            case Sockaddr.In6 in6 -> {
                if (deleted) installed6.remove(new Key6(m.index(), in6.address()));
                else installed6.add(new Key6(m.index(), in6.address()));
                yield new Input.KernelNeighborChanged6(m.index(), in6.address(), hw, state);
            }
        };
    }

    private void onFrame(SimInterface iface, byte[] frame) {
        if (!alive) return;
        AtmArpClient atmClient = atm.isEmpty() ? null : atm.get(iface.index());
        if (atmClient != null) {
            try {
                Frame f = iface.type().decode(frame, 0, frame.length);
                if (ArpFamilyCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()) instanceof AtmArpPacket p) atmClient.input(p);
            } catch (MalformedFrameException e) {
                malformedFrames++;
            }
            return;
        }
        drive(new Input.FrameReceived(iface.index(), frame, 0, frame.length));
    }

    private void drive(Input input) {
        engine.handle(world.sim().now(), input, sink);
        rearm();
    }

    private void rearm() {
        if (!alive) return;
        long due = engine.nextDeadline();
        if (due == Long.MAX_VALUE || due >= wakeAt) return;
        wakeAt = due;
        int epoch = host.epoch();
        world.sim().at(due, () -> {
            if (!alive || host.epoch() != epoch || wakeAt != due) return;
            wakeAt = Long.MAX_VALUE;
            drive(new Input.TimeAdvanced());
        });
    }

    private void perform(Action action) {
        if (!alive) return;
        switch (action) {
            case Action.Transmit t -> {
                ByteBuffer b = t.frame();
                byte[] frame = new byte[b.remaining()];
                b.duplicate().get(frame);
                host.kernel().transmitRaw(t.link(), frame);
            }
            case Action.InstallNeighbor n -> install(n.link(), new Sockaddr.In(n.address()), !installed.add(key(n.link(), n.address())),
                    n.hardware(), n.state());
            case Action.RemoveNeighbor r -> {
                installed.remove(key(r.link(), r.address()));
                remove(r.link(), new Sockaddr.In(r.address()), r.failed(), 0);
            }
            case Action.AddHostRoute r -> write(new RoutingMessage(Rtm.ADD, r.link(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_STATIC, pid, ++seq, 0, 0, 0, 0, null,
                    new Sockaddr.In(r.address()), linkGateway(r.link()), new Sockaddr.In(-1), null, null));
            case Action.RemoveHostRoute r -> write(new RoutingMessage(Rtm.DELETE, r.link(), Rtm.RTF_HOST, pid, ++seq, 0, 0, 0, 0, null,
                    new Sockaddr.In(r.address()), null, null, null, null));
            // BSD gives up an address with SIOCDIFADDR (SIOCDIFADDR_IN6), not on the routing socket;
            // the kernel then announces RTM_DELADDR to every listener, uarpd included.
            case Action.RemoveAddress r -> {
                SimInterface ifp = host.interfaceByIndex(r.link());
                if (ifp != null) host.removeAddress(ifp, r.address());
            }
            case Action.RemoveAddress6 r -> {
                SimInterface ifp = host.interfaceByIndex(r.link());
                if (ifp != null) host.removeAddress6(ifp, r.address());
            }
            case Action.InstallNeighbor6 n -> install(n.link(), new Sockaddr.In6(n.address()),
                    !installed6.add(new Key6(n.link(), n.address())), n.hardware(), n.state());
            case Action.RemoveNeighbor6 r -> {
                installed6.remove(new Key6(r.link(), r.address()));
                remove(r.link(), new Sockaddr.In6(r.address()), r.failed(), 0);
            }
            // This kernel hears no Router Advertisements, so it has no default router list to take one off.
            case Action.RemoveDefaultRouter6 r -> { }
            case Action.Emit e -> {
                if (world.timeline().enabled()) log(e.event());
                mirrorAgeing(e.event());
            }
        }
    }

    /**
     * This kernel, like BSD's, runs no reachability timers of its own for the bindings uarpd installs;
     * the engine ages them without an action (on Linux the kernel ages its copy itself). So the
     * backend carries the two timer-driven changes over: an installed binding gone STALE is changed
     * to STALE in the kernel (whose next use of it then asks for a re-check), and one dropped at the
     * end of its stale lifetime is deleted.
     */
    private void mirrorAgeing(EngineEvent ev) {
        if (ev.kind() != EngineEvent.Kind.CHANGED && ev.kind() != EngineEvent.Kind.REMOVED) return;
        Ip6Address six = ev.address6();
        if (six != null ? !installed6.contains(new Key6(ev.link(), six)) : !installed.contains(key(ev.link(), ev.address()))) return;
        if (ev.kind() == EngineEvent.Kind.CHANGED && ev.reason() == EngineEvent.Reason.REACHABLE_TIMEOUT
                && ev.state() == NeighborState.STALE && ev.hardware() != null) {
            perform(six != null ? new Action.InstallNeighbor6(ev.link(), six, ev.hardware(), NeighborState.STALE)
                    : new Action.InstallNeighbor(ev.link(), ev.address(), ev.hardware(), NeighborState.STALE));
        } else if (ev.kind() == EngineEvent.Kind.REMOVED && ev.reason() == EngineEvent.Reason.STALE_EXPIRED) {
            perform(six != null ? new Action.RemoveNeighbor6(ev.link(), six, false) : new Action.RemoveNeighbor(ev.link(), ev.address(), false));
        }
    }

    /** RTM_ADD, or RTM_CHANGE for a binding this process installed before. */
    private void install(int link, Sockaddr.Inet dst, boolean known, HardwareAddress hardware, NeighborState state) {
        int flags = Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO | (state == NeighborState.STATIC ? Rtm.RTF_STATIC : 0);
        write(new RoutingMessage(known ? Rtm.CHANGE : Rtm.ADD, link, flags, pid, ++seq, 0, 0, 0, 0, state,
                dst, new Sockaddr.Dl(link, interfaceType(link), "", hardware), null, null, null));
    }

    /** RTM_DELETE; with {@code failed} RTF_REJECT, so held packets get host-unreachable ({@code errno} says why). */
    private void remove(int link, Sockaddr.Inet dst, boolean failed, int errno) {
        int flags = Rtm.RTF_HOST | Rtm.RTF_LLINFO | (failed ? Rtm.RTF_REJECT : 0);
        write(new RoutingMessage(Rtm.DELETE, link, flags, pid, ++seq, errno, 0, 0, 0, null, dst, null, null, null, null));
    }

    private void write(RoutingMessage m) {
        int errno = socket.write(RoutingMessageCodec.encode(m));
        if (errno != 0) world.timeline().log(host.name(), "uarpd: " + m + " refused, errno " + errno);
    }

    private void log(EngineEvent e) {
        StringBuilder s = new StringBuilder("uarpd: ").append(e.kind());
        if (e.address() != 0) s.append(' ').append(Ip4.format(e.address()));
        if (e.address6() != null) s.append(' ').append(e.address6());
        if (e.hardware() != null) s.append(" is ").append(e.hardware());
        SimInterface ifp = host.interfaceByIndex(e.link());
        if (ifp != null) s.append(" on ").append(ifp.name());
        if (e.reason() != null) s.append(" (").append(e.reason()).append(')');
        world.timeline().log(host.name(), s.toString());
    }

    /** This process's ATMARP client on {@code i}: its answers become RTM_ADD / RTM_DELETE. */
    private AtmArpClient atmClient(SimInterface i) {
        int link = i.index();
        return new AtmArpClient(i, new AtmArpClient.Binder() {
            @Override
            public void bind(int address, HardwareAddress hw) {
                world.timeline().log(host.name(), "uarpd: ATMARP " + Ip4.format(address) + " is at " + hw);
                perform(new Action.InstallNeighbor(link, address, hw, NeighborState.REACHABLE));
            }

            @Override
            public void fail(int address, boolean nak) {
                installed.remove(key(link, address));
                remove(link, new Sockaddr.In(address), true, nak ? Rtm.ECONNREFUSED : 0);
            }

            @Override
            public void expire(int address, HardwareAddress hw) {
                perform(new Action.RemoveNeighbor(link, address, false));
            }
        }, () -> alive, (to, frame) -> host.kernel().transmitRaw(link, frame));
    }

    private Sockaddr.Dl linkGateway(int link) {
        SimInterface i = host.interfaceByIndex(link);
        return i == null ? new Sockaddr.Dl(link, 0, "", HardwareAddress.EMPTY) : RoutingSockets.dl(i);
    }

    private int interfaceType(int link) {
        SimInterface i = host.interfaceByIndex(link);
        return i == null ? 0 : SimLinkTypes.interfaceType(i.type());
    }

    /** The prefix length a netmask sockaddr says; {@code none} (a host's) when there is none. */
    private static int prefixLength(Sockaddr.Inet mask, int none) {
        return switch (mask) {
            case null -> none;
            case Sockaddr.In in -> Integer.bitCount(in.address());
            case Sockaddr.In6 in6 -> in6.prefixLength();
        };
    }

    private static long key(int link, int address) {
        return ((long) link << 32) | (address & 0xFFFFFFFFL);
    }
}
