package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.daemon.DaemonLab.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.DaemonLab.Ctl;
import org.uarpd.daemon.metrics.PromText;
import org.uarpd.linux.NamespaceLab;

/**
 * Issues 6 and 7 together, in namespaces named {@code r67<pid>-…}: the bridge and a guard set up from
 * the config file alone ({@code bridge = true}, {@code [links.m1.guard]}), uarpctl on a daemon with
 * several links (commands that need one link say how to name it), and the guard's events reaching the
 * metrics. Needs root, iproute2, iputils and curl; fails saying what is missing.
 */
@Tag("netns")
class ConfiguredBridgeAcceptanceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static DaemonLab daemonLab;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        daemonLab = DaemonLab.open("r67", "the bridge test");
        lab = daemonLab.lab;
        dir = daemonLab.dir;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (daemonLab != null) daemonLab.close();
    }

    @Test
    void bridgeAndGuardFromTheConfigFileWithUarpctlOnSeveralLinks() throws Exception {
        BridgeTopology t = BridgeTopology.build(lab);
        Path sock = dir.resolve("control.sock");
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [metrics]
                listen = "127.0.0.1:9587"
                [links.m1]
                bridge = true
                [links.m1.guard]
                [links.m2]
                bridge = true
                [links.m2.conflict]
                defend = "always"
                """);
        try (UarpdProcess u = new UarpdProcess(lab, t.middle(), "--config", conf.toString(), "--control-socket", sock.toString(),
                "--warm-up", "0")) {
            // Cold across the bridge both ways, every pair: the file alone made m1 and m2 a bridge.
            for (String from : BridgeTopology.LEFT_ADDRESSES) {
                for (String to : BridgeTopology.RIGHT_ADDRESSES) {
                    assertThat(t.ping(t.left(), from, to, 3)).as("%s → %s\n%s", from, to, u.logText()).isPositive();
                    assertThat(t.ping(t.right(), to, from, 3)).as("%s → %s\n%s", to, from, u.logText()).isPositive();
                }
            }
            JsonNode links = JSON.readTree(ctl(sock, "-j", "show", "links").out());
            assertThat(links.toString()).contains("\"m1\"").contains("\"m2\"");

            // Commands about one link need -d when uarpd runs on several; the daemon's error says so verbatim.
            for (String[] cmd : List.of(new String[] {"probe", "192.0.2.11"}, new String[] {"add", "192.0.2.99", "02:00:5e:00:53:99"},
                    new String[] {"del", "192.0.2.99"})) {
                Ctl c = ctl(sock, cmd);
                assertThat(c.exit()).as(String.join(" ", cmd)).isNotZero();
                assertThat(c.err()).contains("uarpd runs on several links (m1, m2): say which with -d IF (--dev IF)");
            }
            Ctl probe = ctl(sock, "probe", "192.0.2.11", "-d", "m1");
            assertThat(probe.exit()).as(probe.err()).isZero();
            assertThat(probe.out()).startsWith("192.0.2.11 dev m1 lladdr " + lab.mac(t.left(), "l0"));
            assertThat(ctl(sock, "add", "192.0.2.99", "02:00:5e:00:53:99", "-d", "m2").exit()).isZero();
            assertThat(lab.ok(t.middle(), "ip", "neigh", "show", "192.0.2.99", "dev", "m2")).contains("02:00:5e:00:53:99").contains("PERMANENT");
            assertThat(ctl(sock, "del", "192.0.2.99", "-d", "m2").exit()).isZero();
            assertThat(lab.ok(t.middle(), "ip", "neigh", "show", "192.0.2.99", "dev", "m2")).doesNotContain("02:00:5e:00:53:99");

            // The guard on m1 (an empty [links.m1.guard]: every rule) reported the left hosts as new stations,
            // and the metrics count its alerts; m2 has no guard, so nothing there is an alert.
            assertThat(u.count(l -> l.contains("WARN") && l.contains("alert new station") && l.contains(" dev m1,"))).as(u.logText()).isPositive();
            assertThat(u.count(l -> l.contains("alert new station") && l.contains(" dev m2,"))).as(u.logText()).isZero();
            NamespaceLab.Result scrape = lab.run(t.middle(), "curl", "-sf", "http://127.0.0.1:9587/metrics");
            assertThat(scrape.ok()).as(scrape.err()).isTrue();
            PromText prom = PromText.parse(scrape.out());
            assertThat(prom.value("uarpd_guard_alerts_total", "family", "ipv4", "reason", "new_station")).isGreaterThanOrEqualTo(2.0);
            assertThat(prom.types).containsEntry("uarpd_conflicts_total", "counter").containsEntry("uarpd_claims_total", "counter");

            // Reload: a mistake in a guard table is refused verbatim and the bridge keeps working; a good file
            // that drops the guard is taken.
            String good = Files.readString(conf);
            Files.writeString(conf, good.replace("[links.m1.guard]\n", "[links.m1.guard]\nsource-slots = 1000\n"));
            Ctl bad = ctl(sock, "reload");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err().strip()).isEqualTo("refused " + conf + "; the running configuration stays:\n"
                    + conf + ":6: links.m1.guard.source-slots: 1000 is not a power of two; expected one like 1024");
            t.flushNeighbours();
            assertThat(t.ping(t.left(), "192.0.2.11", "192.0.2.22", 3)).as("still bridging\n" + u.logText()).isPositive();
            Files.writeString(conf, good.replace("[links.m1.guard]\n", ""));
            Ctl reload = ctl(sock, "reload");
            assertThat(reload.exit()).as(reload.err()).isZero();
            t.flushNeighbours();
            assertThat(t.ping(t.right(), "192.0.2.12", "192.0.2.21", 3)).as("bridging after reload\n" + u.logText()).isPositive();
            assertThat(u.terminate()).isZero();
        }
    }
}
