package org.uarpd.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/uarpd: one picocli subcommand per job. */
@Command(name = "uarpd", mixinStandardHelpOptions = true, version = "uarpd 0.1.0",
        description = "A user-level ARP daemon.",
        subcommands = {RunCommand.class, LabCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (try 'uarpd lab')");
    }
}
