package org.uarpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.uarpd.daemon.config.ControlSection;
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
 * {@code ip neigh}; {@code -j} prints the daemon's JSON instead. An error from the daemon is printed
 * verbatim on stderr and the exit status is 1; usage errors exit 2.
 */
@Command(name = "uarpctl", mixinStandardHelpOptions = true, version = "uarpctl 0.1.0",
        description = "Control a running uarpd.",
        subcommands = {CommandLine.HelpCommand.class, Uarpctl.Show.class, Uarpctl.Add.class, Uarpctl.Del.class,
                Uarpctl.Publish.class, Uarpctl.Unpublish.class, Uarpctl.Flush.class, Uarpctl.Probe.class,
                Uarpctl.Monitor.class, Uarpctl.Stats.class, Uarpctl.Capture.class, Uarpctl.Announce.class, Uarpctl.Reload.class})
public final class Uarpctl implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

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

    /** One connection: request out, reply lines in. */
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

        JsonNode send(ObjectNode request) throws IOException {
            os.write((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            os.flush();
            return next();
        }

        JsonNode next() throws IOException {
            String line = in.readLine();
            if (line == null) throw new IOException("uarpd closed the connection");
            return JSON.readTree(line);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Sends {@code request}; returns the result, or prints the daemon's error and returns null. */
    JsonNode call(ObjectNode request) {
        try (Connection c = new Connection()) {
            JsonNode reply = c.send(request);
            if (!reply.path("ok").asBoolean()) {
                err.println(reply.path("error").asText("uarpd refused the request"));
                return null;
            }
            return reply.path("result");
        } catch (IOException e) {
            err.println("uarpctl: " + e.getMessage());
            return null;
        }
    }

    static ObjectNode request(String command) {
        ObjectNode r = JSON.createObjectNode();
        r.put("command", command);
        return r;
    }

    /** A request for one link ({@code dev}), or for the daemon's only link when {@code dev} is null. */
    static ObjectNode request(String command, String dev) {
        ObjectNode r = request(command);
        if (dev != null) r.put("dev", dev);
        return r;
    }

    /** Runs a one-shot request and prints its result with {@code text} (or as JSON). */
    int simple(ObjectNode request, java.util.function.Consumer<JsonNode> text) {
        JsonNode result = call(request);
        if (result == null) return 1;
        if (json) out.println(result.toString());
        else text.accept(result);
        return 0;
    }

    void message(JsonNode result) {
        out.println(result.path("message").asText());
    }

    static String str(JsonNode o, String field) {
        return o.path(field).asText();
    }

    @Command(name = "show", description = "Show a table: neigh (default), published, links or rarp.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Parameters(arity = "0..1", paramLabel = "TABLE", defaultValue = "neigh", description = "neigh, published, links or rarp")
        String what;

        @Override
        public Integer call() {
            ObjectNode r = request("show");
            r.put("what", what);
            return ctl.simple(r, result -> {
                for (JsonNode o : result) ctl.out.println(switch (what) {
                    case "published" -> published(o);
                    case "links" -> link(o);
                    case "rarp" -> str(o, "lladdr") + " " + str(o, "address");
                    default -> neighbour(o);
                });
            });
        }
    }

    static String neighbour(JsonNode o) {
        StringBuilder b = new StringBuilder(str(o, "dst")).append(" dev ").append(str(o, "dev"));
        if (o.has("lladdr")) b.append(" lladdr ").append(str(o, "lladdr"));
        String state = str(o, "state");
        return b.append(' ').append(state.equals("STATIC") ? "PERMANENT" : state).toString();
    }

    static String published(JsonNode o) {
        StringBuilder b = new StringBuilder(str(o, "target"));
        for (JsonNode x : o.path("exclude")) b.append(" !").append(x.asText());
        b.append(" dev ").append(str(o, "dev"));
        b.append(" lladdr ").append(o.has("lladdr") ? str(o, "lladdr") : "own");
        if (o.path("broadcastOnly").asBoolean()) b.append(" broadcast-only");
        if (!str(o, "replyDelay").equals("0s")) b.append(" delay ").append(str(o, "replyDelay"));
        if (o.path("answerProbes").asBoolean()) b.append(" answer-probes");
        return b.append(" (").append(str(o, "source")).append(')').toString();
    }

    static String link(JsonNode o) {
        StringBuilder b = new StringBuilder(str(o, "name")).append(" index ").append(o.path("index").asInt());
        if (o.has("lladdr")) b.append(" lladdr ").append(str(o, "lladdr"));
        b.append(" mode ").append(str(o, "mode")).append(" rarp ").append(o.path("rarp").asBoolean() ? "on" : "off");
        List<String> a = new ArrayList<>();
        for (JsonNode x : o.path("addresses")) a.add(x.asText());
        if (!a.isEmpty()) b.append(" addresses ").append(String.join(",", a));
        return b.toString();
    }

    @Command(name = "add", description = "Add a static entry: ADDR MAC [--dev IF].")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "ADDR")
        String address;
        @Parameters(index = "1", paramLabel = "MAC")
        String lladdr;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF", description = "Link (needed when uarpd runs on several).")
        String dev;

        @Override
        public Integer call() {
            ObjectNode r = request("add", dev);
            r.put("address", address);
            r.put("lladdr", lladdr);
            return ctl.simple(r, ctl::message);
        }
    }

    @Command(name = "del", description = "Delete a static entry: ADDR [--dev IF].")
    static final class Del implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "ADDR")
        String address;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF")
        String dev;

        @Override
        public Integer call() {
            ObjectNode r = request("del", dev);
            r.put("address", address);
            return ctl.simple(r, ctl::message);
        }
    }

    abstract static class PublishBase implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "TARGET", description = "An address, a CIDR range, or 'proxy'.")
        String target;
        @Option(names = {"-x", "--exclude"}, paramLabel = "ADDR|CIDR", description = "Leave out of the range (repeatable).")
        List<String> exclude = new ArrayList<>();
        @Option(names = {"-d", "--dev"}, paramLabel = "IF", description = "Link (default: every link).")
        String dev;
        @Option(names = "--lladdr", paramLabel = "MAC", description = "Answer with this hardware address (default: the link's own).")
        String lladdr;
        @Option(names = "--broadcast-only", description = "Answer only broadcast requests.")
        boolean broadcastOnly;
        @Option(names = "--reply-delay", paramLabel = "DURATION", description = "Wait this long before answering, e.g. 20ms.")
        String replyDelay;
        @Option(names = "--answer-probes", description = "Answer RFC 5227 probes too.")
        boolean answerProbes;

        int send(String command) {
            ObjectNode r = request(command, dev);
            r.put("target", target);
            var x = r.putArray("exclude");
            exclude.forEach(x::add);
            if (lladdr != null) r.put("lladdr", lladdr);
            if (broadcastOnly) r.put("broadcastOnly", true);
            if (replyDelay != null) r.put("replyDelay", replyDelay);
            if (answerProbes) r.put("answerProbes", true);
            return ctl.simple(r, ctl::message);
        }
    }

    @Command(name = "publish", description = "Answer for an address or range (until unpublished or restart).")
    static final class Publish extends PublishBase {
        @Override
        public Integer call() {
            return send("publish");
        }
    }

    @Command(name = "unpublish", description = "Stop answering for an entry added with publish (same arguments).")
    static final class Unpublish extends PublishBase {
        @Override
        public Integer call() {
            return send("unpublish");
        }
    }

    @Command(name = "flush", description = "Drop every dynamic entry (of one link with --dev).")
    static final class Flush implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF")
        String dev;

        @Override
        public Integer call() {
            ObjectNode r = request("flush", dev);
            return ctl.simple(r, ctl::message);
        }
    }

    @Command(name = "probe", description = "Resolve ADDR now; print the outcome and the time it took. Exit 1 if it failed.")
    static final class Probe implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "ADDR")
        String address;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF")
        String dev;

        @Override
        public Integer call() {
            ObjectNode r = request("probe", dev);
            r.put("address", address);
            JsonNode result = ctl.call(r);
            if (result == null) return 1;
            if (ctl.json) ctl.out.println(result.toString());
            else {
                StringBuilder b = new StringBuilder(str(result, "dst")).append(" dev ").append(str(result, "dev"));
                if (result.has("lladdr")) b.append(" lladdr ").append(str(result, "lladdr"));
                b.append(' ').append(str(result, "outcome"));
                b.append(String.format(" in %.3f ms", result.path("ms").asDouble()));
                b.append(" (").append(str(result, "reason").replace('_', ' ')).append(')');
                ctl.out.println(b);
            }
            String outcome = str(result, "outcome");
            return outcome.equals("resolved") || outcome.equals("known") ? 0 : 1;
        }
    }

    @Command(name = "stats", description = "Counters: table, backend, and events by reason.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Override
        public Integer call() {
            return ctl.simple(request("stats"), result -> {
                result.fields().forEachRemaining(e -> {
                    if (e.getValue().isObject()) {
                        e.getValue().fields().forEachRemaining(x -> ctl.out.println(e.getKey() + "." + x.getKey() + " " + x.getValue().asText()));
                    } else {
                        ctl.out.println(e.getKey() + " " + e.getValue().asText());
                    }
                });
            });
        }
    }

    @Command(name = "announce", description = "Send gratuitous ARP for ADDR now (failover): --count N (default 2), --interval DURATION (default 2s).")
    static final class Announce implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "ADDR")
        String address;
        @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "2")
        long count;
        @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "2s", description = "e.g. 2s, 200ms; a bare number is seconds.")
        String interval;
        @Option(names = {"-d", "--dev"}, paramLabel = "IF")
        String dev;

        @Override
        public Integer call() {
            ObjectNode r = request("announce", dev);
            r.put("address", address);
            r.put("count", count);
            r.put("interval", interval.matches("\\d+(\\.\\d+)?") ? interval + "s" : interval);
            return ctl.simple(r, ctl::message);
        }
    }

    @Command(name = "reload", description = "Read the config file again and apply it (like SIGHUP); its errors are printed if it is refused.")
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;

        @Override
        public Integer call() {
            return ctl.simple(request("reload"), ctl::message);
        }
    }

    @Command(name = "monitor", description = "Print events as they happen (Ctrl-C or --count to stop), like ip monitor neigh.")
    static final class Monitor implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N events.")
        Long count;
        @Option(names = "--dst", paramLabel = "ADDR", description = "Only events about this address.")
        String dst;

        @Override
        public Integer call() {
            ObjectNode r = request("monitor");
            if (count != null) r.put("count", count);
            if (dst != null) r.put("dst", dst);
            try (Connection c = ctl.new Connection()) {
                JsonNode first = c.send(r);
                if (!first.path("ok").asBoolean()) {
                    ctl.err.println(first.path("error").asText());
                    return 1;
                }
                String line;
                while ((line = c.in.readLine()) != null) {
                    if (line.startsWith("{\"end\"")) break;
                    if (ctl.json) ctl.out.println(line);
                    else ctl.out.println(event(JSON.readTree(line)));
                    ctl.out.flush();
                }
                return 0;
            } catch (IOException e) {
                ctl.err.println("uarpctl: " + e.getMessage());
                return 1;
            }
        }
    }

    /** "resolved 192.0.2.2 dev u0 lladdr 02:… REACHABLE (reply, 0.210 ms)". */
    static String event(JsonNode o) {
        StringBuilder b = new StringBuilder(str(o, "kind"));
        if (o.has("dst")) b.append(' ').append(str(o, "dst"));
        if (o.has("dev")) b.append(" dev ").append(str(o, "dev"));
        if (o.has("lladdr")) b.append(" lladdr ").append(str(o, "lladdr"));
        if (o.has("state")) b.append(' ').append(str(o, "state"));
        b.append(" (").append(str(o, "reason").replace('_', ' '));
        if (o.has("ms")) b.append(String.format(", %.3f ms", o.path("ms").asDouble()));
        if (o.has("detail")) b.append(": ").append(str(o, "detail"));
        return b.append(')').toString();
    }

    @Command(name = "capture", description = "Write the frames uarpd receives and sends to a pcap file (Ctrl-C or --count to stop).")
    static final class Capture implements Callable<Integer> {
        @ParentCommand
        Uarpctl ctl;
        @Parameters(index = "0", paramLabel = "FILE.pcap")
        Path file;
        @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N frames.")
        Long count;
        @Option(names = "--host", paramLabel = "ADDR", description = "Only ARP packets whose sender or target address is ADDR.")
        String host;

        @Override
        public Integer call() {
            ObjectNode r = request("capture");
            if (count != null) r.put("count", count);
            if (host != null) r.put("host", host);
            int written = 0;
            try (Connection c = ctl.new Connection(); PcapWriter pcap = PcapWriter.create(file, Ethernet.INSTANCE, TimestampResolution.NANOS)) {
                JsonNode first = c.send(r);
                if (!first.path("ok").asBoolean()) {
                    ctl.err.println(first.path("error").asText());
                    return 1;
                }
                // Ctrl-C: the shutdown closes the connection; what was written stays a valid pcap.
                Thread hook = new Thread(() -> {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                String line;
                try {
                    while ((line = c.in.readLine()) != null) {
                        JsonNode o = JSON.readTree(line);
                        if (o.path("end").asBoolean()) {
                            if (o.path("lost").asLong() > 0) ctl.err.println("uarpctl: " + o.path("lost").asLong() + " frames lost (reader too slow)");
                            break;
                        }
                        pcap.write(o.path("epochNanos").asLong(), Base64.getDecoder().decode(str(o, "frame")));
                        written++;
                        if (ctl.json) ctl.out.println(line);
                    }
                } catch (IOException closed) {
                    // Ctrl-C
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down
                }
            } catch (IOException e) {
                ctl.err.println("uarpctl: " + e.getMessage());
                return 1;
            }
            if (!ctl.json) ctl.out.println(written + " frame" + (written == 1 ? "" : "s") + " written to " + file);
            return 0;
        }
    }
}
