package org.uarpd.daemon.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.uarpd.linux.NamespaceLab;

/**
 * The lab most hardening tests need: host H (u0 192.0.2.1/24) joined to peer P (p0 192.0.2.2/24),
 * plus a scratch directory; each test class opens its own in its {@code @BeforeAll}, and it is torn
 * down after the class, even when it fails.
 */
abstract class HostPeerLab {
    static NamespaceLab lab;
    static String h;
    static String p;
    static Path dir;

    static void open(String stem) throws IOException {
        lab = new NamespaceLab(stem);
        h = lab.namespace("h");
        p = lab.namespace("p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        dir = Files.createTempDirectory(stem);
    }

    @AfterAll
    static void closeLab() throws IOException {
        try {
            HostState.tearDown(lab, dir);
        } finally {
            lab = null;
            dir = null;
        }
    }
}
