package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.Ip4;
import picocli.CommandLine;

/** Flag parsing of {@code uarpd run} (no root needed). */
class RunCommandTest {

    @Test
    void publishTakesARangeAndExclusions() {
        PublishedEntry e = RunCommand.parsePublish("198.51.100.0/24,!198.51.100.7,!198.51.100.128/28");
        assertThat(e.target()).isEqualTo(new PublishedEntry.Target.Range(Cidr.parse("198.51.100.0/24"),
                List.of(Cidr.parse("198.51.100.7"), Cidr.parse("198.51.100.128/28"))));
        assertThat(RunCommand.parsePublish("192.0.2.9").target()).isEqualTo(new PublishedEntry.Target.Address(Ip4.parse("192.0.2.9")));
    }

    @Test
    void badPublishSaysWhatIsWrong() {
        assertThatThrownBy(() -> RunCommand.parsePublish("198.51.100.0/24,198.51.100.7"))
                .hasMessageContaining("--publish").hasMessageContaining("should be an exclusion like !198.51.100.7");
        assertThatThrownBy(() -> RunCommand.parsePublish("198.51.100.0/24,!192.0.2.1")).hasMessageContaining("is outside");
        assertThatThrownBy(() -> RunCommand.parsePublish("198.51.100.1/24")).hasMessageContaining("host bits set");
    }

    @Test
    void flagsBecomeTheEnginesLinkPolicy() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--interface", "u0", "--mode", "assist", "--publish", "198.51.100.0/29", "--publish-mac", "02:00:5e:00:53:01");
        LinkPolicy p = run.config().policyFor("u0");
        assertThat(p.mode()).isEqualTo(org.uarpd.engine.LinkMode.ASSIST);
        assertThat(p.published()).hasSize(1);
        assertThat(p.published().get(0).hardware()).hasToString("02:00:5e:00:53:01");
        assertThat(RehearsalSamples.of(p)).containsExactly(Ip4.parse("198.51.100.0"));
        RunCommand bad = new RunCommand();
        new CommandLine(bad).parseArgs("--interface", "u0", "--mode", "sometimes");
        assertThatThrownBy(bad::config).hasMessageContaining("unknown mode 'sometimes'");
    }

    @Test
    void guardDefendAndBridgeFlagsBecomeLinkPolicy() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--interface", "u0", "--bridge", "u0,u1", "--guard", "--pin", "192.0.2.254=02:00:5e:00:53:fe",
                "--probe", "--announce", "--defend", "once", "--defend-address", "192.0.2.9=always", "--remove-on-conflict");
        var config = run.config();
        LinkPolicy u1 = config.policyFor("u1");
        assertThat(run.interfaces).containsExactly("u0", "u1");
        assertThat(u1.bridge()).isTrue();
        assertThat(u1.guard().verifyChanges()).isTrue();
        assertThat(u1.guard().allowUnsolicited()).isFalse();
        assertThat(u1.guard().pinned()).containsEntry(Ip4.parse("192.0.2.254"), org.uarpd.wire.HardwareAddress.parse("02:00:5e:00:53:fe"));
        assertThat(u1.conflict().probe()).isTrue();
        assertThat(u1.conflict().defenseFor(Ip4.parse("192.0.2.1"))).isEqualTo(org.uarpd.engine.Defense.ONCE_THEN_YIELD);
        assertThat(u1.conflict().defenseFor(Ip4.parse("192.0.2.9"))).isEqualTo(org.uarpd.engine.Defense.ALWAYS);
        assertThat(u1.conflict().removeOnConflict()).isTrue();
        RunCommand bad = new RunCommand();
        new CommandLine(bad).parseArgs("--interface", "u0", "--defend", "sometimes");
        assertThatThrownBy(bad::config).hasMessageContaining("unknown defence 'sometimes'");
        RunCommand assist = new RunCommand();
        new CommandLine(assist).parseArgs("--interface", "u0", "--mode", "assist", "--bridge", "u0,u1");
        assertThatThrownBy(assist::config).hasMessageContaining("--bridge needs --mode authoritative");
    }

    @Test
    void spinWindowFlagIsParsedAndCheckedBeforeAnythingStarts() throws Exception {
        RunCommand defaults = new RunCommand();
        new CommandLine(defaults).parseArgs("--interface", "u0");
        assertThat(defaults.spinMicros).isEqualTo(org.uarpd.linux.LinuxBackend.DEFAULT_SPIN_MICROS);
        RunCommand set = new RunCommand();
        new CommandLine(set).parseArgs("--interface", "u0", "--spin-us", "250");
        assertThat(set.spinMicros).isEqualTo(250);
        RunCommand bad = new RunCommand();
        new CommandLine(bad).parseArgs("--interface", "u0", "--spin-us", "-5");
        assertThat(bad.call()).as("exit status for an out-of-range --spin-us").isEqualTo(2);
        assertThatThrownBy(() -> new CommandLine(new RunCommand()).parseArgs("--interface", "u0", "--spin-us", "soon"))
                .hasMessageContaining("--spin-us");
    }
}
