package org.uarpd.sim.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.Durations;
import org.uarpd.engine.PositionedException;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.sim.SegmentFaults;
import org.uarpd.sim.SimLinkTypes;
import org.uarpd.sim.Simulation;
import org.uarpd.sim.scenario.Scenario.Event;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;

/** Reads the line-oriented scenario format of docs/sim.md. Every error names the file, line and field. */
public final class ScenarioParser {
    private final String file;
    private Long seed;
    private long duration = -1;
    private final List<Scenario.SegmentDecl> segments = new ArrayList<>();
    private final List<Scenario.HostDecl> hosts = new ArrayList<>();
    private final List<Scenario.InterfaceDecl> interfaces = new ArrayList<>();
    private final List<Scenario.Inet6Decl> inet6 = new ArrayList<>();
    private final List<Scenario.RouteDecl> routes = new ArrayList<>();
    private final List<Scenario.PublishDecl> published = new ArrayList<>();
    private final List<Scenario.Publish6Decl> published6 = new ArrayList<>();
    private final List<Scenario.EthersDecl> ethers = new ArrayList<>();
    private final List<Scenario.BridgeDecl> bridges = new ArrayList<>();
    private final List<Scenario.TimedEvent> events = new ArrayList<>();
    private final Map<String, Scenario.SegmentDecl> segmentsByName = new HashMap<>();
    private final Map<String, Scenario.HostDecl> hostsByName = new HashMap<>();
    private final Set<String> interfaceNames = new HashSet<>();
    private final Set<HardwareAddress> hardwareSeen = new HashSet<>();
    private final Set<String> atmServers = new HashSet<>();

    private int line;
    private String[] f;

    private ScenarioParser(String file) {
        this.file = file;
    }

