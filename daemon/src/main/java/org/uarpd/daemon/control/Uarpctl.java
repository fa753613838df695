package org.uarpd.daemon.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.uarpd.daemon.config.ControlSection;
import org.uarpd.daemon.control.protocol.ControlCodec;
import org.uarpd.daemon.control.protocol.ProtocolException;
import org.uarpd.daemon.control.protocol.Request;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.engine.Durations;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code uarpctl}: talks to a running uarpd over its control socket. Tables print like
 * {@code ip neigh}; {@code -j} prints the answer's fields as JSON instead. An error from the daemon is
 * printed verbatim on stderr and the exit status is 1; usage errors exit 2.
 */
@Command(name = "uarpctl", mixinStandardHelpOptions = true, version = "uarpctl 0.1.0",
        description = "Control a running uarpd.",
        subcommands = {CommandLine.HelpCommand.class, Uarpctl.Show.class, Uarpctl.Add.class, Uarpctl.Del.class,
                Uarpctl.Publish.class, Uarpctl.Unpublish.class, Uarpctl.Flush.class, Uarpctl.Probe.class,
                Uarpctl.Monitor.class, Uarpctl.Stats.class, Uarpctl.Capture.class, Uarpctl.Announce.class, Uarpctl.Reload.class,
                Uarpctl.Restart.class, Uarpctl.Reclaim.class})
public final class Uarpctl implements Runnable {
    @Option(names = {"-s", "--socket"}, paramLabel = "PATH", description = "Control socket (default: $UARPD_SOCKET, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:UARPD_SOCKET:-/run/uarpd/control.sock}")
    Path socket = ControlSection.DEFAULT_SOCKET;

