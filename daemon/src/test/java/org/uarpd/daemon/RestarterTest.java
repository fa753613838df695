package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pieces of {@code uarpctl restart} that need no root: what the successor says and how it is started. */
class RestarterTest {

    @Test
    void theSuccessorPingsTheWatchdogInTheMessageThatMakesItMain() {
        // systemd dropped its earlier pings (it was not the main process): this one resets the timer.
        assertThat(Successor.mainMessage(4242, true, "serving on u0 (proxy)").split("\n"))
                .containsExactly("MAINPID=4242", "READY=1", "WATCHDOG=1", "STATUS=serving on u0 (proxy)");
    }

    @Test
    void withoutAWatchdogTheSuccessorSaysNoPing() {
        assertThat(Successor.mainMessage(4242, false, "serving on u0 (proxy)").split("\n"))
                .containsExactly("MAINPID=4242", "READY=1", "STATUS=serving on u0 (proxy)");
    }
}
