package org.uarpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uarpd.daemon.config.ConfigException;
import org.uarpd.daemon.config.Fields;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.StaticEntry;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.metrics.UarpdMetrics;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.Input;
import org.uarpd.engine.NeighborState;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.engine.EnginePort;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * The running daemon around the engine: it is the {@link EnginePort} the Linux loop drives (the engine,
 * with a tap that feeds metrics, live monitors, captures and waiting probes from the engine's own
 * inputs and actions), and it carries out control requests and reloads. Everything that touches the
 * engine runs on the loop thread: other threads hand work over with {@link #onLoop}, which goes
 * through the loop's task queue and eventfd.
 */
public final class Daemon implements EnginePort, ActionSink {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long REQUEST_TIMEOUT_SECONDS = 10;
    private static final long PROBE_TIMEOUT_SECONDS = 120;

    private final Logger log = LoggerFactory.getLogger("uarpd.control");
    private final Engine engine;
    private final Path configFile;
    private final UnaryOperator<UarpdConfig> overrides;
    private final UarpdMetrics metrics;
    private final long started = System.nanoTime();
    private final Object reloadLock = new Object();
    private volatile UarpdConfig config;
    private LinuxBackend backend;
    private ActionSink out;

    // loop thread only
    private final List<Stream> streams = new ArrayList<>();
    private boolean eventStreams;
    private boolean frameStreams;
    private final List<ProbeWait> probes = new ArrayList<>();
    private final List<Published> operatorPublished = new ArrayList<>();

    private record ProbeWait(int link, int address, long start, CompletableFuture<ObjectNode> done) {}

    private record Published(String link, PublishedEntry entry) {}

    /**
     * @param configFile the file reload reads again (null: none, reload is refused)
     * @param overrides  the command line's overrides, applied to every config read
     * @param metrics    null when metrics are off
     */
    public Daemon(Engine engine, UarpdConfig config, Path configFile, UnaryOperator<UarpdConfig> overrides, UarpdMetrics metrics) {
        this.engine = engine;
        this.config = config;
        this.configFile = configFile;
        this.overrides = overrides;
        this.metrics = metrics;
    }

    /** The backend this daemon's policy runs in; before its loop starts. */
    public void attach(LinuxBackend backend) {
        this.backend = backend;
    }

    public UarpdConfig config() {
        return config;
    }

    // -- the policy and its tap (loop thread) -----------------------------------------------------

    @Override
    public void handle(long nowNanos, Input input, ActionSink sink) {
        if (frameStreams && input instanceof Input.FrameReceived f) frame("in", f.link(), f.frame(), f.offset(), f.length());
        out = sink;
        engine.handle(nowNanos, input, this);
    }

    @Override
    public long nextDeadline() {
        return engine.nextDeadline();
    }

    @Override
    public void accept(Action action) {
        if (action instanceof Action.Emit e) {
            EngineEvent ev = e.event();
            if (metrics != null) metrics.observe(ev);
            if (eventStreams) event(ev);
            if (!probes.isEmpty()) probeEvent(ev);
        } else if (frameStreams && action instanceof Action.Transmit t) {
            ByteBuffer b = t.frame().duplicate();
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            frame("out", t.link(), copy, 0, copy.length);
        }
        out.accept(action);
    }

    /** Hands {@code input} to the engine now, with the backend carrying out the actions (loop thread). */
    private void feed(Input input) {
        handle(System.nanoTime(), input, backend);
    }

    private void command(OperatorCommand c) {
        feed(new Input.Command(c));
    }

    // -- running work on the loop -----------------------------------------------------------------

    /** Runs {@code work} on the loop thread and waits for its result (any other thread). */
    <T> T onLoop(Callable<T> work, long timeoutSeconds) throws ControlException {
        CompletableFuture<T> result = new CompletableFuture<>();
        backend.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ControlException c) throw c;
            throw new ControlException("internal error: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ControlException("uarpd's event loop did not answer within " + timeoutSeconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted");
        }
    }

    /** Config statics at start, applied on the thread that will run the loop, before it runs. */
    public void applyInitialStatics() {
        applyStatics(List.of(), config.statics());
    }

    private void applyStatics(List<StaticEntry> before, List<StaticEntry> after) {
        for (StaticEntry s : before) {
            if (!after.contains(s)) {
                int link = indexOf(s.link());
                if (link != 0) command(new OperatorCommand.DeleteStatic(link, s.address()));
            }
        }
        for (StaticEntry s : after) {
            if (before.contains(s)) continue;
            int link = indexOf(s.link());
            if (link == 0) log.warn("static entry {} on {}: the link is not present now; not installed", Ip4.format(s.address()), s.link());
            else command(new OperatorCommand.AddStatic(link, s.address(), s.hardware()));
        }
    }

    /** Table sizes and backend counters into the metrics (loop thread). */
    public void snapshotMetrics() {
        if (metrics == null) return;
        Map<NeighborState, Integer> byState = new EnumMap<>(NeighborState.class);
        for (Engine.Neighbor n : engine.neighbors()) byState.merge(n.state(), 1, Integer::sum);
        metrics.snapshot(byState, engine.pendingResolutions(), backend.installErrors(), backend.droppedFrames(), backend.resyncs());
    }

    // -- reload -----------------------------------------------------------------------------------

    /**
     * Reads the config file again and applies it atomically on the loop (one task: the engine's
     * {@link OperatorCommand.Reconfigure}, then the static entries that changed), keeping every
     * binding. A file with mistakes, or with changes only a restart can make, is refused with its
     * errors and the running configuration stays. Any thread (SIGHUP, uarpctl reload).
     */
    public String reload() throws ControlException {
        synchronized (reloadLock) {
            if (configFile == null) {
                throw new ControlException("uarpd runs without a config file (no --config, no " + UarpdConfig.DEFAULT_PATH
                        + "): there is nothing to reload");
            }
            UarpdConfig next;
            try {
                next = overrides.apply(UarpdConfig.load(configFile));
            } catch (ConfigException | IllegalArgumentException e) {
                throw new ControlException(refused(e.getMessage()));
            }
            UarpdConfig now = config;
            List<String> restartOnly = restartOnly(now, next);
            if (!restartOnly.isEmpty()) throw new ControlException(refused(String.join("\n", restartOnly)));
            UarpdConfig applied = next;
            String summary = onLoop(() -> {
                feedReconfigure(applied);
                applyStatics(now.statics(), applied.statics());
                config = applied;
                int published = 0;
                for (LinkSection l : applied.links().values()) published += l.policy().published().size();
                return "reloaded " + configFile + ": " + applied.links().size() + " link(s), " + published
                        + " published entr" + (published == 1 ? "y" : "ies") + ", " + applied.statics().size() + " static entr"
                        + (applied.statics().size() == 1 ? "y" : "ies") + "; " + engine.size() + " neighbour entries kept";
            }, REQUEST_TIMEOUT_SECONDS);
            List<String> later = new ArrayList<>();
            if (!next.log().equals(now.log())) later.add("log.level");
            if (!next.control().equals(now.control())) later.add("control");
            if (!next.metrics().equals(now.metrics())) later.add("metrics");
            if (!later.isEmpty()) summary += " (" + String.join(", ", later) + " take effect at the next restart)";
            log.info(summary);
            return summary;
        }
    }

    private void feedReconfigure(UarpdConfig next) {
        command(new OperatorCommand.Reconfigure(next.engineConfig(engine.config().seed())));
    }

    private String refused(String why) {
        return "refused " + configFile + "; the running configuration stays:\n" + why;
    }

    /** Changes a reload cannot make: the kernel is set up per link and mode, the table sized by the limits. */
    static List<String> restartOnly(UarpdConfig now, UarpdConfig next) {
        List<String> out = new ArrayList<>();
        String file = next.source();
        for (String name : next.links().keySet()) {
            if (!now.links().containsKey(name)) out.add(file + ": links." + name + ": a link cannot be added by reload; restart uarpd to add it");
        }
        for (String name : now.links().keySet()) {
            LinkSection after = next.links().get(name);
            if (after == null) out.add(file + ": links." + name + ": a link cannot be removed by reload; restart uarpd to remove it");
            else if (after.mode() != now.links().get(name).mode()) {
                out.add(file + ": links." + name + ".mode: cannot change from " + now.links().get(name).mode().name().toLowerCase()
                        + " to " + after.mode().name().toLowerCase() + " by reload (the kernel is set up per mode); restart uarpd");
            }
        }
        var a = now.limits();
        var b = next.limits();
        if (a.maxEntries() != b.maxEntries() || a.maxStaticEntries() != b.maxStaticEntries()) {
            out.add(file + ": limits: max-entries and max-static-entries size the table and cannot change by reload; restart uarpd");
        }
        return out;
    }

    // -- control requests (connection threads) ----------------------------------------------------

    /** What a request produced: a JSON result, or a live stream. */
    sealed interface Reply {
        record Result(JsonNode value) implements Reply {}

        record Live(Stream stream) implements Reply {}
    }

    Reply serve(JsonNode request) throws ControlException {
        String cmd = text(request, "command", true);
        return switch (cmd) {
            case "show" -> new Reply.Result(show(text(request, "what", false)));
            case "add" -> new Reply.Result(addStatic(request));
            case "del" -> new Reply.Result(deleteStatic(request));
            case "publish", "unpublish" -> new Reply.Result(publish(request, cmd.equals("publish")));
            case "flush" -> new Reply.Result(flush(request));
            case "probe" -> new Reply.Result(probe(request));
            case "stats" -> new Reply.Result(onLoop(this::stats, REQUEST_TIMEOUT_SECONDS));
            case "monitor" -> new Reply.Live(subscribe(new Stream(Stream.Kind.EVENTS, count(request, cmd),
                    request.has("dst") ? address(request, "dst") : 0)));
            case "capture" -> new Reply.Live(subscribe(new Stream(Stream.Kind.FRAMES, count(request, cmd),
                    request.has("host") ? address(request, "host") : 0)));
            case "announce" -> new Reply.Result(announce(request));
            case "reload" -> {
                ObjectNode r = JSON.createObjectNode();
                r.put("message", reload());
                yield new Reply.Result(r);
            }
            default -> throw new ControlException("unknown command '" + cmd + "'; expected show, add, del, publish, unpublish, flush, "
                    + "probe, monitor, stats, capture, announce or reload");
        };
    }

    private static long count(JsonNode request, String cmd) throws ControlException {
        long count = request.path("count").asLong(Long.MAX_VALUE);
        if (count <= 0) throw new ControlException(cmd + ": --count must be at least 1, got " + count);
        return count;
    }

    private static String text(JsonNode request, String field, boolean required) throws ControlException {
        JsonNode n = request.get(field);
        if (n == null || n.isNull()) {
            if (required) throw new ControlException("request has no '" + field + "'");
            return null;
        }
        if (!n.isTextual()) throw new ControlException("'" + field + "' must be a string");
        return n.asText();
    }

    private JsonNode show(String what) throws ControlException {
        String w = what == null ? "neigh" : what;
        return switch (w) {
            case "neigh" -> onLoop(this::neighbours, REQUEST_TIMEOUT_SECONDS);
            case "published" -> onLoop(this::published, REQUEST_TIMEOUT_SECONDS);
            case "links" -> onLoop(this::links, REQUEST_TIMEOUT_SECONDS);
            case "rarp" -> rarp();
            default -> throw new ControlException("show: unknown table '" + w + "'; expected neigh, published, links or rarp");
        };
    }

    /** The ifindex of configured link {@code name}; 0 when absent (loop thread). */
    private int indexOf(String name) {
        for (LinuxBackend.LinkInfo l : backend.linkInfo()) if (l.name().equals(name)) return l.index();
        return 0;
    }

    private String nameOf(int index) {
        for (LinuxBackend.LinkInfo l : backend.linkInfo()) if (l.index() == index) return l.name();
        return index == 0 ? "*" : "ifindex " + index;
    }

    private int linkOf(String name, boolean allowAll) throws ControlException {
        if (name == null) {
            if (allowAll) return 0;
            List<LinuxBackend.LinkInfo> present = backend.linkInfo().stream().filter(l -> l.index() != 0).toList();
            if (present.size() == 1) return present.getFirst().index();
            if (present.isEmpty()) throw new ControlException("no link is up yet: say which with -d IF (--dev IF)");
            throw new ControlException("uarpd runs on several links (" + String.join(", ", present.stream().map(LinuxBackend.LinkInfo::name).toList())
                    + "): say which with -d IF (--dev IF)");
        }
        int index = indexOf(name);
        if (index == 0) {
            String names = String.join(", ", backend.linkInfo().stream().map(LinuxBackend.LinkInfo::name).toList());
            throw new ControlException("no link called '" + name + "' (uarpd runs on " + names + ")");
        }
        return index;
    }

    private ArrayNode neighbours() {
        ArrayNode a = JSON.createArrayNode();
        List<Engine.Neighbor> all = new ArrayList<>(engine.neighbors());
        all.sort((x, y) -> x.link() != y.link() ? Integer.compare(x.link(), y.link()) : Integer.compareUnsigned(x.address(), y.address()));
        for (Engine.Neighbor n : all) {
            ObjectNode o = a.addObject();
            o.put("dst", Ip4.format(n.address()));
            o.put("dev", nameOf(n.link()));
            if (n.hardware() != null) o.put("lladdr", n.hardware().toString());
            o.put("state", n.state().name());
        }
        return a;
    }

    private ArrayNode published() {
        ArrayNode a = JSON.createArrayNode();
        for (LinkSection l : config.links().values()) {
            for (PublishedEntry e : l.policy().published()) a.add(publishedJson(l.name(), e, "config"));
        }
        for (Published p : operatorPublished) a.add(publishedJson(p.link(), p.entry(), "operator"));
        return a;
    }

    static ObjectNode publishedJson(String link, PublishedEntry e, String source) {
        ObjectNode o = JSON.createObjectNode();
        o.put("dev", link);
        ArrayNode exclude = JSON.createArrayNode();
        switch (e.target()) {
            case PublishedEntry.Target.Address x -> o.put("target", Ip4.format(x.address()));
            case PublishedEntry.Target.Range r -> {
                o.put("target", r.range().toString());
                for (Cidr c : r.excluded()) exclude.add(c.prefixLength() == 32 ? Ip4.format(c.network()) : c.toString());
            }
            case PublishedEntry.Target.RoutedElsewhere p -> o.put("target", "proxy");
        }
        o.set("exclude", exclude);
        if (e.hardware() != null) o.put("lladdr", e.hardware().toString());
        o.put("broadcastOnly", e.broadcastOnly());
        o.put("replyDelay", Fields.formatDuration(e.replyDelayNanos()));
        o.put("answerProbes", e.answerProbes());
        o.put("source", source);
        return o;
    }

    private ArrayNode links() {
        ArrayNode a = JSON.createArrayNode();
        List<long[]> addresses = backend.addresses();
        for (LinuxBackend.LinkInfo l : backend.linkInfo()) {
            ObjectNode o = a.addObject();
            o.put("name", l.name());
            o.put("index", l.index());
            if (l.hardware() != null) o.put("lladdr", l.hardware().toString());
            o.put("mode", l.mode().name().toLowerCase());
            LinkSection s = config.links().get(l.name());
            o.put("rarp", s == null ? engine.config().policyFor(l.name()).rarp() : s.policy().rarp());
            ArrayNode own = o.putArray("addresses");
            for (long[] pair : addresses) if (pair[0] == l.index()) own.add(Ip4.format((int) pair[1]));
        }
        return a;
    }

    private ArrayNode rarp() {
        ArrayNode a = JSON.createArrayNode();
        List<Map.Entry<HardwareAddress, Integer>> entries = new ArrayList<>(engine.config().ethers().addresses().entrySet());
        entries.sort(Map.Entry.comparingByValue(Integer::compareUnsigned));
        for (var e : entries) {
            ObjectNode o = a.addObject();
            o.put("lladdr", e.getKey().toString());
            o.put("address", Ip4.format(e.getValue()));
        }
        return a;
    }

    private static int address(JsonNode request) throws ControlException {
        return address(request, "address");
    }

    private static int address(JsonNode request, String field) throws ControlException {
        String text = text(request, field, true);
        try {
            return Ip4.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ControlException("'" + text + "' is not an IPv4 address");
        }
    }

    private static HardwareAddress hardware(String text) throws ControlException {
        try {
            HardwareAddress hw = HardwareAddress.parse(text);
            if (hw.length() == 6) return hw;
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new ControlException("'" + text + "' is not an Ethernet address (six hex bytes like 02:00:5e:00:53:01)");
    }

    private JsonNode addStatic(JsonNode request) throws ControlException {
        int address = address(request);
        HardwareAddress hw = hardware(text(request, "lladdr", true));
        String dev = text(request, "dev", false);
        return onLoop(() -> {
            int link = linkOf(dev, false);
            command(new OperatorCommand.AddStatic(link, address, hw));
            Engine.Neighbor n = engine.lookup(link, address);
            if (n == null || n.state() != NeighborState.STATIC) {
                throw new ControlException("the engine did not take " + Ip4.format(address) + " as static (the static table may be full: limits.max-static-entries)");
            }
            return ok(Ip4.format(address) + " dev " + nameOf(link) + " lladdr " + hw + " PERMANENT");
        }, REQUEST_TIMEOUT_SECONDS);
    }

    private JsonNode deleteStatic(JsonNode request) throws ControlException {
        int address = address(request);
        String dev = text(request, "dev", false);
        return onLoop(() -> {
            int link = linkOf(dev, false);
            Engine.Neighbor n = engine.lookup(link, address);
            if (n == null || n.state() != NeighborState.STATIC) {
                throw new ControlException("no static entry for " + Ip4.format(address) + " on " + nameOf(link));
            }
            command(new OperatorCommand.DeleteStatic(link, address));
            return ok("deleted " + Ip4.format(address) + " dev " + nameOf(link));
        }, REQUEST_TIMEOUT_SECONDS);
    }

    private JsonNode publish(JsonNode request, boolean add) throws ControlException {
        String target = text(request, "target", true);
        PublishedEntry.Target t;
        List<Cidr> excluded = new ArrayList<>();
        for (JsonNode x : request.path("exclude")) excluded.add(cidr(x.asText()));
        if (target.equals("proxy")) {
            t = new PublishedEntry.Target.RoutedElsewhere();
        } else if (target.contains("/") || !excluded.isEmpty()) {
            Cidr range = cidr(target);
            for (Cidr x : excluded) {
                if (!range.contains(x.network())) throw new ControlException("exclusion " + x + " is outside " + range);
            }
            t = new PublishedEntry.Target.Range(range, excluded);
        } else {
            try {
                t = new PublishedEntry.Target.Address(Ip4.parse(target));
            } catch (IllegalArgumentException e) {
                throw new ControlException("'" + target + "' is not an address, a CIDR range or 'proxy'");
            }
        }
        String lladdr = text(request, "lladdr", false);
        long delay = 0;
        String delayText = text(request, "replyDelay", false);
        if (delayText != null) {
            Long d = parseDuration(delayText);
            if (d == null || d < 0) throw new ControlException("'" + delayText + "' is not a duration like 20ms");
            delay = d;
        }
        PublishedEntry entry = new PublishedEntry(t, lladdr == null ? null : hardware(lladdr), request.path("broadcastOnly").asBoolean(false),
                delay, request.path("answerProbes").asBoolean(false));
        String dev = text(request, "dev", false);
        return onLoop(() -> {
            int link = linkOf(dev, true);
            String name = link == 0 ? "*" : nameOf(link);
            Published p = new Published(name, entry);
            if (add) {
                if (operatorPublished.contains(p)) throw new ControlException("already published: " + describe(p));
                command(new OperatorCommand.Publish(link, entry));
                operatorPublished.add(p);
                return ok("published " + describe(p));
            }
            if (!operatorPublished.remove(p)) {
                throw new ControlException("not published by uarpctl: " + describe(p)
                        + " (entries from the config file go away by editing it and reloading)");
            }
            command(new OperatorCommand.Unpublish(link, entry));
            return ok("unpublished " + describe(p));
        }, REQUEST_TIMEOUT_SECONDS);
    }

    private static String describe(Published p) {
        ObjectNode o = publishedJson(p.link(), p.entry(), "operator");
        StringBuilder b = new StringBuilder(o.get("target").asText());
        for (JsonNode x : o.get("exclude")) b.append(" !").append(x.asText());
        return b.append(" dev ").append(p.link()).toString();
    }

    private static Long parseDuration(String text) {
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s)").matcher(text.strip());
        if (!m.matches()) return null;
        double scale = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    private static Cidr cidr(String text) throws ControlException {
        try {
            return Cidr.parse(text.contains("/") ? text : text + "/32");
        } catch (IllegalArgumentException e) {
            throw new ControlException("'" + text + "' is not an address range (CIDR like 198.51.100.0/24)");
        }
    }

    /** Gratuitous ARP for {@code address} now, {@code count} times {@code interval} apart (RFC 5227 §2.3 format). */
    private JsonNode announce(JsonNode request) throws ControlException {
        int address = address(request);
        if (address == 0) throw new ControlException("cannot announce 0.0.0.0");
        long count = request.path("count").asLong(2);
        if (count < 1 || count > 1000) throw new ControlException("announce: --count must be 1 to 1000, got " + count);
        String intervalText = request.path("interval").asText("2s");
        Long interval = parseDuration(intervalText);
        if (interval == null) throw new ControlException("announce: '" + intervalText + "' is not a duration like 2s or 200ms");
        String dev = text(request, "dev", false);
        return onLoop(() -> {
            int link = linkOf(dev, false);
            command(new OperatorCommand.Announce(link, address, (int) count, interval));
            return ok("announcing " + Ip4.format(address) + " on " + nameOf(link) + ": " + count + " gratuitous request"
                    + (count == 1 ? "" : "s") + (count > 1 ? ", " + Fields.formatDuration(interval) + " apart" : ""));
        }, REQUEST_TIMEOUT_SECONDS);
    }

    private JsonNode flush(JsonNode request) throws ControlException {
        String dev = text(request, "dev", false);
        return onLoop(() -> {
            int link = linkOf(dev, true);
            int before = engine.size();
            command(new OperatorCommand.Flush(link));
            return ok("flushed " + (before - engine.size()) + " dynamic entr" + (before - engine.size() == 1 ? "y" : "ies")
                    + (link == 0 ? "" : " on " + nameOf(link)));
        }, REQUEST_TIMEOUT_SECONDS);
    }

    private JsonNode probe(JsonNode request) throws ControlException {
        int address = address(request);
        String dev = text(request, "dev", false);
        CompletableFuture<ObjectNode> done = onLoop(() -> {
            int link = linkOf(dev, false);
            CompletableFuture<ObjectNode> f = new CompletableFuture<>();
            probes.add(new ProbeWait(link, address, System.nanoTime(), f));
            command(new OperatorCommand.Probe(link, address));
            return f;
        }, REQUEST_TIMEOUT_SECONDS);
        try {
            return done.get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ControlException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            // Nobody waits any more: drop the wait, or it stays in the list (and taps every event) for good.
            backend.execute(() -> probes.removeIf(w -> w.done() == done));
            throw new ControlException("no outcome for " + Ip4.format(address) + " within " + PROBE_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted");
        }
    }

    /** Loop thread: completes the probes this event settles. */
    private void probeEvent(EngineEvent ev) {
        for (int i = probes.size() - 1; i >= 0; i--) {
            ProbeWait p = probes.get(i);
            if (p.link() != ev.link() || p.address() != ev.address()) continue;
            String outcome = switch (ev.kind()) {
                case RESOLVED -> "resolved";
                // A STALE entry probed by unicast is confirmed, not resolved anew.
                case CHANGED, ADDED -> ev.state() == NeighborState.REACHABLE ? "resolved" : null;
                case FAILED -> "failed";
                case ANSWERED -> ev.reason() == Reason.FROM_CACHE ? "known" : null;
                case IGNORED -> switch (ev.reason()) {
                    case NEGATIVE_CACHE -> "failed";
                    case LINK_IS_DOWN, WRONG_HARDWARE -> "not probed";
                    default -> null;
                };
                case DROPPED -> "not probed";
                default -> null;
            };
            if (outcome == null) continue;
            probes.remove(i);
            ObjectNode o = JSON.createObjectNode();
            o.put("dst", Ip4.format(p.address()));
            o.put("dev", nameOf(p.link()));
            o.put("outcome", outcome);
            if (ev.hardware() != null) o.put("lladdr", ev.hardware().toString());
            if (ev.state() != null) o.put("state", ev.state().name());
            o.put("reason", ev.reason().name().toLowerCase());
            o.put("ms", (System.nanoTime() - p.start()) / 1e6);
            p.done().complete(o);
        }
    }

    private ObjectNode stats() {
        ObjectNode o = JSON.createObjectNode();
        o.put("uptimeSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        o.put("entries", engine.size());
        o.put("pendingResolutions", engine.pendingResolutions());
        o.put("kernelErrors", backend.installErrors());
        o.put("framesUnsent", backend.droppedFrames());
        o.put("resyncs", backend.resyncs());
        o.put("policyFailures", backend.policyFailures());
        recount();
        o.put("liveStreams", streams.size());
        ObjectNode reasons = o.putObject("events");
        for (Reason r : Reason.values()) {
            long n = engine.count(r);
            if (n > 0) reasons.put(r.name().toLowerCase(), n);
        }
        return o;
    }

    private static ObjectNode ok(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("message", message);
        return o;
    }

    // -- live streams -----------------------------------------------------------------------------

    private Stream subscribe(Stream s) throws ControlException {
        onLoop(() -> {
            streams.add(s);
            recount();
            return null;
        }, REQUEST_TIMEOUT_SECONDS);
        return s;
    }

    /** A stream's reader is gone (any thread): the loop drops it at its next line or here. */
    void unsubscribe(Stream s) {
        s.closed = true;
        backend.execute(() -> {
            streams.remove(s);
            recount();
        });
    }

    private void recount() {
        streams.removeIf(s -> s.closed);
        eventStreams = streams.stream().anyMatch(s -> s.kind == Stream.Kind.EVENTS);
        frameStreams = streams.stream().anyMatch(s -> s.kind == Stream.Kind.FRAMES);
    }

    private void event(EngineEvent ev) {
        ObjectNode o = JSON.createObjectNode();
        Instant t = Instant.now();
        o.put("time", t.toString());
        o.put("kind", ev.kind().name().toLowerCase());
        if (ev.address() != 0) o.put("dst", Ip4.format(ev.address()));
        if (ev.link() != 0) o.put("dev", nameOf(ev.link()));
        if (ev.hardware() != null) o.put("lladdr", ev.hardware().toString());
        if (ev.state() != null) o.put("state", ev.state().name());
        o.put("reason", ev.reason().name().toLowerCase());
        if (ev.latencyNanos() > 0) o.put("ms", ev.latencyNanos() / 1e6);
        if (ev.detail() != null) o.put("detail", ev.detail());
        publish(Stream.Kind.EVENTS, o.toString(), ev.address(), ev.address());
    }

    private void frame(String direction, int link, byte[] buf, int off, int len) {
        int sender = 0;
        int target = 0;
        try {
            // Ethernet framing (the Linux backend's only one): the ARP packet follows the 14-byte header.
            org.uarpd.wire.ArpPacket p = org.uarpd.wire.ArpCodec.decode(buf, off + 14, len - 14);
            if (p.senderProtocol().length() == 4) sender = p.senderProtocol().toIp4();
            if (p.targetProtocol().length() == 4) target = p.targetProtocol().toIp4();
        } catch (org.uarpd.wire.MalformedFrameException | RuntimeException e) {
            // captured as it is; only unfiltered captures get it
        }
        Instant t = Instant.now();
        ObjectNode o = JSON.createObjectNode();
        o.put("epochNanos", t.getEpochSecond() * 1_000_000_000L + t.getNano());
        o.put("direction", direction);
        o.put("dev", nameOf(link));
        o.put("frame", Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(buf, off, off + len)));
        publish(Stream.Kind.FRAMES, o.toString(), sender, target);
    }

    /** Offers {@code line} to the streams of {@code kind} whose address filter is 0, {@code a} or {@code b}. */
    private void publish(Stream.Kind kind, String line, int a, int b) {
        boolean changed = false;
        for (Stream s : streams) {
            if (s.kind == kind && (s.address == 0 || s.address == a || s.address == b) && !s.offer(line)) changed = true;
        }
        if (changed) recount();
    }

    /** For the log: the config in one line. */
    public static String summary(UarpdConfig c) {
        return c.links().size() + " link(s) from " + Objects.toString(c.source());
    }
}