    @Option(names = {"-j", "--json"}, description = "Print JSON (one document; monitor and capture: one object per line).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out;
    PrintWriter err;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'uarpctl help')");
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        Uarpctl ctl = new Uarpctl();
        ctl.out = out;
        ctl.err = err;
        CommandLine cli = new CommandLine(ctl);
        cli.setOut(out).setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** A duration flag: a number and a unit, or a bare number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                return Durations.parseSecondsByDefault(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** One connection: requests out, responses in. */
    final class Connection implements AutoCloseable {
        final SocketChannel channel;
        final BufferedReader in;
        final OutputStream os;

        Connection() throws IOException {
            try {
                channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("cannot connect to uarpd at " + socket + ": " + e.getMessage()
                        + " (is uarpd running? is its [control] socket elsewhere? use -s PATH)");
            }
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            os = Channels.newOutputStream(channel);
        }

        Response send(Request request) throws IOException {
            os.write((ControlCodec.encode(request) + "\n").getBytes(StandardCharsets.UTF_8));
            os.flush();
            Response r = next();
            if (r == null) throw new IOException("uarpd closed the connection");
            return r;
        }

        /** The next response; null at the end of the connection. */
        Response next() throws IOException {
            String line = in.readLine();
            if (line == null) return null;
            try {
                return ControlCodec.decodeResponse(line);
            } catch (ProtocolException e) {
                throw new IOException(e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Sends {@code request}; returns the answer, or prints the daemon's error and returns null. */
    Response call(Request request) {
        try (Connection c = new Connection()) {
            Response reply = c.send(request);
            if (reply instanceof Response.Failure f) {
                err.println(f.error());
                return null;
            }
            return reply;
        } catch (IOException e) {
            err.println("uarpctl: " + e.getMessage());
            return null;
        }
    }

    /** Runs a one-shot request and prints its answer with {@code text}, or {@code json} as JSON. */
    <R extends Response> int simple(Request request, Class<R> type, java.util.function.Function<R, Object> json, Consumer<R> text) {
        Response result = call(request);
        if (result == null) return 1;
        if (!type.isInstance(result)) {
            err.println("uarpctl: uarpd answered " + result.getClass().getSimpleName() + " to " + request.getClass().getSimpleName());
            return 1;
        }
        R r = type.cast(result);
        if (this.json) out.println(ControlCodec.plain(json.apply(r)));
        else text.accept(r);
        return 0;
    }

    int message(Request request) {
        return simple(request, Response.Message.class, m -> m, m -> out.println(m.message()));
    }

    /** Prints {@code rows} one a line. */
    <T> void rows(List<T> rows, java.util.function.Function<T, String> line) {
        for (T row : rows) out.println(line.apply(row));
    }

    @Command(name = "show", description = "Show a table: neigh (default), published, links, rarp or fleet.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Parameters(arity = "0..1", paramLabel = "TABLE", defaultValue = "neigh", description = "neigh, published, links, rarp or fleet")
        String what;

        @Override
        public Integer call() {
            Request.Table table;
            try {
                table = Request.Table.named(what);
            } catch (ProtocolException e) {
                ctl.err.println(e.getMessage());
                return 1;
            }
            Request r = new Request.Show(table);
            return switch (table) {
                case NEIGH -> ctl.simple(r, Response.Neighbours.class, Response.Neighbours::entries, n -> ctl.rows(n.entries(), TextOutput::neighbour));
                case PUBLISHED -> ctl.simple(r, Response.Published.class, Response.Published::entries, p -> ctl.rows(p.entries(), TextOutput::published));
                case LINKS -> ctl.simple(r, Response.Links.class, Response.Links::entries, l -> ctl.rows(l.entries(), TextOutput::link));
                case RARP -> ctl.simple(r, Response.Rarp.class, Response.Rarp::entries, x -> ctl.rows(x.entries(), e -> e.lladdr() + " " + e.address()));
                case FLEET -> ctl.simple(r, Response.Fleet.class, f -> f, f -> ctl.rows(TextOutput.fleet(f), l -> l));
            };
        }
    }

    /** A command that may name one link: the parent's connection and {@code --dev}. */
    abstract static class OnLink implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF",
                description = "The link, where uarpd serves several (publish, unpublish and flush: every link when not given).")
        String dev;
    }

    /** A command about one address: ADDR [--dev IF]. */
    abstract static class OnAddress extends OnLink {
        @Parameters(index = "0", paramLabel = "ADDR")
        String address;
    }

    @Command(name = "add", description = "Add a static entry: ADDR MAC [--dev IF].")
    static final class Add extends OnAddress {
        @Parameters(index = "1", paramLabel = "MAC")
        String lladdr;

        @Override
        public Integer call() {
            return ctl.message(new Request.Add(dev, address, lladdr));
        }
    }

    @Command(name = "del", description = "Delete a static entry: ADDR [--dev IF].")
    static final class Del extends OnAddress {

        @Override
        public Integer call() {
            return ctl.message(new Request.Del(dev, address));
        }
    }

    abstract static class PublishBase extends OnLink {
        @Parameters(index = "0", paramLabel = "TARGET", description = "An address, a CIDR range, or 'proxy'.")
        String target;
        @Option(names = {"-x", "--exclude"}, paramLabel = "ADDR|CIDR", description = "Leave out of the range (repeatable).")
        List<String> exclude = new ArrayList<>();
        @Option(names = "--lladdr", paramLabel = "MAC", description = "Answer with this hardware address (default: the link's own).")
        String lladdr;
        @Option(names = "--broadcast-only", description = "Answer only broadcast requests.")
        boolean broadcastOnly;
        @Option(names = "--reply-delay", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Wait this long before answering, e.g. 20ms.")
        long replyDelayNanos;
        @Option(names = "--answer-probes", description = "Answer RFC 5227 probes too.")
        boolean answerProbes;
        @Option(names = "--when", paramLabel = "WORD",
                description = "IPv6 only: answer always (default), while the route to the target leaves by another interface (route), "
                        + "or once the target answers on --via (target-answers).")
        String when;
        @Option(names = "--via", paramLabel = "IF", description = "IPv6 only: the interface a target-answers entry asks the target on.")
        String via;

        Request.Entry entry() {
            return new Request.Entry(target, exclude, lladdr, broadcastOnly, replyDelayNanos, answerProbes, when, via);
        }
    }

    @Command(name = "publish", description = "Answer for an address or range (until unpublished or restart).")
    static final class Publish extends PublishBase {
        @Override
        public Integer call() {
            return ctl.message(new Request.Publish(dev, entry()));
        }
    }

    @Command(name = "unpublish", description = "Stop answering for an entry added with publish (same arguments).")
    static final class Unpublish extends PublishBase {
        @Override
        public Integer call() {
            return ctl.message(new Request.Unpublish(dev, entry()));
        }
    }

    @Command(name = "flush", description = "Drop every dynamic entry (of one link with --dev).")
    static final class Flush extends OnLink {

        @Override
        public Integer call() {
            return ctl.message(new Request.Flush(dev));
        }
    }

    @Command(name = "probe", description = "Resolve ADDR now; print the outcome and the time it took. Exit 1 if it failed.")
    static final class Probe extends OnAddress {

        @Override
        public Integer call() {
            Response.ProbeResult[] result = new Response.ProbeResult[1];
            int exit = ctl.simple(new Request.Probe(dev, address), Response.ProbeResult.class, r -> result[0] = r,
                    r -> ctl.out.println(TextOutput.probe(result[0] = r)));
            if (exit != 0) return exit;
            String outcome = result[0].outcome();
            return outcome.equals("resolved") || outcome.equals("known") ? 0 : 1;
        }
    }

    @Command(name = "stats", description = "Counters: table, backend, and events by reason.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Override
        public Integer call() {
            return ctl.simple(new Request.Stats(), Response.Stats.class, s -> s, s -> TextOutput.stats(s).forEach(ctl.out::println));
        }
    }

    @Command(name = "announce", description = "Send gratuitous ARP for ADDR now (failover): --count N (default 2), --interval DURATION (default 2s).")
    static final class Announce extends OnAddress {
        @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "2")
        long count;
        @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
                description = "e.g. 2s, 200ms; a bare number is seconds.")
        long intervalNanos;

        @Override
        public Integer call() {
            return ctl.message(new Request.Announce(dev, address, count, intervalNanos));
        }
    }

    @Command(name = "reclaim", description = "Take back ADDR, an address of the host's that uarpd yielded to another host "
            + "(show links marks it): probe for it again, then announce it (RFC 5227).")
    static final class Reclaim extends OnAddress {

        @Override
        public Integer call() {
            return ctl.message(new Request.Reclaim(dev, address));
        }
    }

    @Command(name = "reload", description = "Read the config file again and apply it (like SIGHUP); its errors are printed if it is refused.")
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Override
        public Integer call() {
            return ctl.message(new Request.Reload());
        }
    }

    @Command(name = "restart", description = {"Replace the running uarpd with a freshly started one (same command line and config file) "
            + "without a missed answer: the new one warms up while the old one serves, takes every host setting over, and the old one exits.",
            "Under systemd the new one becomes the service's main process. If the new one fails to start, the old one goes on serving "
                    + "and the reason is printed (exit status 1)."})
    static final class Restart implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Override
        public Integer call() {
            return ctl.message(new Request.Restart());
        }
    }

