package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/** Warnings state the real cause: a vanished interface is not a missing privilege, a link going down is not an error. */
@Tag("netns")
@Tag("hardening")
class MessagesAcceptanceTest {
    static NamespaceLab lab;
    static String h;
    static String p;

    @BeforeAll
    static void build() {
        lab = new NamespaceLab("uhm");
        h = lab.namespace("h");
        p = lab.namespace("p");
    }

    @AfterAll
    static void tearDown() throws java.io.IOException {
        HostState.tearDown(lab, null);
    }

    @Test
    void stoppingAfterTheInterfaceVanishedBlamesTheInterfaceNotPrivileges() throws Exception {
        lab.veth(h, "u1", "192.0.2.1/24", p, "p1", "192.0.2.2/24");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u1", "--mode", "authoritative", "--warm-up", "0")) {
            lab.ok(h, "ip", "link", "del", "u1");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> u.count(l -> l.contains("link u1 removed")) > 0)).as(u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
            assertThat(u.log).as("no privilege blamed for a vanished interface").noneMatch(l -> l.contains("CAP_NET_ADMIN"));
            assertThat(u.log).as("the real cause: the interface is gone")
                    .anyMatch(l -> l.contains("u1") && l.contains("gone"));
        }
    }

    @Test
    void aLinkGoingDownIsNoRecvfromWarning() throws Exception {
        lab.veth(h, "u2", "198.51.100.1/24", p, "p2", "198.51.100.2/24");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u2", "--mode", "authoritative", "--warm-up", "0")) {
            // Traffic in flight while the link goes down is what makes the socket report ENETDOWN.
            Process arping = lab.start(p, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD,
                    "arping", "-c", "50", "-i", "0.02", "-I", "p2", "198.51.100.1");
            try {
                for (int i = 0; i < 5; i++) {
                    lab.ok(h, "ip", "link", "set", "u2", "down");
                    lab.ok(h, "ip", "link", "set", "u2", "up");
                }
            } finally {
                arping.destroyForcibly();
            }
            assertThat(HostState.await(Duration.ofSeconds(5),
                    () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p2", "198.51.100.1").ok())).as("answers again after the flaps\n" + u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
            assertThat(u.log).as("link down is a state, not a socket error").noneMatch(l -> l.contains("ENETDOWN"));
        }
    }
}
