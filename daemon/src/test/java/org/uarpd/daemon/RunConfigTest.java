package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.daemon.config.UarpdConfig;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.engine.Action;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;
import picocli.CommandLine;

/** {@code uarpd run --config}: the file, the flags over it, and a bad file refusing to start (no root needed). */
class RunConfigTest {
    @Test
    void badConfigStopsBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, "[links.u0]\nmode = \"authorative\"\n[timers]\nreachable = 30\n");
        Process p = new ProcessBuilder(SelfLauncher.command("run", "--config", conf.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out.lines().toList()).containsExactly(
                conf + ":2: links.u0.mode: \"authorative\" is not a mode; expected \"authoritative\", \"assist\" or \"answer\"",
                conf + ":4: timers.reachable: 30 has no unit; expected a duration like \"30s\", \"500ms\" or \"2m\"",
                "uarpd run: the config has mistakes (above); nothing was started");
    }

    @Test
    void flagsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [control]
                socket = "/tmp/x.sock"
                [links.u0]
                mode = "assist"
                [[links.u0.publish]]
                address = "198.51.100.9"
                """);
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--config", conf.toString(), "--interface", "u1", "--mode", "authoritative",
                "--publish", "198.51.100.64/30", "--control-socket", "/tmp/y.sock", "--log-level", "debug");
        UarpdConfig c = run.settings();
        assertThat(c.links().keySet()).containsExactly("u0", "u1");
        assertThat(c.links().get("u0").mode()).isEqualTo(LinkMode.AUTHORITATIVE);
        assertThat(c.links().get("u0").policy().published()).hasSize(2);
        assertThat(c.links().get("u1").policy().published()).hasSize(1);
        assertThat(c.control().socket()).isEqualTo(Path.of("/tmp/y.sock"));
        assertThat(c.log().level()).isEqualTo("debug");
        // Applied again on reload: the flags keep overriding a file that changed.
        UarpdConfig again = run.withFlags(UarpdConfig.parse("[links.u0]\nmode = \"assist\"\n", "new.toml", dir));
        assertThat(again.links().get("u0").mode()).isEqualTo(LinkMode.AUTHORITATIVE);
        assertThat(again.links().keySet()).containsExactly("u0", "u1");
    }

    @Test
    void r67GuardConflictAndBridgeComeFromTheFileUnlessAFlagSaysOtherwise(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [links.u0]
                bridge = true
                [links.u0.guard]
                allow-unsolicited = true
                [[links.u0.guard.pin]]
                address = "192.0.2.254"
                hardware = "02:00:5e:00:53:fe"
                [links.u0.conflict]
                defend = "always"
                [links.u1]
                bridge = true
                [links.u2]
                """);
        RunCommand plain = new RunCommand();
        new CommandLine(plain).parseArgs("--config", conf.toString());
        UarpdConfig c = plain.settings();
        var u0 = c.links().get("u0").policy();
        assertThat(u0.bridge()).isTrue();
        assertThat(c.links().get("u1").policy().bridge()).isTrue();
        assertThat(c.links().get("u2").policy().bridge()).isFalse();
        assertThat(u0.guard().allowUnsolicited()).isTrue();
        assertThat(u0.guard().verifyChanges()).isTrue();
        assertThat(u0.guard().pinned()).hasSize(1);
        assertThat(u0.conflict().defense()).isEqualTo(org.uarpd.engine.Defense.ALWAYS);
        assertThat(c.links().get("u2").policy().guard().active()).as("no [guard] table: no guard").isFalse();

        RunCommand flagged = new RunCommand();
        new CommandLine(flagged).parseArgs("--config", conf.toString(), "--guard", "--defend", "never",
                "--pin", "192.0.2.253=02:00:5e:00:53:fd");
        UarpdConfig f = flagged.settings();
        var g0 = f.links().get("u0").policy();
        assertThat(g0.guard().allowUnsolicited()).as("--guard without --allow-unsolicited: the strict guard").isFalse();
        assertThat(g0.guard().pinned()).as("the file's pin and the flag's").hasSize(2);
        assertThat(g0.conflict().defense()).isEqualTo(org.uarpd.engine.Defense.NEVER);
        assertThat(f.links().get("u2").policy().guard().active()).isTrue();
        assertThat(f.links().get("u2").policy().guard().pinned()).hasSize(1);
        // on reload the file's new guard settings apply where no flag overrides them
        UarpdConfig again = plain.withFlags(UarpdConfig.parse("[links.u0]\n[links.u0.conflict]\ndefend = \"once\"\n", "new.toml", dir));
        assertThat(again.links().get("u0").policy().conflict().defense()).isEqualTo(org.uarpd.engine.Defense.ONCE_THEN_YIELD);
        assertThat(again.links().get("u0").policy().guard().active()).isFalse();
        assertThat(again.links().get("u0").policy().bridge()).isFalse();
    }

    @Test
    void ipv6EntriesOfTheFileAndTheFlagsAreAnsweredAndAReloadReplacesTheFilesKeepingTheOperators(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [links.u0]
                [[links.u0.publish]]
                range = "2001:db8:1::/64"
                exclude = ["2001:db8:1::1"]
                """);
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--config", conf.toString(), "--interface", "u1", "--publish", "2001:db8:9::/64");
        UarpdConfig c = run.settings();
        NdPublished fromFile = PublishedTargets.parseList6("2001:db8:1::/64,!2001:db8:1::1");
        NdPublished fromFlag = PublishedTargets.parseList6("2001:db8:9::/64");
        assertThat(c.ndConfig().policyFor("u0").published()).containsExactly(fromFile, fromFlag);
        assertThat(c.ndConfig().policyFor("u1").published()).containsExactly(fromFlag);

        // What the daemon starts with, and what a reload hands the engine (OperatorCommand.ReconfigureNd).
        Engine engine = new Engine(c.engineConfig(1), c.ndConfig());
        engine.handle(1, new Input.LinkChanged(1, "u0", Ethernet.INSTANCE, HardwareAddress.parse("02:00:00:00:00:01"), true), a -> { });
        assertThat(answered(engine, "2001:db8:1::5")).isTrue();
        assertThat(answered(engine, "2001:db8:1::1")).as("excluded").isFalse();
        assertThat(answered(engine, "2001:db8:9::5")).isTrue();
        assertThat(answered(engine, "2001:db8:2::5")).isFalse();
        engine.handle(2, new Input.Command(new OperatorCommand.Publish6(1, PublishedTargets.parseList6("2001:db8:3::/64"))), a -> { });

        UarpdConfig next = run.withFlags(UarpdConfig.parse("[links.u0]\n[[links.u0.publish]]\nrange = \"2001:db8:2::/64\"\n", "new.toml", dir));
        engine.handle(3, new Input.Command(new OperatorCommand.ReconfigureNd(next.ndConfig())), a -> { });
        assertThat(answered(engine, "2001:db8:1::5")).as("the file's old entry is gone").isFalse();
        assertThat(answered(engine, "2001:db8:2::5")).as("the file's new entry").isTrue();
        assertThat(answered(engine, "2001:db8:3::5")).as("the operator's entry stays").isTrue();
        assertThat(answered(engine, "2001:db8:9::5")).as("the flag's entry stays").isTrue();
    }

    /** Whether a neighbour solicitation for {@code target} on link 1 is answered. */
    private static boolean answered(Engine engine, String target) {
        Ip6Address t = Ip6Address.parse(target);
        byte[] frame = Ethernet.INSTANCE.encode(t.solicitedNode().multicastMac(), HardwareAddress.parse("02:00:00:00:00:02"), EtherType.IPV6,
                NdCodec.encode(NdPacket.solicitation(Ip6Address.parse("2001:db8:ffff::2"), HardwareAddress.parse("02:00:00:00:00:02"), t)));
        List<Action> out = new ArrayList<>();
        engine.handle(10, new Input.FrameReceived(1, frame, 0, frame.length), out::add);
        return out.stream().anyMatch(a -> a instanceof Action.Transmit);
    }
}
