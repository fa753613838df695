package org.uarpd.daemon;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of bin/uarpd: a picocli command whose subcommands are uarpd's commands. Adding a
 * command is one entry in {@code subcommands}. Exit codes: 0 success, 1 the command failed (for
 * example an unreadable file), 2 usage error.
 */
@Command(name = "uarpd", mixinStandardHelpOptions = true, version = "uarpd 0.1.0",
        description = "A user-level ARP daemon.",
        subcommands = {CommandLine.HelpCommand.class, DecodeCommand.class, RunCommand.class, LabCommand.class, SimCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (try 'uarpd help')");
    }

    /** Runs uarpd with {@code args}, printing to the given writers; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out).setErr(err);
        return cli.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
