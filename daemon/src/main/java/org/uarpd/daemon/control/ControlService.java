package org.uarpd.daemon.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.uarpd.daemon.control.protocol.Request;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.engine.AddressClaim;
import org.uarpd.engine.Bound;
import org.uarpd.engine.Durations;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.daemon.syntax.SyntaxException;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.NeighborState;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.linux.LinuxBackend.LinkInfo;
import org.uarpd.linux.LoopControl;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * Carries out control requests: reads the operator's text with the shared parsers (on the calling
 * thread), then does the work on the loop thread through {@link LoopControl#execute}, against the engine
 * behind the {@link EngineTap}. Requests come from the control socket's connection threads.
 */
public final class ControlService {
    private static final long PROBE_TIMEOUT_SECONDS = 120;

    private final EngineTap tap;
    private final LoopControl loop;
    private final Reloader reloader;
    private final long started;
    private volatile FleetView fleet;
    private volatile Restarts restarts;
    /** Control connections open now (kept by {@link ControlServer}, at most {@link ControlServer#MAX_CONNECTIONS}). */
    final AtomicInteger connections = new AtomicInteger();
    // loop thread only
    private final List<Published> operatorPublished = new ArrayList<>();
    private final OperatorNdEntries operatorPublished6 = new OperatorNdEntries();

    private record Published(String link, PublishedEntry entry) {}

    /** What a request produced: an answer, or a live stream to write until it ends. */
    sealed interface Outcome {
        record Answer(Response response) implements Outcome {}

        record Live(Stream stream) implements Outcome {}

        /** An answer, then {@code then} once it is written (or the client is gone). */
        record AnswerThen(Response response, Runnable then) implements Outcome {}
    }

    public ControlService(EngineTap tap, LoopControl loop, Reloader reloader) {
        this.tap = tap;
        this.loop = loop;
        this.reloader = reloader;
        this.started = loop.nanoTime();
    }

    /** Serves {@code restart} with {@code r} from now on. */
    public void restarts(Restarts r) {
        this.restarts = r;
    }

    /** Serves {@code show fleet} from {@code view} from now on. */
    public void fleet(FleetView view) {
        this.fleet = view;
    }

    Outcome serve(Request request) throws ControlException {
        return switch (request) {
            case Request.Monitor m -> new Outcome.Live(subscribe(Stream.Kind.EVENTS, count(m.count(), "monitor"),
                    StreamFilter.parse("--dst", m.dst(), m.family())));
            case Request.Capture c -> new Outcome.Live(subscribe(Stream.Kind.FRAMES, count(c.count(), "capture"),
                    StreamFilter.parse("--host", c.host(), c.family())));
            case Request.Restart r -> restart();
            default -> new Outcome.Answer(answer(request));
        };
    }

    private Response answer(Request request) throws ControlException {
        return switch (request) {
            case Request.Show s when s.table() == Request.Table.FLEET && fleet != null -> fleet.show();
            case Request.Show s -> OnLoop.call(loop, () -> Tables.show(s.table(), tap.engine(), loop, reloader.config(), operatorRows()));
            case Request.Add a -> add(a);
            case Request.Del d -> delete(d);
            case Request.Publish p -> publish(p.dev(), p.entry(), true);
            case Request.Unpublish u -> publish(u.dev(), u.entry(), false);
            case Request.Flush f -> flush(f);
            case Request.Probe p -> probe(p);
            case Request.Stats s -> OnLoop.call(loop, this::stats);
            case Request.Announce a -> announce(a);
            case Request.Reclaim r -> reclaim(r);
            case Request.Reload r -> new Response.Message(reloader.reload());
            case Request.Monitor m -> throw new IllegalStateException("streams are served by serve()");
            case Request.Capture c -> throw new IllegalStateException("streams are served by serve()");
            case Request.Restart r -> throw new IllegalStateException("restart is served by serve()");
        };
    }

    private Outcome restart() throws ControlException {
        Restarts r = restarts;
        if (r == null) throw new ControlException("this uarpd cannot restart itself (only `uarpd run` can)");
        Restarts.Restarted done = r.restart();
        return new Outcome.AnswerThen(new Response.Message(done.message()), done.then());
    }

    private static long count(Long count, String command) throws ControlException {
        if (count == null) return Long.MAX_VALUE;
        if (count <= 0) throw new ControlException(command + ": --count must be at least 1, got " + count);
        return count;
    }

    private static int address(String text) throws ControlException {
        if (text == null) throw new ControlException("request has no address");
        try {
            return Addresses.ip4(text);
        } catch (SyntaxException e) {
            throw new ControlException(e.forControl());
        }
    }

    private static org.uarpd.wire.Ip6Address address6(String text) throws ControlException {
        try {
            return Addresses.ip6(text);
        } catch (SyntaxException e) {
            throw new ControlException(e.forControl());
        }
    }

    private static HardwareAddress hardware(String text) throws ControlException {
        try {
            return Addresses.ethernet(text);
        } catch (SyntaxException e) {
            throw new ControlException(e.forControl());
        }
    }

    /** LoopControl thread: the link named {@code name}; null names the only link, or (when {@code allowAll}) every link (0). */
    private int linkOf(String name, boolean allowAll) throws ControlException {
        if (name == null) {
            if (allowAll) return 0;
            List<LinkInfo> present = loop.linkInfo().stream().filter(l -> l.index() != 0).toList();
            if (present.size() == 1) return present.getFirst().index();
            if (present.isEmpty()) throw new ControlException("no link is up yet: say which with -d IF (--dev IF)");
            throw new ControlException("uarpd runs on several links (" + String.join(", ", present.stream().map(LinkInfo::name).toList())
                    + "): say which with -d IF (--dev IF)");
        }
        int index = loop.indexOf(name);
        if (index == 0) {
            String names = String.join(", ", loop.linkInfo().stream().map(LinkInfo::name).toList());
            throw new ControlException("no link called '" + name + "' (uarpd runs on " + names + ")");
        }
        return index;
    }

    private void command(OperatorCommand c) {
        tap.command(loop.nanoTime(), c, loop);
    }

    private Response add(Request.Add a) throws ControlException {
        int address = address(a.address());
        HardwareAddress hw = hardware(a.lladdr());
        return OnLoop.call(loop, () -> {
            int link = linkOf(a.dev(), false);
            command(new OperatorCommand.AddStatic(link, address, hw));
            Engine.Neighbor n = tap.engine().lookup(link, address);
            if (n == null || n.state() != NeighborState.STATIC) {
                throw new ControlException("the engine did not take " + Ip4.format(address) + " as static (the static table may be full: limits.max-static-entries)");
            }
            return new Response.Message(Ip4.format(address) + " dev " + loop.nameOf(link) + " lladdr " + hw + " PERMANENT");
        });
    }

    private Response delete(Request.Del d) throws ControlException {
        int address = address(d.address());
        return OnLoop.call(loop, () -> {
            int link = linkOf(d.dev(), false);
            Engine.Neighbor n = tap.engine().lookup(link, address);
            if (n == null || n.state() != NeighborState.STATIC) {
                throw new ControlException("no static entry for " + Ip4.format(address) + " on " + loop.nameOf(link));
            }
            command(new OperatorCommand.DeleteStatic(link, address));
            return new Response.Message("deleted " + Ip4.format(address) + " dev " + loop.nameOf(link));
        });
    }

    private static PublishedEntry entry(Request.Entry e) throws ControlException {
        if (e == null || e.target() == null) throw new ControlException("request has no target");
        if (e.when() != null || e.via() != null) {
            throw new ControlException("--when and --via apply to IPv6 (neighbour discovery) entries only; an IPv4 entry is answered always");
        }
        PublishedEntry.Target target;
        try {
            target = PublishedTargets.parse(e.target(), e.exclude());
        } catch (IllegalArgumentException x) {
            throw new ControlException(x.getMessage());
        }
        if (e.replyDelayNanos() < 0) throw new ControlException("--reply-delay must not be negative, got " + Durations.format(e.replyDelayNanos()));
        return new PublishedEntry(target, e.lladdr() == null ? null : hardware(e.lladdr()), e.broadcastOnly(), e.replyDelayNanos(), e.answerProbes());
    }

    private Response publish(String dev, Request.Entry e, boolean add) throws ControlException {
        if (OperatorNdEntries.isIpv6(e)) {
            org.uarpd.engine.NdPublished entry6 = OperatorNdEntries.entry(e);
            return OnLoop.call(loop, () -> {
                int link = linkOf(dev, true);
                if (entry6.via() != null) {
                    // As the config file: the target is asked on another link uarpd serves (docs/proxy-nd.md).
                    linkOf(entry6.via(), false);
                    if (entry6.via().equals(dev)) throw new ControlException("--via " + dev + " is the link this entry answers on; name another");
                }
                return operatorPublished6.publish(link, link == 0 ? "*" : loop.nameOf(link), entry6, add, this::command);
            });
        }
        PublishedEntry entry = entry(e);
        return OnLoop.call(loop, () -> {
            int link = linkOf(dev, true);
            Published p = new Published(link == 0 ? "*" : loop.nameOf(link), entry);
            if (add) {
                if (operatorPublished.contains(p)) throw new ControlException("already published: " + describe(p));
                command(new OperatorCommand.Publish(link, entry));
                operatorPublished.add(p);
                return new Response.Message("published " + describe(p));
            }
            if (!operatorPublished.remove(p)) {
                throw new ControlException("not published by uarpctl: " + describe(p)
                        + " (entries from the config file go away by editing it and reloading)");
            }
            command(new OperatorCommand.Unpublish(link, entry));
            return new Response.Message("unpublished " + describe(p));
        });
    }

    private static String describe(Published p) {
        StringBuilder b = new StringBuilder(PublishedTargets.format(p.entry().target()));
        for (String x : PublishedTargets.formatExclusions(p.entry().target())) b.append(" !").append(x);
        return b.append(" dev ").append(p.link()).toString();
    }

    private List<Response.PublishedRow> operatorRows() {
        List<Response.PublishedRow> rows = new ArrayList<>(operatorPublished.stream().map(p -> Tables.publishedRow(p.link(), p.entry(), "operator")).toList());
        rows.addAll(operatorPublished6.rows());
        return rows;
    }

    /** Gratuitous ARP for an address now, {@code count} times {@code interval} apart (RFC 5227 §2.3 format). */
    private Response announce(Request.Announce a) throws ControlException {
        int address = address(a.address());
        if (address == 0) throw new ControlException("cannot announce 0.0.0.0");
        long count = a.count();
        if (count < 1 || count > 1000) throw new ControlException("announce: --count must be 1 to 1000, got " + count);
        long interval = a.intervalNanos();
        if (interval < 0) throw new ControlException("announce: --interval must not be negative, got " + Durations.format(interval));
        return OnLoop.call(loop, () -> {
            int link = linkOf(a.dev(), false);
            command(new OperatorCommand.Announce(link, address, (int) count, interval));
            return new Response.Message("announcing " + Ip4.format(address) + " on " + loop.nameOf(link) + ": " + count + " gratuitous request"
                    + (count == 1 ? "" : "s") + (count > 1 ? ", " + Durations.format(interval) + " apart" : ""));
        });
    }

    /**
     * Takes back an address the host yielded (RFC 5227 §2.4): the engine probes for it afresh and
     * announces it once no other host answers (a conflict during the probes yields it again).
     */
    private Response reclaim(Request.Reclaim r) throws ControlException {
        int address = address(r.address());
        return OnLoop.call(loop, () -> {
            int only = r.dev() == null ? 0 : linkOf(r.dev(), false);
            List<AddressClaim> held = tap.engine().claims().stream()
                    .filter(c -> c.address() == address && (only == 0 || c.link() == only)).toList();
            String text = Ip4.format(address);
            if (held.isEmpty()) {
                throw new ControlException(text + " is not one of the host's addresses" + (only == 0 ? "" : " on " + loop.nameOf(only))
                        + ": only an address the host holds and yielded can be reclaimed (one removed on conflict comes back with ip addr add)");
            }
            if (held.size() > 1) {
                throw new ControlException(text + " is the host's on several links ("
                        + String.join(", ", held.stream().map(c -> loop.nameOf(c.link())).toList()) + "): say which with -d IF (--dev IF)");
            }
            AddressClaim claim = held.getFirst();
            String link = loop.nameOf(claim.link());
            if (claim.state() != AddressClaim.State.YIELDED) {
                throw new ControlException(text + " on " + link + " is not yielded (it is " + claim.state().name().toLowerCase()
                        + "): nothing to reclaim");
            }
            command(new OperatorCommand.Reclaim(claim.link(), address));
            return new Response.Message("reclaiming " + text + " on " + link + (claim.claimant() == null ? "" : " from " + claim.claimant())
                    + ": probing for it (RFC 5227), then announcing it");
        });
    }

    private Response flush(Request.Flush f) throws ControlException {
        return OnLoop.call(loop, () -> {
            int link = linkOf(f.dev(), true);
            int before = tap.engine().size();
            command(new OperatorCommand.Flush(link));
            int flushed = before - tap.engine().size();
            return new Response.Message("flushed " + flushed + " dynamic entr" + (flushed == 1 ? "y" : "ies")
                    + (link == 0 ? "" : " on " + loop.nameOf(link)));
        });
    }

    private Response probe(Request.Probe p) throws ControlException {
        // An IPv6 neighbour is probed by neighbour solicitation, an IPv4 one by ARP request.
        org.uarpd.wire.Ip6Address address6 = p.address() != null && Addresses.isIpv6(p.address()) ? address6(p.address()) : null;
        int address = address6 == null ? address(p.address()) : 0;
        String shown = address6 == null ? Ip4.format(address) : address6.toString();
        record Started(String dev, CompletableFuture<EngineTap.ProbeOutcome> done) {}
        Started s = OnLoop.call(loop, () -> {
            int link = linkOf(p.dev(), false);
            return new Started(loop.nameOf(link), address6 == null ? tap.probe(loop.nanoTime(), link, address, loop)
                    : tap.probe6(loop.nanoTime(), link, address6, loop));
        });
        EngineTap.ProbeOutcome o;
        try {
            o = OnLoop.await(s.done(), PROBE_TIMEOUT_SECONDS, "no outcome for " + shown + " within " + PROBE_TIMEOUT_SECONDS + " s");
        } catch (ControlException e) {
            loop.execute(() -> tap.forget(s.done()));
            throw e;
        }
        var ev = o.event();
        return new Response.ProbeResult(shown, s.dev(), o.outcome(), ev.hardware() == null ? null : ev.hardware().toString(),
                ev.state() == null ? null : ev.state().name(), ev.reason().name().toLowerCase(), o.nanos() / 1e6);
    }

    private Response stats() {
        Engine engine = tap.engine();
        Map<String, Long> events = new LinkedHashMap<>();
        for (Reason r : Reason.values()) {
            long n = engine.count(r);
            if (n > 0) events.put(r.name().toLowerCase(), n);
        }
        return new Response.Stats((loop.nanoTime() - started) / 1_000_000_000L, engine.size(), engine.pendingResolutions(), loop.installErrors(),
                loop.droppedFrames(), loop.resyncs(), loop.policyFailures(), tap.liveStreams(), events);
    }

    private Stream subscribe(Stream.Kind kind, long count, StreamFilter filter) throws ControlException {
        Stream s = new Stream(kind, count, filter, loop::nameOf);
        OnLoop.call(loop, () -> {
            tap.subscribe(s);
            return null;
        });
        return s;
    }

    /** A stream's reader is gone (any thread): the loop drops it at its next line or here. */
    void unsubscribe(Stream s) {
        s.closed = true;
        loop.execute(() -> tap.unsubscribe(s));
    }

    /** Table sizes, bounds and the loop's counters into the metrics (loop thread). */
    public void snapshotMetrics() {
        tap.snapshotMetrics(loop, List.of(new Bound("control.connections", 0, connections.get(), ControlServer.MAX_CONNECTIONS),
                new Bound("control.streams", 0, tap.liveStreams(), ControlServer.MAX_CONNECTIONS),
                new Bound("control.stream.lines", 0, tap.fullestStream(), Stream.CAPACITY)));
    }
}
