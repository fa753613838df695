package org.uarpd.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.uarpd.linux.NamespaceLab;

/**
 * Real etcd members and {@link FleetParticipant} hosts, each in its own network namespace, all on one
 * bridge in a namespace of their own (192.0.2.0/24). Data directories and logs live in a temporary
 * directory (on tmpfs where there is one); {@link #close()} kills every process and removes namespaces and files, also when a
 * test fails.
 */
final class FleetLab implements AutoCloseable {

    private final NamespaceLab lab = new NamespaceLab("uarpd-fleet-");
    private final String sw = lab.namespace("sw");
    private final Path dir;
    private final Map<String, Process> members = new LinkedHashMap<>();
    private final List<Path> memberLogs = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();
    /** Extra JVM options for the hosts started from now on. */
    List<String> hostJvmOptions = List.of();

    FleetLab() throws IOException {
        requireEtcd();
        // etcd syncs every commit to disk; on tmpfs its latency is the network's and the code's, not the disk's.
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "uarpd-fleet") : Files.createTempDirectory("uarpd-fleet");
    }

    static void requireEtcd() {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "etcd")));
        if (!found) throw new IllegalStateException("the fleet tests run real etcd: install it with 'apt-get install etcd-server' (Debian)");
    }

    /**
     * Starts an etcd cluster of {@code n} members (m1.., 192.0.2.11..) and waits until each serves
     * clients; returns the client URLs. Heartbeat and election timeout are etcd's flags in ms.
     */
    List<String> etcd(int n, int heartbeatMs, int electionMs) throws IOException {
        List<String> peers = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            peers.add("m" + i + "=http://" + memberIp(i) + ":2380");
            clients.add("http://" + memberIp(i) + ":2379");
        }
        List<Path> logs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String name = "m" + i;
            String ns = lab.namespace(name);
            lab.switchPort(sw, ns, name, memberIp(i) + "/24");
            Path log = dir.resolve(name + ".log");
            logs.add(log);
            memberLogs.add(log);
            members.put(name, lab.start(ns, ProcessBuilder.Redirect.to(log.toFile()), ProcessBuilder.Redirect.appendTo(log.toFile()),
                    "etcd", "--name", name, "--data-dir", dir.resolve(name + ".etcd").toString(),
                    "--listen-client-urls", clients.get(i - 1), "--advertise-client-urls", clients.get(i - 1),
                    "--listen-peer-urls", "http://" + memberIp(i) + ":2380", "--initial-advertise-peer-urls", "http://" + memberIp(i) + ":2380",
                    "--initial-cluster", String.join(",", peers), "--initial-cluster-state", "new", "--initial-cluster-token", lab.prefix(),
                    "--heartbeat-interval", Integer.toString(heartbeatMs), "--election-timeout", Integer.toString(electionMs),
                    // A member starved of CPU for an election timeout first asks the others whether they would vote
                    // (Raft's pre-vote, etcd's default from 3.5): while they hear the leader, they refuse, and the
                    // leader is not deposed by a member that merely fell behind.
                    "--pre-vote"));
        }
        for (int i = 0; i < n; i++) {
            Path log = logs.get(i);
            Process p = members.get("m" + (i + 1));
            await(Duration.ofSeconds(30), "etcd m" + (i + 1) + " to serve clients (log " + log + ")", () -> {
                if (!p.isAlive()) throw new IllegalStateException("etcd exited " + p.exitValue() + ": " + read(log));
                return read(log).contains("ready to serve client requests");
            });
        }
        return clients;
    }

    private static final java.util.regex.Pattern BECAME_LEADER = java.util.regex.Pattern.compile("became leader at term (\\d+)");

    /**
     * The member (1-based) that last became leader and its term, as the members' own logs say ({0, -1}
     * before any did): no client request, so nothing a loaded machine can time out.
     */
    long[] leader() {
        long[] leader = {0, -1};
        for (int i = 1; i <= memberLogs.size(); i++) {
            java.util.regex.Matcher m = BECAME_LEADER.matcher(read(memberLogs.get(i - 1)));
            while (m.find()) {
                long term = Long.parseLong(m.group(1));
                if (term > leader[1]) leader = new long[] {i, term};
            }
        }
        return leader;
    }

    static String memberIp(int i) {
        return "192.0.2." + (10 + i);
    }

    /** Kills member {@code m<i>} with SIGKILL and waits until it is gone. */
    void killMember(int i) throws InterruptedException {
        Process p = members.get("m" + i);
        p.destroyForcibly();
        p.waitFor();
    }

    /** Starts host {@code h<i>} (192.0.2.2i) joined to {@code fleet} and waits for it to say READY. */
    Host host(int i, List<String> endpoints, String fleet, int ttlSeconds, String... groups) throws IOException {
        String name = "h" + i;
        String ns = lab.namespace(name);
        lab.switchPort(sw, ns, name, "192.0.2." + (20 + i) + "/24");
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(hostJvmOptions);
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1",
                "--sun-misc-unsafe-memory-access=allow", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), FleetParticipant.class.getName(),
                String.join(",", endpoints), fleet, name, Integer.toString(ttlSeconds)));
        cmd.addAll(List.of(groups));
        return launch(name, ns, cmd);
    }

    /**
     * A second process for host {@code old} (same namespace, name and arguments) that carries on under
     * lease {@code leaseHex} ({@code uarpctl restart}'s successor), while {@code old} may still run.
     */
    Host successor(Host old, String leaseHex) {
        List<String> cmd = new ArrayList<>(old.command);
        cmd.add(1, "-Dfleet.carryOn=" + leaseHex);
        return launch(old.name, old.ns, cmd);
    }

    /** Starts hosts h1..h{@code n} alike. */
    List<Host> startHosts(int n, List<String> endpoints, String fleet, int ttlSeconds, String... groups) throws IOException {
        List<Host> started = new ArrayList<>();
        for (int i = 1; i <= n; i++) started.add(host(i, endpoints, fleet, ttlSeconds, groups));
        return started;
    }

    /** Starts a new process for a host that was killed or stopped, in the same namespace with the same arguments. */
    Host restart(Host old) {
        return launch(old.name, old.ns, old.command);
    }

    private Host launch(String name, String ns, List<String> cmd) {
        Path err = dir.resolve(name + "-" + hosts.size() + ".err");
        Process p = lab.start(ns, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.to(err.toFile()), cmd.toArray(String[]::new));
        Host h = new Host(name, ns, cmd, p, err);
        hosts.add(h);
        h.await(l -> l.startsWith("READY"), Duration.ofSeconds(30));
        return h;
    }

    /** Cuts host or member {@code name} off the bridge (its switch port down), or joins it again. */
    void partition(String name, boolean cut) {
        lab.ok(sw, "ip", "link", "set", "s" + name, cut ? "down" : "up");
    }

    List<Host> hosts() {
        return hosts;
    }

    @Override
    public void close() throws IOException {
        try {
            for (Host h : hosts) h.process.destroyForcibly();
            lab.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    /** Waits until {@code check} holds, polling every 10 ms, or fails after {@code limit} naming {@code what}. */
    static void await(Duration limit, String what, Check check) {
        long end = System.nanoTime() + limit.toNanos();
        try {
            while (!check.done()) {
                if (System.nanoTime() - end > 0) throw new AssertionError("timed out after " + limit + " waiting for " + what);
                Thread.sleep(10);
            }
        } catch (AssertionError | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A running {@link FleetParticipant}: its stdout lines as they come, and its stdin for commands. */
    static final class Host {
        final String name;
        final String ns;
        final List<String> command;
        final Process process;
        private final Path err;
        private final Writer in;
        private final List<String> lines = new ArrayList<>();
        private int consumed;
        private boolean ended;

        Host(String name, String ns, List<String> command, Process process, Path err) {
            this.name = name;
            this.ns = ns;
            this.command = command;
            this.process = process;
            this.err = err;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("fleet-host-" + name).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (this) {
                            lines.add(l);
                            notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the process died: the lines so far stay readable
                } finally {
                    synchronized (this) {
                        ended = true;
                        notifyAll();
                    }
                }
            });
        }

        /** What the host logged, for failure messages. */
        String stderr() {
            return read(err);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        /** The first line from the start that matches, waiting up to {@code limit}. */
        String await(Predicate<String> match, Duration limit) {
            return awaitFrom(0, match, limit);
        }

        /** The first matching line at or after index {@code from} of {@link #lines()}. */
        String awaitAfter(int from, Predicate<String> match, Duration limit) {
            return awaitFrom(from, match, limit);
        }

        /** The first matching line printed after the last {@link #ask} or {@link #next}. */
        String next(Predicate<String> match, Duration limit) {
            String l = awaitFrom(consumed, match, limit);
            synchronized (this) {
                consumed = lines.indexOf(l) + 1;
            }
            return l;
        }

        private synchronized String awaitFrom(int from, Predicate<String> match, Duration limit) {
            long end = System.nanoTime() + limit.toNanos();
            int seen = from;
            while (true) {
                for (; seen < lines.size(); seen++) if (match.test(lines.get(seen))) return lines.get(seen);
                long left = end - System.nanoTime();
                if (left <= 0 || (ended && seen >= lines.size()))
                    throw new AssertionError(name + ": no line matching after " + limit + "; printed " + lines + "\nstderr:\n" + read(err));
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        /** Sends a command and returns the first reply line starting with {@code replyWord}. */
        String ask(String command, String replyWord) throws IOException {
            synchronized (this) {
                consumed = lines.size();
            }
            in.write(command + "\n");
            in.flush();
            return next(l -> l.startsWith(replyWord + " "), Duration.ofSeconds(15));
        }

        /** SIGKILL; returns the monotonic time just before the signal. */
        long kill() throws InterruptedException {
            long t = System.nanoTime();
            process.toHandle().destroyForcibly();
            process.waitFor();
            return t;
        }

        /**
         * SIGTERM (the JVM's shutdown hook closes the fleet); returns the time just before the signal.
         * Through the handle: {@link Process#destroy()} would also close the pipes and lose the last lines.
         */
        long terminate() {
            long t = System.nanoTime();
            process.toHandle().destroy();
            return t;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
