package org.uarpd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.NdConfig;
import org.uarpd.engine.NdLinkPolicy;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

class UarpdConfigTest {
    static final Path HERE = Path.of(".");

    static List<String> errors(String text) {
        try {
            UarpdConfig.parse(text.replace("\\n", "\n"), "uarpd.toml", HERE);
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
        throw new AssertionError("no error for:\n" + text);
    }

    /**
     * A {@code [[links.eth0.publish]]} table answering {@code range} under {@code when} (null: no key)
     * and {@code via} (null: no key): one line per key, so line numbers in messages count them.
     */
    static String publish(String range, String when, String via) {
        return "[[links.eth0.publish]]\nrange = \"" + range + "\"\n" + (when == null ? "" : "when = \"" + when + "\"\n")
                + (via == null ? "" : "via = \"" + via + "\"\n");
    }

    /** One mistake per row: the file (\n for newlines) and the exact message. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        [links.eth0]\\nmode = "authorative"                  | uarpd.toml:2: links.eth0.mode: "authorative" is not a mode; expected "authoritative", "assist" or "answer"
        [links.eth0]\\nmdoe = "assist"                       | uarpd.toml:2: links.eth0.mdoe: unknown key; did you mean 'mode'?
        [timers]\\nreachable = 30                            | uarpd.toml:2: timers.reachable: 30 has no unit; expected a duration like "30s", "500ms" or "2m"
        [timers]\\nretransmit = "fast"                       | uarpd.toml:2: timers.retransmit: "fast" is not a duration; expected a duration like "30s", "500ms" or "2m"
        [timers]\\nnegative-cache = "0s"                     | uarpd.toml:2: timers.negative-cache: "0s" is out of range; expected a duration greater than 0s
        [timers]\\nbroadcast-probes = 0                      | uarpd.toml:2: timers.broadcast-probes: 0 is out of range; expected a whole number from 1 to 100
        [timers]\\nretransmit = "2s"\\nmax-retransmit = "1s" | uarpd.toml:3: timers.max-retransmit: max-retransmit (1s) is shorter than retransmit (2s); expected max-retransmit ≥ retransmit
        [links.eth0]\\nunsolicited-na = "accept"            | uarpd.toml:2: links.eth0.unsolicited-na: "accept" is not a choice for unsolicited advertisements; expected "ignore", "update", "create" or "create-on-link"
        [links.eth0]\\nnd-router = 1                        | uarpd.toml:2: links.eth0.nd-router: 1 is a whole number; expected true or false
        [links.eth0]\\nrarp = "yes"                          | uarpd.toml:2: links.eth0.rarp: "yes" is a string; expected true or false
        [links.eth0]\\nrarp = true                           | uarpd.toml:2: links.eth0.rarp: is true but there is no ethers file to answer from; expected an [rarp] table with ethers = "/etc/ethers"
        [[links.eth0.publish]]\\nrange = "198.51.100.0/33"   | uarpd.toml:2: links.eth0.publish[0].range: "198.51.100.0/33" is not an address range; expected CIDR like "198.51.100.0/24"
        [[links.eth0.publish]]\\nrange = "198.51.100.0/24"\\nexclude = ["192.0.2.1"] | uarpd.toml:3: links.eth0.publish[0].exclude: "192.0.2.1" is outside the range 198.51.100.0/24; expected addresses within it
        [[links.eth0.publish]]\\nrange = "198.51.100.0/24"\\nexclude = ["nearby"] | uarpd.toml:3: links.eth0.publish[0].exclude: "nearby" is not an address range; expected CIDR like "198.51.100.0/24"
        [[links.eth0.publish]]\\nproxy = true\\nexclude = ["198.51.100.1"] | uarpd.toml:3: links.eth0.publish[0].exclude: exclusions need a range; proxy entries take none
        [[links.eth0.publish]]\\naddress = "198.51.100.7"\\nexclude = ["198.51.100.7"] | uarpd.toml:3: links.eth0.publish[0].exclude: exclusions need a range; expected range = "CIDR" instead of address
        [[links.eth0.publish]]\\naddress = "198.51.100.0/24"  | uarpd.toml:2: links.eth0.publish[0].address: "198.51.100.0/24" is a range; expected range = "198.51.100.0/24" or one address like "192.0.2.7"
        [[links.eth0.publish]]\\nbroadcast-only = true       | uarpd.toml:1: links.eth0.publish[0]: says nothing to publish; expected exactly one of address = "198.51.100.7", range = "198.51.100.0/24" or proxy = true
        [[links.eth0.publish]]\\naddress = "198.51.100.7"\\nhardware = "02:00:5e:00:53"   | uarpd.toml:3: links.eth0.publish[0].hardware: "02:00:5e:00:53" is not an Ethernet address; expected six hex bytes like "02:00:5e:00:53:01"
        [[links.eth0.publish]]\\naddress = "198.51.100.300"  | uarpd.toml:2: links.eth0.publish[0].address: "198.51.100.300" is not an IPv4 address; expected dotted quad like "192.0.2.7"
        [links.eth0]\\n[[static]]\\nlink = "eth1"\\naddress = "192.0.2.9"\\nhardware = "02:00:5e:00:53:09" | uarpd.toml:3: static[0].link: "eth1" is not a configured link; expected "eth0"
        [metrics]\\nlisten = "127.0.0.1"                     | uarpd.toml:2: metrics.listen: "127.0.0.1" has no port; expected HOST:PORT like "127.0.0.1:9587" or "[::1]:9587"
        [metrics]\\nlisten = "127.0.0.1:70000"               | uarpd.toml:2: metrics.listen: port 70000 is out of range; expected 1 to 65535
        [control]\\nsocket = "run/uarpd.sock"                | uarpd.toml:2: control.socket: "run/uarpd.sock" is not an absolute path; expected one like "/run/uarpd/control.sock"
        [log]\\nlevel = "verbose"                            | uarpd.toml:2: log.level: "verbose" is not a log level; expected "error", "warn", "info", "debug" or "trace"
        [limits]\\nlink-requests = { burst = 0, per-second = 10 } | uarpd.toml:2: limits.link-requests.burst: 0 is out of range; expected a whole number from 1 to 1000000
        [limits]\\nmax-entries = "many"                      | uarpd.toml:2: limits.max-entries: "many" is a string; expected a whole number from 1 to 268435456
        [rarp]\\nhosts = "/etc/hosts"                        | uarpd.toml:2: rarp.hosts: a hosts file is only used with an ethers file; add ethers = "/etc/ethers"
        [links.eth0]\\nmode = assist                         | uarpd.toml:2: 'assist' is not a value; strings need quotes, like "assist"
        [links.eth0]\\n[links.eth0]                          | uarpd.toml:2: [links.eth0] is defined twice (first on line 1)
        [timers]\\nreachable = "30s"\\nreachable = "10s"     | uarpd.toml:3: key 'reachable' is defined twice (first on line 2)
        [timer]\\nreachable = "30s"                          | uarpd.toml:1: timer: unknown key; did you mean 'timers'?
        [links.eth0.conflict]\\ndefend = "sometimes"         | uarpd.toml:2: links.eth0.conflict.defend: "sometimes" is not a defence; expected "report", "never", "once" or "always"
        [links.eth0.conflict]\\nprobe = 1                    | uarpd.toml:2: links.eth0.conflict.probe: 1 is a whole number; expected true or false
        [[links.eth0.conflict.address]]\\ndefend = "always"  | uarpd.toml:1: links.eth0.conflict.address[0]: names no address; expected address = "192.0.2.1" and defend = "always"
        [[links.eth0.conflict.address]]\\naddress = "192.0.2.1"\\ndefend = "always"\\n[[links.eth0.conflict.address]]\\naddress = "192.0.2.1"\\ndefend = "never" | uarpd.toml:5: links.eth0.conflict.address[1].address: "192.0.2.1" already has a defence on this link; expected one entry per address
        [links.eth0.guard]\\nverify-timeout = "0s"           | uarpd.toml:2: links.eth0.guard.verify-timeout: "0s" is out of range; expected a duration greater than 0s
        [links.eth0.guard]\\nsource-slots = 1000             | uarpd.toml:2: links.eth0.guard.source-slots: 1000 is not a power of two; expected one like 1024
        [links.eth0.guard]\\nper-source = { burst = 20, per-second = 0 } | uarpd.toml:2: links.eth0.guard.per-source.per-second: 0 is out of range; expected a number greater than 0.0
        [links.eth0.guard]\\nverify-change = false           | uarpd.toml:2: links.eth0.guard.verify-change: unknown key; did you mean 'verify-changes'?
        [[links.eth0.guard.pin]]\\naddress = "192.0.2.254"   | uarpd.toml:1: links.eth0.guard.pin[0]: needs both address and hardware; expected address = "192.0.2.254" and hardware = "02:00:5e:00:53:fe"
        [[links.eth0.guard.pin]]\\naddress = "192.0.2.254"\\nhardware = "fe"   | uarpd.toml:3: links.eth0.guard.pin[0].hardware: "fe" is not an Ethernet address; expected six hex bytes like "02:00:5e:00:53:01"
        [links.eth0]\\nguard = true                         | uarpd.toml:2: links.eth0.guard: true is a boolean; expected a table ([links.eth0.guard] or { ... })
        [links.eth0]\\nbridge = true\\n[links.eth1]         | uarpd.toml:2: links.eth0.bridge: is the only bridged link; expected bridge = true on at least two links
        [links.eth0]\\nbridge = true\\n[links.eth1]\\nbridge = true\\nmode = "assist" | uarpd.toml:4: links.eth1.bridge: needs mode = "authoritative" (uarpd must answer and install routes on a bridged link); expected bridge = false or mode = "authoritative"
        """)
    void mistake(String file, String message) {
        assertThat(errors(file)).containsExactly(message);
    }

    @Test
    @DisplayName("r67: per-link guard, conflict and bridge settings map onto the engine's link policies; absent tables mean off")
    void guardConflictBridge() throws Exception {
        UarpdConfig c = UarpdConfig.parse("""
                [links.u0]
                bridge = true
                [links.u0.conflict]
                probe = true
                announce = true
                defend = "once"
                remove-on-conflict = true
                ignore-mismatched-probes = true
                [[links.u0.conflict.address]]
                address = "192.0.2.9"
                defend = "always"
                [links.u0.guard]
                allow-unsolicited = true
                lock-learnt = true
                verify-timeout = "250ms"
                per-source = { burst = 5, per-second = 10 }
                source-slots = 64
                [[links.u0.guard.pin]]
                address = "192.0.2.254"
                hardware = "02:00:5e:00:53:fe"
                [links.u1]
                bridge = true
                [links.u1.guard]
                station-events = false
                rate-limit = false
                [links.u2]
                mode = "assist"
                """, "t.toml", HERE);
        EngineConfig e = c.engineConfig(1);
        var u0 = e.policyFor("u0");
        assertThat(u0.bridge()).isTrue();
        assertThat(u0.conflict().probe()).isTrue();
        assertThat(u0.conflict().announce()).isTrue();
        assertThat(u0.conflict().removeOnConflict()).isTrue();
        assertThat(u0.conflict().ignoreMismatchedProbes()).isTrue();
        assertThat(u0.conflict().defenseFor(Ip4.parse("192.0.2.1"))).isEqualTo(org.uarpd.engine.Defense.ONCE_THEN_YIELD);
        assertThat(u0.conflict().defenseFor(Ip4.parse("192.0.2.9"))).isEqualTo(org.uarpd.engine.Defense.ALWAYS);
        assertThat(u0.guard().active()).isTrue();
        assertThat(u0.guard().allowUnsolicited()).isTrue();
        assertThat(u0.guard().senderConsistency()).isTrue();
        assertThat(u0.guard().verifyChanges()).isTrue();
        assertThat(u0.guard().lockLearnt()).isTrue();
        assertThat(u0.guard().verifyTimeoutNanos()).isEqualTo(250_000_000L);
        assertThat(u0.guard().perSource()).isEqualTo(new org.uarpd.engine.RateLimit(5, 10));
        assertThat(u0.guard().sourceSlots()).isEqualTo(64);
        assertThat(u0.guard().pinned()).containsExactly(java.util.Map.entry(Ip4.parse("192.0.2.254"), HardwareAddress.parse("02:00:5e:00:53:fe")));
        var u1 = e.policyFor("u1");
        assertThat(u1.bridge()).isTrue();
        assertThat(u1.guard()).isEqualTo(org.uarpd.engine.GuardPolicy.strict().withStationEvents(false, 4096).withPerSource(null, 1024));
        assertThat(u1.conflict()).isEqualTo(org.uarpd.engine.ConflictPolicy.reportOnly());
        var u2 = e.policyFor("u2");
        assertThat(u2.bridge()).isFalse();
        assertThat(u2.guard()).isEqualTo(org.uarpd.engine.GuardPolicy.off());
        assertThat(u2.guard().active()).isFalse();
        // an empty [links.IF.guard] table is the same guard as `uarpd run --guard`
        UarpdConfig empty = UarpdConfig.parse("[links.u0.guard]\n", "t.toml", HERE);
        assertThat(empty.links().get("u0").policy().guard()).isEqualTo(org.uarpd.engine.GuardPolicy.strict());
    }

    @Test
    @DisplayName("every mistake in a file is reported, in line order, not just the first")
    void allErrors() {
        List<String> got = errors("""
                [log]
                level = "loud"
                [links.eth0]
                mode = "authorative"
                annonce = true
                [timers]
                reachable = "soon"
                """);
        assertThat(got).containsExactly(
                "uarpd.toml:2: log.level: \"loud\" is not a log level; expected \"error\", \"warn\", \"info\", \"debug\" or \"trace\"",
                "uarpd.toml:4: links.eth0.mode: \"authorative\" is not a mode; expected \"authoritative\", \"assist\" or \"answer\"",
                "uarpd.toml:5: links.eth0.annonce: unknown key; did you mean 'announce'?",
                "uarpd.toml:7: timers.reachable: \"soon\" is not a duration; expected a duration like \"30s\", \"500ms\" or \"2m\"");
    }

    @Test
    @DisplayName("a missing file names itself")
    void missingFile(@TempDir Path dir) {
        Path f = dir.resolve("nope.toml");
        assertThatThrownBy(() -> UarpdConfig.load(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ": no such file; expected a uarpd.toml (see packaging/uarpd.toml)");
    }

    @Test
    @DisplayName("a bad ethers file is a config error naming the ethers file and line")
    void badEthers(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ethers"), "02:00:5e:00:53:01 192.0.2.9\nnot-a-mac 192.0.2.10\n");
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, "[rarp]\nethers = \"ethers\"\n[links.eth0]\nrarp = true\n");
        assertThatThrownBy(() -> UarpdConfig.load(conf)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(conf + ":2: rarp.ethers: ").hasMessageContaining(dir.resolve("ethers") + ":2");
    }

    @Test
    @DisplayName("the sample config in packaging/ parses, and says what the defaults are")
    void sampleParses() throws Exception {
        Path sample = Path.of("..", "packaging", "uarpd.toml");
        UarpdConfig c = UarpdConfig.load(sample);
        EngineConfig e = c.engineConfig(1);
        EngineConfig d = EngineConfig.defaults();
        assertThat(e.timers()).isEqualTo(d.timers());
        assertThat(e.linkRequests()).isEqualTo(d.linkRequests());
        assertThat(e.targetRequests()).isEqualTo(d.targetRequests());
        assertThat(e.maxEntries()).isEqualTo(d.maxEntries());
        assertThat(c.log().level()).isEqualTo("info");
        assertThat(c.metrics().enabled()).isFalse();
        assertThat(e.policyFor("eth0").mode()).isEqualTo(LinkMode.AUTHORITATIVE);
        assertThat(e.policyFor("eth0").conflict()).isEqualTo(org.uarpd.engine.ConflictPolicy.reportOnly());
        assertThat(e.policyFor("eth0").guard()).isEqualTo(org.uarpd.engine.GuardPolicy.off());
        assertThat(e.policyFor("eth0").bridge()).isFalse();
        // the sample's commented guard table, uncommented, is the documented default guard
        String guard = Files.readString(sample).lines().dropWhile(l -> !l.startsWith("# [links.eth0.guard]"))
                .takeWhile(l -> l.startsWith("# ")).map(l -> l.substring(2)).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(guard).contains("per-source");
        UarpdConfig g = UarpdConfig.parse(guard + "\n", "guard.toml", HERE);
        assertThat(g.links().get("eth0").policy().guard()).isEqualTo(org.uarpd.engine.GuardPolicy.strict()
                .withPinned(java.util.Map.of(Ip4.parse("192.0.2.254"), HardwareAddress.parse("02:00:5e:00:53:fe"))));
        assertThat(e.policyFor("eth0").published()).containsExactly(PublishedEntry.range(Cidr.parse("198.51.100.0/24"),
                Cidr.parse("198.51.100.1/32"), Cidr.parse("198.51.100.128/28")));
    }

    @Test
    @DisplayName("a published range of one address is that address, as on the command line and the control socket")
    void aSlash32RangeIsTheAddress() throws Exception {
        UarpdConfig c = UarpdConfig.parse("[[links.eth0.publish]]\nrange = \"198.51.100.7/32\"\n", "uarpd.toml", HERE);
        assertThat(c.links().get("eth0").policy().published()).extracting(PublishedEntry::target)
                .containsExactly(org.uarpd.daemon.syntax.PublishedTargets.parseList("198.51.100.7/32"));
        assertThat(org.uarpd.daemon.syntax.PublishedTargets.parseList("198.51.100.7/32")).isInstanceOf(PublishedEntry.Target.Address.class);
    }

    @Test
    @DisplayName("a full config maps onto the engine's: per-entry options, statics, limits, metrics, control")
    void fullConfig() throws Exception {
        UarpdConfig c = UarpdConfig.parse("""
                [control]
                socket = "/tmp/u.sock"
                group = "uarpd"
                [metrics]
                listen = "127.0.0.1:9587"
                [timers]
                reachable = "1.5s"
                negative-cache = "500ms"
                [limits]
                max-pending = 10
                target-requests = { burst = 2, per-second = 0.5 }
                [links.u0]
                mode = "assist"   # trailing comment
                [[links.u0.publish]]
                address = '198.51.100.7'
                hardware = "02:00:5e:00:53:07"
                broadcast-only = true
                reply-delay = "20ms"
                answer-probes = true
                [[links.u0.publish]]
                proxy = true
                [[static]]
                link = "u0"
                address = "192.0.2.9"
                hardware = "02:00:5e:00:53:09"
                """, "t.toml", HERE);
        EngineConfig e = c.engineConfig(7);
        assertThat(e.timers().baseReachableNanos()).isEqualTo(1_500_000_000L);
        assertThat(e.timers().negativeCacheNanos()).isEqualTo(500_000_000L);
        assertThat(e.maxPending()).isEqualTo(10);
        assertThat(e.targetRequests().burst()).isEqualTo(2);
        assertThat(e.targetRequests().perSecond()).isEqualTo(0.5);
        assertThat(e.policyFor("u0").mode()).isEqualTo(LinkMode.ASSIST);
        assertThat(e.policyFor("u0").published()).containsExactly(
                PublishedEntry.address(Ip4.parse("198.51.100.7")).withHardware(HardwareAddress.parse("02:00:5e:00:53:07"))
                        .withBroadcastOnly(true).withReplyDelay(20_000_000L).withAnswerProbes(true),
                PublishedEntry.routedElsewhere());
        assertThat(c.statics()).containsExactly(new StaticEntry("u0", Ip4.parse("192.0.2.9"), HardwareAddress.parse("02:00:5e:00:53:09")));
        assertThat(c.metrics()).isEqualTo(new MetricsSection("127.0.0.1", 9587));
        assertThat(c.control()).isEqualTo(new ControlSection(Path.of("/tmp/u.sock"), "uarpd"));
    }

    @Test
    @DisplayName("an IPv6 address or prefix in [[links.IF.publish]] is neighbour discovery's, read as the command line reads it")
    void ipv6PublishedEntries() throws Exception {
        UarpdConfig c = UarpdConfig.parse("""
                [[links.eth0.publish]]
                range = "2001:db8:1::/64"
                exclude = ["2001:db8:1::1", "2001:db8:1::f0/124"]
                [[links.eth0.publish]]
                address = "2001:db8:2::7"
                hardware = "02:00:5e:00:53:07"
                [[links.eth0.publish]]
                range = "198.51.100.0/28"
                [links.eth1]
                """, "uarpd.toml", HERE);
        LinkSection eth0 = c.links().get("eth0");
        assertThat(eth0.policy().published()).extracting(PublishedEntry::target)
                .containsExactly(org.uarpd.daemon.syntax.PublishedTargets.parseList("198.51.100.0/28"));
        assertThat(eth0.published6()).containsExactly(
                org.uarpd.daemon.syntax.PublishedTargets.parseList6("2001:db8:1::/64,!2001:db8:1::1,!2001:db8:1::f0/124"),
                org.uarpd.daemon.syntax.PublishedTargets.parseList6("2001:db8:2::7").withHardware(HardwareAddress.parse("02:00:5e:00:53:07")));
        NdConfig nd = c.ndConfig();
        assertThat(nd.policyFor("eth0").published()).isEqualTo(eth0.published6());
        assertThat(nd.policyFor("eth0").dad()).isEqualTo(NdConfig.defaults().defaultLink().dad());
        assertThat(nd.policyFor("eth1").published()).isEmpty();
    }

    @Test
    @DisplayName("nd-router and unsolicited-na set the link's neighbour discovery policy; absent, a host updating existing entries")
    void ndRouterAndUnsolicitedAdvertisements() throws Exception {
        UarpdConfig c = UarpdConfig.parse("""
                [links.eth0]
                nd-router = true
                unsolicited-na = "create-on-link"
                [[links.eth0.publish]]
                address = "2001:db8:2::7"
                [links.eth1]
                unsolicited-na = "ignore"
                [links.eth2]
                """, "uarpd.toml", HERE);
        NdConfig nd = c.ndConfig();
        assertThat(nd.policyFor("eth0").router()).isTrue();
        assertThat(nd.policyFor("eth0").unsolicited()).isEqualTo(NdLinkPolicy.Unsolicited.CREATE_STALE_ON_LINK);
        assertThat(nd.policyFor("eth0").published()).hasSize(1);
        assertThat(nd.policyFor("eth1").router()).isFalse();
        assertThat(nd.policyFor("eth1").unsolicited()).isEqualTo(NdLinkPolicy.Unsolicited.IGNORE);
        assertThat(nd.policyFor("eth2")).isEqualTo(NdLinkPolicy.defaults());
        assertThat(UarpdConfig.parse("[links.eth0]\nunsolicited-na = \"create\"\n", "uarpd.toml", HERE).ndConfig()
                .policyFor("eth0").unsolicited()).isEqualTo(NdLinkPolicy.Unsolicited.CREATE_STALE);
    }

    @Test
    @DisplayName("a mistake in an IPv6 published entry names file, line and key")
    void ipv6PublishedMistakes() {
        List<String> got = errors("""
                [[links.eth0.publish]]
                range = "2001:db8:1::/64"
                exclude = ["2001:db8:9::1"]
                [[links.eth0.publish]]
                address = "2001:db8:1::/64"
                [[links.eth0.publish]]
                range = "2001:db8:1::/64"
                reply-delay = "10ms"
                [[links.eth0.publish]]
                range = "2001:db8:zz::/64"
                """);
        assertThat(got).containsExactly(
                "uarpd.toml:3: links.eth0.publish[0].exclude: \"2001:db8:9::1\" is outside the prefix 2001:db8:1::/64; expected addresses within it",
                "uarpd.toml:5: links.eth0.publish[1].address: \"2001:db8:1::/64\" is a prefix; expected range = \"2001:db8:1::/64\" or one address like \"2001:db8::7\"",
                "uarpd.toml:8: links.eth0.publish[2].reply-delay: applies to IPv4 (ARP) entries only; an IPv6 entry takes address or range, exclude and hardware",
                got.get(3));
        assertThat(got.get(3)).startsWith("uarpd.toml:10: links.eth0.publish[3].range: \"2001:db8:zz::/64\"");
    }

    @Test
    @DisplayName("an IPv6 published entry is answered always, when the target answers on another link, or by route")
    void ipv6PublishConditions() throws Exception {
        UarpdConfig c = UarpdConfig.parse(publish("2001:db8:1::/64", "target-answers", "eth1") + publish("2001:db8:2::/64", "route", null)
                + publish("2001:db8:3::/64", "always", null) + "[links.eth1]\n", "uarpd.toml", HERE);
        assertThat(c.links().get("eth0").published6()).extracting(NdPublished::when, NdPublished::via).containsExactly(
                org.assertj.core.groups.Tuple.tuple(NdPublished.When.TARGET_ANSWERS, "eth1"),
                org.assertj.core.groups.Tuple.tuple(NdPublished.When.ROUTE, null),
                org.assertj.core.groups.Tuple.tuple(NdPublished.When.ALWAYS, null));
        assertThat(c.links().get("eth0").published6().getFirst())
                .isEqualTo(org.uarpd.daemon.syntax.PublishedTargets.parseList6("2001:db8:1::/64,when=target-answers,via=eth1"));
    }

    @Test
    @DisplayName("a mistake in a publish condition names file, line and key")
    void ipv6PublishConditionMistakes() {
        String prefix = "2001:db8:1::/64";
        List<String> got = errors(publish(prefix, "target-answers", null) + publish(prefix, "route", "eth1")
                + publish(prefix, "target-answers", "eth9") + publish("198.51.100.0/28", "route", null)
                + publish(prefix, "sometimes", null) + publish(prefix, "target-answers", "eth0") + "[links.eth1]\n");
        assertThat(got).hasSize(6);
        assertThat(got.get(0)).isEqualTo("uarpd.toml:3: links.eth0.publish[0].when: \"target-answers\" needs the interface to ask the target on; expected also via = \"IF\"");
        assertThat(got.get(1)).isEqualTo("uarpd.toml:7: links.eth0.publish[1].via: applies to when = \"target-answers\" only; expected no via, or that condition");
        assertThat(got.get(2)).startsWith("uarpd.toml:11: links.eth0.publish[2].via: \"eth9\" is not a link of this file");
        assertThat(got.get(3)).isEqualTo("uarpd.toml:14: links.eth0.publish[3].when: applies to IPv6 (neighbour discovery) entries only; an IPv4 entry is answered always");
        assertThat(got.get(4)).startsWith("uarpd.toml:17: links.eth0.publish[4].when:").contains("target-answers");
        assertThat(got.get(5)).startsWith("uarpd.toml:21: links.eth0.publish[5].via: \"eth0\" is the link this entry answers on");
    }
}
