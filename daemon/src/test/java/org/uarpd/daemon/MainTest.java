package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.SimCommandTest.Run;
import picocli.CommandLine;

/** The one-command model Main parses a named command with is the whole model's, cut to that command. */
class MainTest {
    static final Map<String, CommandLine> WHOLE = new CommandLine(new Main()).getSubcommands();

    /** Through {@link Main#execute}, as uarpd runs. */
    static Run uarpd(String... args) {
        return SimCommandTest.uarpd(args);
    }

    @Test
    void aNamedCommandGetsOnlyItsOwnModelWithTheSameUsage() {
        assertThat(WHOLE.keySet()).contains("help", "decode", "run", "lab", "sim");
        for (String name : WHOLE.keySet()) {
            if (name.equals("help")) continue;
            CommandLine one = Main.commandLine(name, "--help");
            assertThat(one.getSubcommands().keySet()).as(name).containsExactly(name);
            CommandLine sub = one.getSubcommands().get(name);
            assertThat(sub.getCommandSpec().qualifiedName()).isEqualTo("uarpd " + name);
            assertThat(sub.getUsageMessage(CommandLine.Help.Ansi.OFF))
                    .as(name).isEqualTo(WHOLE.get(name).getUsageMessage(CommandLine.Help.Ansi.OFF));
        }
    }

    @Test
    void anythingButACommandNameGetsTheWholeModel() {
        for (String[] args : new String[][] {{}, {"help", "run"}, {"--version"}, {"rnu"}, {"--help"}}) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(WHOLE.keySet());
        }
    }

    static Run whole(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void usageErrorsOfANamedCommandAreTheWholeModelsErrors() {
        Run r = uarpd("run", "--interface", "u0", "--warm-up", "many");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Invalid value for option '--warm-up': 'many' is not an int", "Usage: uarpd run");
        for (String[] args : new String[][] {{"run", "--interface", "u0", "--warm-up", "many"}, {"decode"},
                {"decode", "--no-such-option", "x.pcap"}, {"sim", "--seed"}, {"run", "--help"}, {"lab", "--version"}}) {
            assertThat(uarpd(args)).as(String.join(" ", args)).isEqualTo(whole(args));
        }
    }

    @Test
    void helpAndVersionStillWork() {
        assertThat(uarpd("--version").out()).isEqualTo(Main.VERSION + System.lineSeparator());
        Run help = uarpd("help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: uarpd", "decode", "run", "lab", "sim");
        Run missing = uarpd();
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).contains("missing command (try 'uarpd help')");
    }
}
