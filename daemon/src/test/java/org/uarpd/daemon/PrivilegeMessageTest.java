package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * Without CAP_NET_RAW, {@code run} and {@code lab} say plainly what they need and exit non-zero.
 * Needs root to drop the capability from a child (setpriv); fails saying so otherwise.
 */
class PrivilegeMessageTest {

    private static NamespaceLab.Result withoutNetRaw(String... uarpd) {
        NamespaceLab.requirePrivileges();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-net_raw", "--bounding-set=-net_raw", "--"));
        cmd.addAll(SelfLauncher.command(uarpd));
        return NamespaceLab.run(cmd);
    }

    @Test
    void runWithoutNetRawSaysWhatItNeeds() {
        NamespaceLab.Result r = withoutNetRaw("run", "--interface", "lo");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("uarpd run: needs root (or CAP_NET_ADMIN + CAP_NET_RAW)").contains("missing").contains("CAP_NET_RAW");
    }

    @Test
    void labWithoutNetRawSaysWhatItNeeds() {
        NamespaceLab.Result r = withoutNetRaw("lab");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("uarpd lab: needs root (or CAP_NET_ADMIN + CAP_NET_RAW)");
    }
}