    public static Scenario parse(Path path) throws IOException, PositionedException {
        return parse(path.toString(), Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    public static Scenario parse(String file, List<String> lines) throws PositionedException {
        ScenarioParser p = new ScenarioParser(file);
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            int hash = text.indexOf('#');
            if (hash >= 0) text = text.substring(0, hash);
            text = text.strip();
            if (text.isEmpty()) continue;
            p.line = i + 1;
            p.f = text.split("\\s+");
            p.statement();
        }
        if (p.duration < 0) {
            p.line = lines.size();
            throw new PositionedException(file, lines.size(), "run", "missing: end the scenario with 'run DURATION' (e.g. 'run 30s')");
        }
        return new Scenario(file, p.seed, List.copyOf(p.segments), List.copyOf(p.hosts), List.copyOf(p.interfaces), List.copyOf(p.inet6),
                List.copyOf(p.routes), List.copyOf(p.published), List.copyOf(p.published6), List.copyOf(p.ethers), List.copyOf(p.bridges),
                List.copyOf(p.events), p.duration);
    }

    private void statement() throws PositionedException {
        switch (f[0]) {
            case "seed" -> {
                need(2, "seed N");
                seed = parseLong(f[1], "seed");
            }
            case "segment" -> segment();
            case "host" -> host();
            case "iface" -> iface();
            case "inet6" -> inet6();
            case "route" -> route();
            case "publish" -> publish();
            case "ethers" -> ethersLine();
            case "srbridge" -> bridge();
            case "at" -> at();
            case "run" -> {
                need(2, "run DURATION");
                duration = parseTime(f[1], "duration");
            }
            default -> throw error("statement", "unknown '" + f[0]
                    + "': expected seed, segment, host, iface, inet6, route, publish, ethers, srbridge, at or run");
        }
    }

    private void segment() throws PositionedException {
        need(3, "segment NAME TYPE [options]");
        String name = f[1];
        if (segmentsByName.containsKey(name)) throw error("name", "segment '" + name + "' already declared on line " + segmentsByName.get(name).line());
        LinkType type = SimLinkTypes.named(f[2]);
        if (type == null) {
            throw error("type", "unknown link type '" + f[2] + "': expected one of "
                    + SimLinkTypes.all().stream().map(LinkType::name).toList());
        }
        Scenario.SegmentDecl d = new Scenario.SegmentDecl(line, name, type, faults(3, SegmentFaults.NONE));
        segments.add(d);
        segmentsByName.put(name, d);
    }

    private SegmentFaults faults(int from, SegmentFaults base) throws PositionedException {
        SegmentFaults faults = base;
        for (int i = from; i < f.length; i++) {
            String key = f[i];
            switch (key) {
                case "loss" -> faults = faults.withLoss(probability(value(++i, key), key));
                case "duplicate" -> faults = faults.withDuplicate(probability(value(++i, key), key));
                case "delay" -> faults = faults.withDelay(parseTime(value(++i, key), key), faults.jitterNanos());
                case "jitter" -> faults = faults.withDelay(faults.delayNanos(), parseTime(value(++i, key), key));
                case "reorder" -> {
                    double p = probability(value(++i, key), key);
                    faults = faults.withReorder(p, parseTime(value(++i, "reorder hold-back time"), "reorder hold-back time"));
                }
                default -> throw error("field " + (i + 1), "unknown option '" + key + "': expected loss, duplicate, delay, jitter or reorder");
            }
        }
        return faults;
    }

    private void host() throws PositionedException {
        need(2, "host NAME [uarpd] [after TIME] [assist] [hold N] [forward]");
        String name = f[1];
        if (hostsByName.containsKey(name)) throw error("name", "host '" + name + "' already declared on line " + hostsByName.get(name).line());
        boolean uarpd = false;
        boolean assist = false;
        boolean forward = false;
        long after = 0;
        int hold = 1;
        for (int i = 2; i < f.length; i++) {
            switch (f[i]) {
                case "uarpd" -> uarpd = true;
                case "assist" -> assist = true;
                case "forward" -> forward = true;
                case "after" -> after = parseTime(value(++i, "after"), "after");
                case "hold" -> {
                    hold = parseInt(value(++i, "hold"), "hold");
                    if (hold < 1) throw error("hold", "must be at least 1, got " + hold);
                }
                default -> throw error("field " + (i + 1), "unknown option '" + f[i] + "': expected uarpd, after, assist, hold or forward");
            }
        }
        if ((after > 0 || assist) && !uarpd) throw error("uarpd", "'after' and 'assist' need 'uarpd' on the same line");
        Scenario.HostDecl d = new Scenario.HostDecl(line, name, uarpd, after, assist, hold, forward);
        hosts.add(d);
        hostsByName.put(name, d);
    }

    private void iface() throws PositionedException {
        need(6, "iface HOST IFNAME SEGMENT HWADDR (ADDRESS/LEN | rarp/LEN) [rarp-server] [proxy] [atmarp-server]");
        String host = knownHost(f[1], "host");
        String ifname = f[2];
        if (!interfaceNames.add(host + ":" + ifname)) throw error("interface", host + " already has an interface " + ifname);
        Scenario.SegmentDecl seg = segmentsByName.get(f[3]);
        if (seg == null) throw error("segment", "unknown segment '" + f[3] + "' (declare it with 'segment' first)");
        HardwareAddress hw = hardware(f[4], "hardware address");
        if (hw.length() != seg.type().addressLength()) {
            throw error("hardware address", f[4] + " has " + hw.length() + " bytes, a " + seg.type().name() + " address has " + seg.type().addressLength());
        }
        if (!hardwareSeen.add(hw)) throw error("hardware address", f[4] + " is already used by another interface");
        String addr = f[5];
        int slash = addr.indexOf('/');
        if (slash < 0) throw error("address", "'" + addr + "' lacks a prefix length: write ADDRESS/LEN or rarp/LEN");
        int prefix = prefixLength(addr.substring(slash + 1), "address");
        boolean rarp = addr.startsWith("rarp/");
        int address = rarp ? 0 : ip(addr.substring(0, slash), "address");
        boolean rarpServer = false;
        boolean proxy = false;
        boolean atmArpServer = false;
        for (int i = 6; i < f.length; i++) {
            switch (f[i]) {
                case "rarp-server" -> rarpServer = true;
                case "proxy" -> proxy = true;
                case "atmarp-server" -> {
                    if (!seg.type().hardwareType().equals(HardwareType.ATM)) {
                        throw error("atmarp-server", "segment " + seg.name() + " is " + seg.type().name() + ", not ATM");
                    }
                    if (!atmServers.add(seg.name())) throw error("atmarp-server", "segment " + seg.name() + " already has an ATMARP server");
                    atmArpServer = true;
                }
                default -> throw error("field " + (i + 1), "unknown option '" + f[i] + "': expected rarp-server, proxy or atmarp-server");
            }
        }
        if (rarp && atmArpServer) throw error("atmarp-server", "the ATMARP server needs a configured address, not rarp/LEN");
        if ((rarpServer || proxy) && !hostsByName.get(host).uarpd()) {
            throw error(rarpServer ? "rarp-server" : "proxy", "host " + host + " runs no uarpd (declare it 'host " + host + " uarpd')");
        }
        interfaces.add(new Scenario.InterfaceDecl(line, host, ifname, seg.name(), hw, address, prefix, rarp, rarpServer, proxy, atmArpServer));
    }

    private void inet6() throws PositionedException {
        need(4, "inet6 HOST IFNAME ADDRESS/LEN");
        String host = knownHost(f[1], "host");
        String ifname = knownInterface(host, f[2]);
        if (f.length > 4) throw error("field 5", "unexpected '" + f[4] + "': one address per inet6 line");
        int slash = f[3].indexOf('/');
        if (slash < 0) throw error("address", "'" + f[3] + "' lacks a prefix length: write ADDRESS/LEN");
        inet6.add(new Scenario.Inet6Decl(line, host, ifname, ip6(f[3].substring(0, slash), "address"),
                prefixLength(f[3].substring(slash + 1), "address", 128)));
    }

    private void route() throws PositionedException {
        need(5, "route HOST PREFIX/LEN (via GATEWAY | dev IFNAME)");
        String host = knownHost(f[1], "host");
        String cidr = f[2];
        int slash = cidr.indexOf('/');
        if (slash < 0) throw error("prefix", "'" + cidr + "' lacks /LEN");
        Cidr prefix = read(cidr, "prefix", Cidr::parse);
        int net = prefix.network();
        int len = prefix.prefixLength();
        switch (f[3]) {
            case "via" -> routes.add(new Scenario.RouteDecl(line, host, net, len, ip(f[4], "gateway"), null));
            case "dev" -> routes.add(new Scenario.RouteDecl(line, host, net, len, 0, knownInterface(host, f[4])));
            default -> throw error("field 4", "expected 'via' or 'dev', got '" + f[3] + "'");
        }
    }

    private void publish() throws PositionedException {
        need(4, "publish HOST IFNAME CIDR [except CIDR[,CIDR…]] [mac HWADDR]");
        String host = knownHost(f[1], "host");
        if (!hostsByName.get(host).uarpd()) throw error("host", "host " + host + " runs no uarpd: only uarpd publishes");
        String ifname = knownInterface(host, f[2]);
        boolean six = f[3].contains(":");
        List<String> except = new ArrayList<>();
        HardwareAddress mac = null;
        for (int i = 4; i < f.length; i++) {
            switch (f[i]) {
                case "except" -> except.addAll(List.of(value(++i, "except").split(",")));
                case "mac" -> mac = hardware(value(++i, "mac"), "mac");
                default -> throw error("field " + (i + 1), "unknown option '" + f[i] + "': expected except or mac");
            }
        }
        if (six) {
            Cidr6 range = cidr6(f[3], "range");
            List<Cidr6> excluded = new ArrayList<>();
            for (String c : except) {
                Cidr6 x = cidr6(c, "except");
                if (!range.covers(x)) throw error("except", "'" + c + "' is outside the range " + range);
                excluded.add(x);
            }
            published6.add(new Scenario.Publish6Decl(line, host, ifname, range, List.copyOf(excluded), mac));
            return;
        }
        read(f[3], "range", Cidr::parse); // a bad range is the range's error; what is left is an exclusion's
        PublishedEntry.Target target = read(f[3], "except", t -> PublishedEntry.parseTarget(t, except));
        published.add(new Scenario.PublishDecl(line, host, ifname, target, mac));
    }

    private void ethersLine() throws PositionedException {
        need(4, "ethers HOST HWADDR ADDRESS");
        String host = knownHost(f[1], "host");
        if (!hostsByName.get(host).uarpd()) throw error("host", "host " + host + " runs no uarpd: only uarpd serves RARP");
        ethers.add(new Scenario.EthersDecl(line, host, hardware(f[2], "hardware address"), ip(f[3], "address")));
    }

    private void bridge() throws PositionedException {
        need(6, "srbridge SEGMENT-A RING-A SEGMENT-B RING-B BRIDGE");
        String[] segs = {knownSegment(f[1]), knownSegment(f[3])};
        for (int k = 0; k < 2; k++) {
            if (!segmentsByName.get(segs[k]).type().name().equals("token-ring")) {
                throw error("segment", "segment " + segs[k] + " is " + segmentsByName.get(segs[k]).type().name() + ": source-route bridges join Token Rings");
            }
        }
        if (segs[0].equals(segs[1])) throw error("segment", "a bridge joins two different segments");
        int ringA = parseInt(f[2], "ring number");
        int ringB = parseInt(f[4], "ring number");
        int number = parseInt(f[5], "bridge number");
        if (ringA < 1 || ringA > 4095 || ringB < 1 || ringB > 4095 || ringA == ringB) {
            throw error("ring number", "ring numbers are two different numbers in 1..4095");
        }
        if (number < 1 || number > 15) throw error("bridge number", number + " is not in 1..15");
        bridges.add(new Scenario.BridgeDecl(line, segs[0], ringA, segs[1], ringB, number));
    }

    private void at() throws PositionedException {
        need(3, "at TIME ACTION …");
        long time = parseTime(f[1], "time");
        String[] rest = Arrays.copyOfRange(f, 2, f.length);
        Event e = switch (rest[0]) {
            case "send" -> {
                need(5, "at TIME send HOST DESTINATION [count N] [every TIME]");
                String host = knownHost(f[3], "host");
                int count = 1;
                long every = Simulation.SECOND;
                for (int i = 5; i < f.length; i++) {
                    switch (f[i]) {
                        case "count" -> {
                            count = parseInt(value(++i, "count"), "count");
                            if (count < 1) throw error("count", "must be at least 1");
                        }
                        case "every" -> every = parseTime(value(++i, "every"), "every");
                        default -> throw error("field " + (i + 1), "unknown option '" + f[i] + "': expected count or every");
                    }
                }
                yield f[4].contains(":") ? new Event.Send6(host, ip6(f[4], "destination"), count, every)
                        : new Event.Send(host, ip(f[4], "destination"), count, every);
            }
            case "partition" -> {
                need(5, "at TIME partition SEGMENT HOST[,HOST…] | HOST[,HOST…]");
                String seg = knownSegment(f[3]);
                List<List<String>> groups = new ArrayList<>();
                for (String g : String.join(" ", Arrays.copyOfRange(f, 4, f.length)).split("\\|")) {
                    List<String> members = new ArrayList<>();
                    for (String h : g.strip().split("[,\\s]+")) {
                        if (!h.isEmpty()) members.add(knownHost(h, "partition group"));
                    }
                    if (members.isEmpty()) throw error("partition group", "empty group");
                    groups.add(members);
                }
                yield new Event.Partition(seg, groups);
            }
            case "heal" -> {
                need(4, "at TIME heal SEGMENT");
                yield new Event.Heal(knownSegment(f[3]));
            }
            case "faults" -> {
                need(4, "at TIME faults SEGMENT [loss P] [duplicate P] [delay T] [jitter T] [reorder P T]");
                String seg = knownSegment(f[3]);
                yield new Event.Faults(seg, faults(4, SegmentFaults.NONE));
            }
            case "crash" -> new Event.Crash(hostArg());
            case "restart" -> new Event.Restart(hostArg());
            case "start-uarpd" -> new Event.StartUarpd(uarpdHostArg());
            case "kill-uarpd" -> new Event.KillUarpd(uarpdHostArg());
            case "link" -> {
                need(6, "at TIME link HOST IFNAME up|down");
                String host = knownHost(f[3], "host");
                String ifname = knownInterface(host, f[4]);
                if (!f[5].equals("up") && !f[5].equals("down")) throw error("state", "expected up or down, got '" + f[5] + "'");
                yield new Event.Link(host, ifname, f[5].equals("up"));
            }
            case "addr" -> {
                need(7, "at TIME addr HOST IFNAME add|del ADDRESS/LEN");
                String host = knownHost(f[3], "host");
                String ifname = knownInterface(host, f[4]);
                if (!f[5].equals("add") && !f[5].equals("del")) throw error("operation", "expected add or del, got '" + f[5] + "'");
                int slash = f[6].indexOf('/');
                if (slash < 0) throw error("address", "'" + f[6] + "' lacks /LEN");
                String address = f[6].substring(0, slash);
                String prefix = f[6].substring(slash + 1);
                yield address.contains(":")
                        ? new Event.Address6(host, ifname, ip6(address, "address"), prefixLength(prefix, "address", 128), f[5].equals("add"))
                        : new Event.Address(host, ifname, ip(address, "address"), prefixLength(prefix, "address"), f[5].equals("add"));
            }
            case "static" -> {
                need(7, "at TIME static HOST IFNAME ADDRESS HWADDR");
                String host = knownHost(f[3], "host");
                String ifname = knownInterface(host, f[4]);
                yield new Event.StaticEntry(host, ifname, ip(f[5], "address"), hardware(f[6], "hardware address"));
            }
            default -> throw error("action", "unknown '" + rest[0]
                    + "': expected send, partition, heal, faults, crash, restart, start-uarpd, kill-uarpd, link, addr or static");
        };
        events.add(new Scenario.TimedEvent(line, time, e));
    }

    private String hostArg() throws PositionedException {
        need(4, "at TIME " + f[2] + " HOST");
        return knownHost(f[3], "host");
    }

    private String uarpdHostArg() throws PositionedException {
        String h = hostArg();
        if (!hostsByName.get(h).uarpd()) throw error("host", "host " + h + " runs no uarpd");
        return h;
    }

    // ---------------------------------------------------------------- fields

    private void need(int fields, String usage) throws PositionedException {
        if (f.length < fields) throw error("field " + (f.length + 1), "missing: expected '" + usage + "'");
    }

    private String value(int i, String key) throws PositionedException {
        if (i >= f.length) throw error(key, "missing value after '" + key + "'");
        return f[i];
    }

    private String knownHost(String name, String field) throws PositionedException {
        if (!hostsByName.containsKey(name)) throw error(field, "unknown host '" + name + "' (declare it with 'host' first)");
        return name;
    }

    private String knownSegment(String name) throws PositionedException {
        if (!segmentsByName.containsKey(name)) throw error("segment", "unknown segment '" + name + "'");
        return name;
    }

    private String knownInterface(String host, String ifname) throws PositionedException {
        if (!interfaceNames.contains(host + ":" + ifname)) throw error("interface", host + " has no interface '" + ifname + "'");
        return ifname;
    }

    /** Reads {@code text} with the one parser of its concept; its complaint becomes this file's, line's and field's. */
    private <T> T read(String text, String field, java.util.function.Function<String, T> parser) throws PositionedException {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw error(field, e.getMessage());
        }
    }