    /** Opens a stream with {@code request} and hands each line to {@code line} until the stream ends; returns the exit status. */
    int stream(Connection c, Request request, StreamLine line) throws IOException {
        Response first = c.send(request);
        if (first instanceof Response.Failure f) {
            err.println(f.error());
            return 1;
        }
        Response r;
        while ((r = c.next()) != null && !(r instanceof Response.End)) {
            line.accept(r);
            out.flush();
        }
        if (r instanceof Response.End e && e.lost() > 0) err.println("uarpctl: " + e.lost() + " lines lost (reader too slow)");
        return 0;
    }

    interface StreamLine {
        void accept(Response r) throws IOException;
    }

    @Command(name = "monitor", description = "Print events as they happen (Ctrl-C or --count to stop), like ip monitor neigh.")
    static final class Monitor implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N events.")
        Long count;
        @Option(names = "--dst", paramLabel = "ADDR|PREFIX", description = "Only events about this IPv4 or IPv6 address or range.")
        String dst;
        @Option(names = "--family", paramLabel = "inet|inet6", description = "Only events about IPv4 (inet) or IPv6 (inet6) neighbours.")
        String family;

        @Override
        public Integer call() {
            try (Connection c = ctl.new Connection()) {
                return ctl.stream(c, new Request.Monitor(count, dst, family), r -> {
                    if (r instanceof Response.Event e) ctl.out.println(ctl.json ? ControlCodec.plain(e) : TextOutput.event(e));
                });
            } catch (IOException e) {
                ctl.err.println("uarpctl: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "capture", description = "Write the frames uarpd receives and sends to a pcap file (Ctrl-C or --count to stop).")
    static final class Capture implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "FILE.pcap")
        Path file;
        @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N frames.")
        Long count;
        @Option(names = "--host", paramLabel = "ADDR|PREFIX",
                description = "Only ARP packets whose sender or target, or NS/NA whose source, destination or target, is in ADDR|PREFIX.")
        String host;
        @Option(names = "--family", paramLabel = "inet|inet6", description = "Only ARP (inet) or neighbour discovery (inet6) frames.")
        String family;

        @Override
        public Integer call() {
            int[] written = {0};
            try (Connection c = ctl.new Connection(); PcapWriter pcap = PcapWriter.create(file, Ethernet.INSTANCE, TimestampResolution.NANOS)) {
                // Ctrl-C: the shutdown closes the connection; what was written stays a valid pcap.
                Thread hook = new Thread(() -> {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                int exit;
                try {
                    exit = ctl.stream(c, new Request.Capture(count, host, family), r -> {
                        if (!(r instanceof Response.Frame f)) return;
                        pcap.write(f.epochNanos(), Base64.getDecoder().decode(f.frame()));
                        written[0]++;
                        if (ctl.json) ctl.out.println(ControlCodec.plain(f));
                    });
                } catch (IOException closed) {
                    exit = 0; // Ctrl-C
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down
                }
                if (exit != 0) return exit;
            } catch (IOException e) {
                ctl.err.println("uarpctl: " + e.getMessage());
                return 1;
            }
            if (!ctl.json) ctl.out.println(written[0] + " frame" + (written[0] == 1 ? "" : "s") + " written to " + file);
            return 0;
        }
    }
}
