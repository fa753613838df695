package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    @Test
    void theSuccessorStartsThroughTheLauncherWithUarpdsOwnArguments() {
        // As the package's launcher starts it: the versioned jars must not be named again.
        List<String> installed = List.of("/usr/lib/uarpd/runtime/bin/java", "-XX:AOTCache=/usr/lib/uarpd/uarpd.aot",
                "@/usr/lib/uarpd/jvm-options", "-cp", "/usr/lib/uarpd/lib/uarpd-daemon-0.1.0.jar:/usr/lib/uarpd/lib/uarpd-engine-0.1.0.jar",
                "org.uarpd.daemon.Main", "run", "-c", "/etc/uarpd/uarpd.toml", "-q");
        assertThat(Restarter.successorCommand(installed, "/usr/bin/uarpd"))
                .containsExactly("/usr/bin/uarpd", "run", "-c", "/etc/uarpd/uarpd.toml", "-q");
        // As bin/uarpd starts it in a checkout: -jar FILE, then uarpd's arguments (one of them is -jar).
        List<String> checkout = List.of("/jdk/bin/java", "--enable-native-access=ALL-UNNAMED", "-jar", "/src/daemon/target/uarpd.jar",
                "run", "-i", "-jar");
        assertThat(Restarter.successorCommand(checkout, "/src/bin/uarpd")).containsExactly("/src/bin/uarpd", "run", "-i", "-jar");
    }

    @Test
    void withoutALauncherTheSuccessorRunsThisProcesssCommandLine() {
        List<String> direct = List.of("/jdk/bin/java", "-cp", "a.jar:b.jar", "org.uarpd.daemon.Main", "run", "-i", "u0");
        assertThat(Restarter.successorCommand(direct, null)).isEqualTo(direct);
        assertThat(Restarter.successorCommand(direct, "")).isEqualTo(direct);
        // A launcher but no recognisable main class (another launcher's JVM options): as is, not guessed at.
        List<String> unknown = List.of("/jdk/bin/java", "-cp", "a.jar", "com.example.Other", "run");
        assertThat(Restarter.successorCommand(unknown, "/usr/bin/uarpd")).isEqualTo(unknown);
        assertThat(Restarter.successorCommand(List.of("/jdk/bin/java", "-jar"), "/usr/bin/uarpd")).containsExactly("/jdk/bin/java", "-jar");
    }
}
