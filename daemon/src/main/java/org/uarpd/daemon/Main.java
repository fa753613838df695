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
 *
 * <p>picocli builds the model of every subcommand by reflection before it parses, and that is most
 * of the CPU a start spends outside the JVM (BENCHMARKS.md, "Start-up and footprint"). So when the
 * first argument names a command, only that command's model is built, under a top-level command of
 * the same name ({@link One}); picocli still parses every argument. Anything else (no command,
 * {@code help}, an option, a misspelt command) gets the whole model, for its usage and suggestions.
 */
@Command(name = Main.NAME, mixinStandardHelpOptions = true, version = Main.VERSION, description = Main.DESCRIPTION,
        subcommands = {CommandLine.HelpCommand.class, DecodeCommand.class, RunCommand.class, LabCommand.class, SimCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    static final String NAME = "uarpd";
    static final String VERSION = "uarpd 0.1.0";
    static final String DESCRIPTION = "A user-level ARP daemon.";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (try 'uarpd help')");
    }

    /** The top level when one named command is run: {@link Main} without the other commands' models. */
    @Command(name = Main.NAME, mixinStandardHelpOptions = true, version = Main.VERSION, description = Main.DESCRIPTION)
    static final class One implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "missing command (try 'uarpd help')");
        }
    }

    /**
     * The command line to parse {@code args} with: the named command alone under {@link One} when
     * {@code args[0]} is the name of one of {@link Main}'s subcommands (other than {@code help}, which
     * lists them all), else the whole of {@link Main}.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
                if (c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0])) {
                    return new CommandLine(new One()).addSubcommand(c);
                }
            }
        }
        return new CommandLine(new Main());
    }

    /** Runs uarpd with {@code args}, printing to the given writers; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(args);
        cli.setOut(out).setErr(err);
        return cli.execute(args);
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("run")) {
            // Off the critical path: the native calls a start needs are linked on the second core
            // while this thread builds the command line (Libc.linkStartCalls says why).
            Thread.ofPlatform().daemon().name("uarpd-link").start(org.uarpd.linux.Libc::linkStartCalls);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
