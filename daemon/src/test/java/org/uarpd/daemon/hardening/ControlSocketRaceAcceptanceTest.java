package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/**
 * Two daemons (in two namespaces, so both may serve their own u0) given one control socket path: the
 * loser's ready line does not claim the socket, and the loser's exit does not remove the winner's.
 */
@Tag("netns")
@Tag("hardening")
class ControlSocketRaceAcceptanceTest {
    static NamespaceLab lab;
    static String a;
    static String b;
    static String p;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        lab = new NamespaceLab("uhc");
        a = lab.namespace("a");
        b = lab.namespace("b");
        p = lab.namespace("p");
        lab.veth(a, "u0", "192.0.2.1/24", p, "pa", "192.0.2.2/24");
        lab.veth(b, "u0", "198.51.100.1/24", p, "pb", "198.51.100.2/24");
        dir = Files.createTempDirectory("uarpd-race");
    }

    @AfterAll
    static void tearDown() throws Exception {
        HostState.tearDown(lab, dir);
    }

    @Test
    void theLoserNeitherClaimsNorRemovesTheWinnersSocket() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (UarpdProcess winner = new UarpdProcess(lab, a, "--interface", "u0", "--control-socket", socket.toString(), "--warm-up", "0")) {
            assertThat(HostState.ctl(socket, "show", "links").exit()).as("the winner answers on its socket").isZero();
            try (UarpdProcess loser = new UarpdProcess(lab, b, "--interface", "u0", "--control-socket", socket.toString(), "--warm-up", "0")) {
                String ready = loser.log.stream().filter(l -> l.contains("uarpd ready")).findFirst().orElseThrow();
                assertThat(ready).as("the loser's ready line must not name a socket it does not own").doesNotContain("control " + socket);
                assertThat(loser.terminate()).isZero();
                assertThat(loser.logText()).as("the loser says whose socket it is").contains(socket.toString());
            }
            assertThat(socket).as("the winner's socket survives the loser's exit").exists();
            HostState.Ctl links = HostState.ctl(socket, "show", "links");
            assertThat(links.exit()).as("the winner still answers on its socket after the loser left: " + links.err()).isZero();
            assertThat(links.out()).contains("u0");
            assertThat(winner.terminate()).isZero();
        }
        assertThat(socket).as("the winner removes its own socket at exit").doesNotExist();
    }
}
