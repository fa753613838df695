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
import org.uarpd.wire.LinkType;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.Frame;
import org.uarpd.wire.MalformedFrameException;

/**
 * uarpd on a simulated host: the engine driven through the routing socket, exactly as
 * the 1996 NetBSD routing-socket proposal has it. Routing messages become inputs (RTM_MISS → KernelMiss, RTM_NEWADDR/DELADDR →
 * AddressAdded/Removed, RTM_IFINFO → LinkChanged, someone else's RTM_ADD/DELETE →
 * KernelNeighborChanged), ARP-family frames from the link tap become FrameReceived; the engine's
 * actions become RTM_ADD / RTM_CHANGE / RTM_DELETE written back and frames sent on the segments.
 * The engine is woken at its {@code nextDeadline()} on the virtual clock.
 */
public final class SimBackend implements SimHost.Resolver {
    private final SimHost host;
    private final EnginePort engine;
    private final World world;
    private final int pid;
    private final Set<Long> installed = new HashSet<>();
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
                    if (m.dst() != null) atmClient.resolve(m.dst().address());
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
            // a miss carrying a hardware address is the kernel asking to re-check a binding in use
            case Rtm.MISS -> m.dst() == null ? null : new Input.KernelMiss(m.index(), m.dst().address(), m.probes(),
                    m.gateway() instanceof Sockaddr.Dl known && known.address().length() > 0 ? known.address() : null);
            case Rtm.NEWADDR -> m.ifa() == null ? null : new Input.AddressAdded(m.index(), m.ifa().address(), prefixLength(m.netmask()));
            case Rtm.DELADDR -> m.ifa() == null ? null : new Input.AddressRemoved(m.index(), m.ifa().address(), prefixLength(m.netmask()));
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
                if (m.type() == Rtm.DELETE) {
                    installed.remove(key(m.index(), m.dst().address()));
                    yield new Input.KernelNeighborChanged(m.index(), m.dst().address(), null, null);
                }
                if (!(m.gateway() instanceof Sockaddr.Dl gw)) yield null;
                installed.add(key(m.index(), m.dst().address()));
                NeighborState state = m.state() != null ? m.state() : m.has(Rtm.RTF_STATIC) ? NeighborState.STATIC : NeighborState.REACHABLE;
                yield new Input.KernelNeighborChanged(m.index(), m.dst().address(), gw.address(), state);
            }
            default -> null;
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
            case Action.InstallNeighbor n -> {
                boolean known = !installed.add(key(n.link(), n.address()));
                int flags = Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO | (n.state() == NeighborState.STATIC ? Rtm.RTF_STATIC : 0);
                write(new RoutingMessage(known ? Rtm.CHANGE : Rtm.ADD, n.link(), flags, pid, ++seq, 0, 0, 0, 0, n.state(),
                        new Sockaddr.In(n.address()), new Sockaddr.Dl(n.link(), interfaceType(n.link()), "", n.hardware()), null, null, null));
            }
            case Action.RemoveNeighbor r -> {
                installed.remove(key(r.link(), r.address()));
                int flags = Rtm.RTF_HOST | Rtm.RTF_LLINFO | (r.failed() ? Rtm.RTF_REJECT : 0);
                write(new RoutingMessage(Rtm.DELETE, r.link(), flags, pid, ++seq, 0, 0, 0, 0, null,
                        new Sockaddr.In(r.address()), null, null, null, null));
            }
            case Action.AddHostRoute r -> write(new RoutingMessage(Rtm.ADD, r.link(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_STATIC, pid, ++seq, 0, 0, 0, 0, null,
                    new Sockaddr.In(r.address()), linkGateway(r.link()), new Sockaddr.In(-1), null, null));
            case Action.RemoveHostRoute r -> write(new RoutingMessage(Rtm.DELETE, r.link(), Rtm.RTF_HOST, pid, ++seq, 0, 0, 0, 0, null,
                    new Sockaddr.In(r.address()), null, null, null, null));
            case Action.RemoveAddress r -> {
                // BSD gives up an address with SIOCDIFADDR, not on the routing socket; the kernel
                // then announces RTM_DELADDR to every listener, uarpd included.
                SimInterface ifp = host.interfaceByIndex(r.link());
                if (ifp != null) host.removeAddress(ifp, r.address());
            }
            // This simulated kernel speaks IPv4 only: it reports no IPv6 address, miss or neighbour,
            // so an engine it drives has nothing to install or remove for IPv6.
            case Action.InstallNeighbor6 n -> throw new IllegalStateException("IPv6 install on a simulated IPv4-only kernel: " + n);
            case Action.RemoveNeighbor6 r -> throw new IllegalStateException("IPv6 removal on a simulated IPv4-only kernel: " + r);
            case Action.RemoveAddress6 r -> throw new IllegalStateException("IPv6 address removal on a simulated IPv4-only kernel: " + r);
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
        if (!installed.contains(key(ev.link(), ev.address()))) return;
        if (ev.kind() == EngineEvent.Kind.CHANGED && ev.reason() == EngineEvent.Reason.REACHABLE_TIMEOUT
                && ev.state() == NeighborState.STALE && ev.hardware() != null) {
            perform(new Action.InstallNeighbor(ev.link(), ev.address(), ev.hardware(), NeighborState.STALE));
        } else if (ev.kind() == EngineEvent.Kind.REMOVED && ev.reason() == EngineEvent.Reason.STALE_EXPIRED) {
            perform(new Action.RemoveNeighbor(ev.link(), ev.address(), false));
        }
    }

    private void write(RoutingMessage m) {
        int errno = socket.write(RoutingMessageCodec.encode(m));
        if (errno != 0) world.timeline().log(host.name(), "uarpd: " + m + " refused, errno " + errno);
    }

    private void log(EngineEvent e) {
        StringBuilder s = new StringBuilder("uarpd: ").append(e.kind());
        if (e.address() != 0) s.append(' ').append(Ip4.format(e.address()));
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
                write(new RoutingMessage(Rtm.DELETE, link, Rtm.RTF_HOST | Rtm.RTF_LLINFO | Rtm.RTF_REJECT, pid, ++seq,
                        nak ? Rtm.ECONNREFUSED : 0, 0, 0, 0, null, new Sockaddr.In(address), null, null, null, null));
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

    private static int prefixLength(Sockaddr.In mask) {
        return mask == null ? 32 : Integer.bitCount(mask.address());
    }

    private static long key(int link, int address) {
        return ((long) link << 32) | (address & 0xFFFFFFFFL);
    }
}