    private int ip(String text, String field) throws PositionedException {
        return read(text, field, Ip4::parse);
    }

    private Ip6Address ip6(String text, String field) throws PositionedException {
        return read(text, field, Ip6Address::parse);
    }

    private Cidr6 cidr6(String text, String field) throws PositionedException {
        return read(text, field, Cidr6::parse);
    }

    private int prefixLength(String text, String field) throws PositionedException {
        return prefixLength(text, field, 32);
    }

    private int prefixLength(String text, String field, int max) throws PositionedException {
        long v = parseLong(text, field + " prefix length");
        if (v < 0 || v > max) throw error(field, "prefix length " + v + " is not in 0.." + max);
        return (int) v;
    }

    private HardwareAddress hardware(String text, String field) throws PositionedException {
        return read(text, field, HardwareAddress::parse);
    }

    private long parseLong(String text, String field) throws PositionedException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error(field, "'" + text + "' is not a whole number");
        }
    }

    /** A whole number that must fit an int: a plain cast would wrap 4294967297 to 1 and pass every range check. */
    private int parseInt(String text, String field) throws PositionedException {
        long v = parseLong(text, field);
        if (v != (int) v) throw error(field, "'" + text + "' is too large");
        return (int) v;
    }

    private double probability(String text, String field) throws PositionedException {
        double p;
        try {
            p = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error(field, "'" + text + "' is not a number");
        }
        if (!(p >= 0 && p <= 1)) throw error(field, "'" + text + "' is not a probability between 0 and 1");
        return p;
    }

    /** A time as {@link Durations} reads it ("1.5s", "200ms", "2m"); a bare number is seconds; never negative. */
    private long parseTime(String text, String field) throws PositionedException {
        long nanos = read(text, field, Durations::parseSecondsByDefault);
        if (nanos < 0) throw error(field, "'" + text + "' is negative; expected a time of at least 0s");
        return nanos;
    }

    private PositionedException error(String field, String problem) {
        return new PositionedException(file, line, field, problem);
    }
}
