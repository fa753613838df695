package org.uarpd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.NdConfig;
import org.uarpd.engine.NdLinkPolicy;

/**
 * uarpd's configuration, read from a TOML file (default {@value #DEFAULT_PATH}). One record per
 * section, each with its own {@code read(Fields)} that checks it; a link's guard, conflict and bridge
 * settings are read by {@link LinkSection} ({@link GuardSection}, {@link ConflictSection}).
 *
 * <p>Reading never stops at the first mistake: every section is read, every mistake collected, and a
 * {@link ConfigException} lists them all. A config is only returned when it has none, so a bad file
 * changes nothing.
 */
public record UarpdConfig(String source, LogSection log, ControlSection control, MetricsSection metrics,
                          TimersSection timers, LimitsSection limits, RarpSection rarp,
                          Map<String, LinkSection> links, List<StaticEntry> statics, FleetSection fleet) {
    public static final String DEFAULT_PATH = "/etc/uarpd/uarpd.toml";

    public UarpdConfig {
        links = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(links));
        statics = List.copyOf(statics);
    }

    /** No file: everything at its default, no links (the command line names them). */
    public static UarpdConfig defaults() {
        return new UarpdConfig("(defaults)", LogSection.DEFAULT, ControlSection.DEFAULT, MetricsSection.OFF,
                TimersSection.DEFAULT, LimitsSection.DEFAULT, RarpSection.NONE, Map.of(), List.of(), FleetSection.OFF);
    }

    /** Reads and checks {@code file}; relative ethers/hosts paths are taken from the file's directory. */
    public static UarpdConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 0, "", "no such file; expected a uarpd.toml (see packaging/uarpd.toml)")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 0, "", "cannot read: " + e)));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir == null ? Path.of("/") : dir);
    }

    /** Checks {@code text}, reported as coming from {@code name}. */
    public static UarpdConfig parse(String text, String name, Path baseDir) throws ConfigException {
        Toml.Table root;
        try {
            root = Toml.parse(text);
        } catch (Toml.SyntaxError e) {
            throw new ConfigException(List.of(new ConfigError(name, e.line, "", e.getMessage())));
        }
        List<ConfigError> errors = new ArrayList<>();
        UarpdConfig c = read(name, new Fields(name, "", root, errors), baseDir);
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparingInt(ConfigError::line));
            throw new ConfigException(errors);
        }
        return c;
    }

    /**
     * Every table a reader takes only when the file has it, present and empty (an array of tables with
     * one empty element): reading it makes each section's reader ask for every key it knows.
     */
    private static final String EVERY_TABLE = """
            [limits]
            link-requests = {}
            target-requests = {}
            [fleet]
            groups = {}
            [links.NAME]
            [links.NAME.conflict]
            [[links.NAME.conflict.address]]
            [links.NAME.guard]
            per-source = {}
            [[links.NAME.guard.pin]]
            [[links.NAME.publish]]
            [[static]]
            """;

    /**
     * Every key this reader knows, as a dotted path ({@code links.NAME.guard.per-source.burst}; an
     * array of tables without an index, a link's table as {@code links.NAME}): what the sections'
     * readers ask for, so it cannot drift from them. uarpd.toml(5) is checked against it.
     */
    public static java.util.SortedSet<String> keys() {
        Fields.Catalog catalog = new Fields.Catalog();
        List<ConfigError> errors = new ArrayList<>(); // an empty entry is a mistake; only the names asked for matter here
        Toml.Table every;
        try {
            every = Toml.parse(EVERY_TABLE);
        } catch (Toml.SyntaxError e) {
            throw new IllegalStateException("UarpdConfig.EVERY_TABLE: " + e.getMessage(), e);
        }
        read("(every table)", new Fields("(every table)", "", every, errors, catalog), Path.of("/"));
        if (!catalog.absentTables().isEmpty()) {
            throw new IllegalStateException("UarpdConfig.EVERY_TABLE lacks " + catalog.absentTables() + ", whose keys are therefore unlisted");
        }
        return java.util.Collections.unmodifiableSortedSet((java.util.SortedSet<String>) catalog.keys());
    }

    private static UarpdConfig read(String name, Fields root, Path baseDir) {
        LogSection log = section(root, "log", LogSection::read);
        ControlSection control = section(root, "control", ControlSection::read);
        MetricsSection metrics = section(root, "metrics", MetricsSection::read);
        TimersSection timers = section(root, "timers", TimersSection::read);
        LimitsSection limits = section(root, "limits", LimitsSection::read);
        RarpSection rarp = section(root, "rarp", f -> RarpSection.read(f, baseDir));
        FleetSection fleet = section(root, "fleet", FleetSection::read);
        Map<String, LinkSection> links = new LinkedHashMap<>();
        Fields linksTable = root.table("links");
        if (linksTable != null) {
            var named = linksTable.namedTables();
            for (var e : named.entrySet()) links.put(e.getKey(), LinkSection.read(e.getKey(), e.getValue(), named.keySet()));
        }
        List<StaticEntry> statics = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Fields s : root.tables("static")) {
            StaticEntry e = StaticEntry.read(s, links.keySet());
            if (e == null) continue;
            if (!seen.add(e.link() + "/" + e.address())) {
                s.error("address", "\"" + org.uarpd.wire.Ip4.format(e.address()) + "\" on " + e.link()
                        + " is already a static entry; expected one entry per address and link");
            } else {
                statics.add(e);
            }
        }
        for (LinkSection l : links.values()) {
            if (l.policy().rarp() && rarp.table().addresses().isEmpty() && rarp.ethers() == null) {
                linksTable.tableOrEmpty(l.name()).error("rarp", "is true but there is no ethers file to answer from; expected an [rarp] table with ethers = \"/etc/ethers\"");
            }
        }
        List<LinkSection> bridged = links.values().stream().filter(l -> l.policy().bridge()).toList();
        if (bridged.size() == 1) {
            linksTable.tableOrEmpty(bridged.get(0).name()).error("bridge", "is the only bridged link; expected bridge = true on at least two links");
        }
        root.finish();
        return new UarpdConfig(name, log, control, metrics, timers, limits, rarp, links, statics, fleet);
    }

    /** Reads section {@code name} (an empty table when absent, so defaults go the same way), then reports its unknown keys. */
    private static <T> T section(Fields root, String name, java.util.function.Function<Fields, T> reader) {
        Fields f = root.tableOrEmpty(name);
        T value = reader.apply(f);
        f.finish();
        return value;
    }

    /** The engine's configuration: timers, limits, the RARP table and one policy per configured link. */
    public EngineConfig engineConfig(long seed) {
        Map<String, LinkPolicy> byName = new LinkedHashMap<>();
        for (LinkSection l : links.values()) byName.put(l.name(), fleet.enabled() ? unowned(l.policy()) : l.policy());
        return EngineConfig.defaults().withSeed(seed).withTimers(timers.timers())
                .withBounds(limits.maxEntries(), limits.maxStaticEntries(), limits.maxPending())
                .withRateLimits(limits.linkRequests(), limits.targetRequests())
                .withLinks(byName).withEthers(rarp.table());
    }

    /**
     * Neighbour discovery's configuration: each link's IPv6 published entries ({@link LinkSection#published6},
     * the file's and the command line's); a link not configured here publishes nothing.
     */
    public NdConfig ndConfig() {
        Map<String, NdLinkPolicy> byName = new LinkedHashMap<>();
        for (LinkSection l : links.values()) byName.put(l.name(), l.ndPolicy());
        return NdConfig.defaults().withLinks(byName);
    }

    /**
     * {@code p} without the entries of fleet groups: those are answered only while this host owns their
     * group, so the daemon publishes them through the engine's operator entries (which a reload keeps)
     * when it gains the group, and takes them back when it loses it.
     */
    private LinkPolicy unowned(LinkPolicy p) {
        return p.withPublished(p.published().stream().filter(e -> fleet.groupOf(e) == null).toList());
    }

    public UarpdConfig withFleet(FleetSection f) {
        return new UarpdConfig(source, log, control, metrics, timers, limits, rarp, links, statics, f);
    }

    public UarpdConfig withLinks(Map<String, LinkSection> l) {
        return new UarpdConfig(source, log, control, metrics, timers, limits, rarp, l, statics, fleet);
    }

    public UarpdConfig withRarp(RarpSection r) {
        return new UarpdConfig(source, log, control, metrics, timers, limits, r, links, statics, fleet);
    }

    public UarpdConfig withLog(LogSection l) {
        return new UarpdConfig(source, l, control, metrics, timers, limits, rarp, links, statics, fleet);
    }

    public UarpdConfig withControl(ControlSection c) {
        return new UarpdConfig(source, log, c, metrics, timers, limits, rarp, links, statics, fleet);
    }
}
