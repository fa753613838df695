package org.uarpd.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/uarpd: one subcommand per job. */
@Command(name = "uarpd", mixinStandardHelpOptions = true, version = "uarpd 0.1.0",
        description = "A user-level ARP daemon.",
        subcommands = {SimCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
