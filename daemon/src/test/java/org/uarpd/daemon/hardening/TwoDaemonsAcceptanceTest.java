package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;

/**
 * One owner per interface: with a uarpd serving u0 (either mode), a second {@code uarpd run} on u0 in
 * either mode is refused with a message naming the running one, and leaves every sysctl, nftables
 * rule and packet socket of the namespace as it was; once the first stops, the host's sysctls are
 * exactly those it had before either started.
 */
@Tag("netns")
@Tag("hardening")
class TwoDaemonsAcceptanceTest extends HostPeerLab {

    @BeforeAll
    static void build() throws Exception {
        HostState.requireTools("nft", "nftables", "arping", "iputils-arping");
        open("uh2");
    }

    @Test
    void aSecondUarpdOnAServedInterfaceIsRefusedInEveryModeMixAndChangesNothing() throws Exception {
        Map<String, String> pristine = HostState.sysctls(lab, h, "u0");
        List<List<String>> mixes = List.of(List.of("authoritative", "assist"), List.of("assist", "authoritative"),
                List.of("assist", "assist"), List.of("authoritative", "authoritative"));
        int run = 0;
        for (List<String> mix : mixes) {
            Path firstSocket = dir.resolve("first-" + run + ".sock");
            Path secondSocket = dir.resolve("second-" + run + ".sock");
            run++;
            String what = mix.get(1) + " after " + mix.get(0);
            try (UarpdProcess first = new UarpdProcess(lab, h, "--interface", "u0", "--mode", mix.get(0),
                    "--control-socket", firstSocket.toString(), "--warm-up", "0")) {
                Map<String, String> knobs = HostState.sysctls(lab, h, "u0");
                String rules = HostState.ruleset(lab, h);
                List<String> sockets = HostState.packetSockets(lab, h);

                HostState.Outcome second = HostState.runExpectingRefusal(lab, h, "--interface", "u0", "--mode", mix.get(1),
                        "--control-socket", secondSocket.toString(), "--warm-up", "0");

                assertThat(second.started()).as(what + ": the second uarpd must be refused, it started:\n" + second.stderr()).isFalse();
                assertThat(second.exit()).as(what + ": refused start exits non-zero\n" + second.stderr()).isNotZero();
                assertThat(second.stderr()).as(what + ": the refusal names the running uarpd (its pid or control socket)")
                        .containsAnyOf("pid " + first.process.pid(), firstSocket.toString());
                assertThat(HostState.sysctls(lab, h, "u0")).as(what + ": sysctls untouched by the refused start").isEqualTo(knobs);
                assertThat(HostState.ruleset(lab, h)).as(what + ": nftables untouched by the refused start").isEqualTo(rules);
                assertThat(HostState.packetSockets(lab, h)).as(what + ": the first's sockets untouched").isEqualTo(sockets);
                assertThat(secondSocket).as(what + ": a refused start leaves no control socket").doesNotExist();
                assertThat(first.process.isAlive()).as(what + ": the first keeps running\n" + first.logText()).isTrue();
                assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.1").ok())
                        .as(what + ": the host still answers\n" + first.logText()).isTrue();
                assertThat(first.terminate()).isZero();
            }
            assertThat(HostState.sysctls(lab, h, "u0")).as(what + ": after the first stopped, the host's sysctls are the originals")
                    .isEqualTo(pristine);
            assertThat(HostState.dropRules(lab, h)).as(what + ": no drop rule left").isEmpty();
        }
    }
}
