package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * Conditional proxy neighbour discovery against real kernels: a router namespace R runs uarpd on u0
 * (towards the client C, authoritative) and u1 (towards the proxied hosts B, assist: R's kernel keeps
 * its own ND there). R publishes on u0 2001:db8:2::/64 answered only when the target answers on u1,
 * and 2001:db8:3::/64 answered only while R's route to it leaves by another interface than u0 and
 * the target answers there (ndppd's {@code auto}: B holds 2001:db8:3::9, nobody 2001:db8:3::99). The
 * oracles are ndisc6 on C (does anyone answer, with which MAC), B's kernel (which answers uarpd's
 * solicitations on u1, or not) and R's kernel routes changed with {@code ip -6 route} while uarpd runs.
 */
@Tag("netns")
class ProxyNdAcceptanceTest {
    static DaemonLab daemonLab;
    static NamespaceLab lab;
    static String c;
    static String r;
    static String b;
    static Path dir;

    static final String CONFIG = """
            [links.u0]
            [[links.u0.publish]]
            range = "2001:db8:2::/64"
            when = "target-answers"
            via = "u1"
            [[links.u0.publish]]
            range = "2001:db8:3::/64"
            when = "route"
            [links.u1]
            mode = "assist"
            """;

    @BeforeAll
    static void build() throws Exception {
        assertThat(NamespaceLab.run(List.of("sh", "-c", "command -v ndisc6")).exitCode()).as("ndisc6 is needed: apt-get install ndisc6").isZero();
        daemonLab = DaemonLab.open(null, "the acceptance tests");
        lab = daemonLab.lab;
        dir = daemonLab.dir;
        c = lab.namespace("c");
        r = lab.namespace("r");
        b = lab.namespace("b");
        lab.veth(c, "c0", "192.0.2.2/24", r, "u0", "192.0.2.1/24");
        lab.veth(r, "u1", "198.51.100.1/24", b, "b0", "198.51.100.5/24");
        lab.ok(c, "ip", "-6", "addr", "add", "2001:db8:1::2/64", "dev", "c0", "nodad");
        lab.ok(r, "ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "u0", "nodad");
        lab.ok(r, "ip", "-6", "addr", "add", "2001:db8:2::1/64", "dev", "u1", "nodad");
        lab.ok(b, "ip", "-6", "addr", "add", "2001:db8:2::5/64", "dev", "b0", "nodad");
        lab.ok(b, "ip", "-6", "addr", "add", "2001:db8:3::9/64", "dev", "b0", "nodad");
        lab.ok(b, "ip", "-6", "addr", "add", "2001:db8:4::5/64", "dev", "b0", "nodad");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (daemonLab != null) daemonLab.close();
    }

    /** Whether {@code target} is answered to C's ndisc6 with R's u0 address, asking {@code tries} times a second apart. */
    private static boolean answered(String target, int tries) {
        NamespaceLab.Result res = lab.run(c, "ndisc6", "-1", "-r", String.valueOf(tries), "-w", "1000", target, "c0");
        return res.ok() && res.out().toLowerCase().contains(lab.mac(r, "u0"));
    }

    /** What uarpctl printed, once it exited 0. */
    private static String ctl(Path sock, String... args) {
        DaemonLab.Ctl r = DaemonLab.ctl(sock, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }

    /** uarpd on R with {@link #CONFIG} written to {@code conf}, its control socket at {@code sock}. */
    private static UarpdProcess router(Path conf, Path sock) throws Exception {
        Files.writeString(conf, CONFIG);
        return new UarpdProcess(lab, r, "--config", conf.toString(), "--control-socket", sock.toString(), "--warm-up", "0");
    }

    @Test
    void aHostBehindU1IsAnsweredForOnlyWhileItExistsAndARoutedPrefixFollowsTheRoutes() throws Exception {
        Path conf = dir.resolve("routes.toml");
        Path sock = dir.resolve("routes.sock");
        try (UarpdProcess u = router(conf, sock)) {
            // target-answers: B's host exists, so its answer to uarpd's question on u1 makes R answer C.
            assertThat(Await.within(10, () -> answered("2001:db8:2::5", 3))).as("a host that exists\n" + u.logText()).isTrue();
            assertThat(u.count(l -> l.contains("2001:db8:2::5") && l.contains("u1"))).as("asked on u1\n" + u.logText()).isPositive();
            // Nobody holds 2001:db8:2::77: not answered, though it is inside the published prefix.
            assertThat(answered("2001:db8:2::77", 3)).as("a host that does not exist\n" + u.logText()).isFalse();
            // Once it exists, it is answered for (after the silence is forgotten, 5 s).
            lab.ok(b, "ip", "-6", "addr", "add", "2001:db8:2::77/64", "dev", "b0", "nodad");
            assertThat(Await.within(12, () -> answered("2001:db8:2::77", 1))).as("the host came up\n" + u.logText()).isTrue();

            // route: no route to 2001:db8:3::/64 yet, then one out of u1 (where only an existing host is
            // answered for), then none, then one back out of u0.
            assertThat(answered("2001:db8:3::9", 2)).as("no route\n" + u.logText()).isFalse();
            lab.ok(r, "ip", "-6", "route", "add", "2001:db8:3::/64", "dev", "u1");
            assertThat(Await.within(10, () -> answered("2001:db8:3::9", 1))).as("routed out of u1, the host exists\n" + u.logText()).isTrue();
            assertThat(answered("2001:db8:3::99", 3)).as("routed out of u1, no such host\n" + u.logText()).isFalse();
            lab.ok(r, "ip", "-6", "route", "del", "2001:db8:3::/64", "dev", "u1");
            assertThat(Await.within(10, () -> !answered("2001:db8:3::9", 1))).as("route deleted\n" + u.logText()).isTrue();
            lab.ok(r, "ip", "-6", "route", "add", "2001:db8:3::/64", "dev", "u0");
            assertThat(answered("2001:db8:3::9", 2)).as("routed back out of the asking link\n" + u.logText()).isFalse();
            lab.ok(r, "ip", "-6", "route", "del", "2001:db8:3::/64", "dev", "u0");

            String shown = ctl(sock, "show", "published");
            assertThat(shown.lines()).anyMatch(l -> l.contains("2001:db8:2::/64") && l.contains("when target-answers via u1"))
                    .anyMatch(l -> l.contains("2001:db8:3::/64") && l.contains("when route"));

            // Reload: the routed prefix becomes answered always.
            Files.writeString(conf, CONFIG.replace("when = \"route\"", "when = \"always\""));
            ctl(sock, "reload");
            assertThat(Await.within(10, () -> answered("2001:db8:3::9", 1))).as("always after reload\n" + u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
        }
    }

    @Test
    void uarpctlPublishesAPrefixAnsweredOnlyWhenItsTargetAnswersOnAnotherLink() throws Exception {
        try (UarpdProcess u = router(dir.resolve("ctl.toml"), dir.resolve("ctl.sock"))) {
            Path sock = dir.resolve("ctl.sock");
            assertThat(answered("2001:db8:4::5", 1)).as("not published yet\n" + u.logText()).isFalse();
            String[] entry = {"2001:db8:4::/64", "-d", "u0", "--when", "target-answers", "--via", "u1"};
            List<String> publish = new java.util.ArrayList<>(List.of("publish"));
            publish.addAll(List.of(entry));
            assertThat(ctl(sock, publish.toArray(String[]::new))).contains("published 2001:db8:4::/64 dev u0 when target-answers via u1");
            assertThat(ctl(sock, "show", "published").lines()).anyMatch(l -> l.contains("2001:db8:4::/64") && l.contains("when target-answers via u1"));
            // B holds 2001:db8:4::5 and answers uarpd's question on u1; nobody holds ::77.
            assertThat(Await.within(10, () -> answered("2001:db8:4::5", 3))).as("a host that exists behind u1\n" + u.logText()).isTrue();
            assertThat(answered("2001:db8:4::77", 3)).as("a host that does not exist\n" + u.logText()).isFalse();
            List<String> unpublish = new java.util.ArrayList<>(publish);
            unpublish.set(0, "unpublish");
            assertThat(ctl(sock, unpublish.toArray(String[]::new))).contains("unpublished 2001:db8:4::/64 dev u0 when target-answers via u1");
            assertThat(answered("2001:db8:4::5", 2)).as("unpublished\n" + u.logText()).isFalse();
            assertThat(u.terminate()).isZero();
        }
    }
}
