package org.uarpd.fleet;

import io.etcd.jetcd.Client;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One fleet host for the tests, run as its own JVM inside its own network namespace and driven
 * over stdin/stdout lines. Every line it prints starts with a word and ends with a
 * {@link System#nanoTime()} stamp where time matters; the monotonic clock is the same for every
 * process on the machine, so the driver can lay the hosts' timelines side by side.
 *
 * <p>Arguments: {@code ENDPOINTS(comma) FLEET HOST TTL_SECONDS GROUP...}; with the system property
 * {@code fleet.carryOn=LEASE_HEX} it carries on under that lease ({@link Fleet#carryOn}). Commands:
 * {@code publish IP MAC LINK}, {@code withdraw IP}, {@code lookup IP}, {@code health},
 * {@code owner GROUP} (the ownership key as etcd has it), {@code passon}, {@code adopt TENURE|-},
 * {@code stop}.
 *
 * <p>A probe thread asks {@link Fleet#mayAnswer} every millisecond and prints {@code ANSWERING} with
 * the time of the previous probe (the latest instant it surely did not answer yet) and
 * {@code SILENT} with the time of the first probe that said no: each printed interval covers the
 * real one, so overlaps between hosts cannot hide between probes.
 */
public final class FleetParticipant {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        List<String> endpoints = List.of(args[0].split(","));
        List<String> groups = List.of(Arrays.copyOfRange(args, 4, args.length));
        FleetConfig config = FleetConfig.of(endpoints, args[1], args[2], groups).withLeaseTtl(Duration.ofSeconds(Long.parseLong(args[3])));
        String carryOn = System.getProperty("fleet.carryOn");
        FleetListener listener = new FleetListener() {
            @Override
            public void gained(String group, long revision) {
                say("GAINED " + group + " " + revision + " " + System.nanoTime());
            }

            @Override
            public void announce(String group, long revision, int index) {
                say("ANNOUNCE " + group + " " + revision + " " + index + " " + System.nanoTime());
            }

            @Override
            public void lost(String group, String reason) {
                say("LOST " + group + " " + System.nanoTime() + " " + reason);
            }

            @Override
            public void healthChanged(boolean connected) {
                say("CONNECTED " + connected + " " + System.nanoTime());
            }
        };
        Fleet fleet = carryOn != null ? Fleet.carryOn(config, listener, Long.parseUnsignedLong(carryOn, 16)) : Fleet.start(config, listener);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            say("STOPPED " + System.nanoTime());
        }));
        Thread probe = Thread.ofPlatform().daemon().name("probe").start(() -> probe(fleet, groups));
        say("READY " + System.nanoTime());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.strip().split("\\s+");
            switch (w[0]) {
                case "publish" -> fleet.publish(new Binding(InetAddress.ofLiteral(w[1]), w[2], args[2], w[3]));
                case "withdraw" -> fleet.withdraw(InetAddress.ofLiteral(w[1]));
                case "lookup" -> say("LOOKUP " + w[1] + " " + fleet.lookup(InetAddress.ofLiteral(w[1]))
                        .map(b -> b.mac() + " " + b.host() + " " + b.link()).orElse("-"));
                case "health" -> {
                    FleetHealth h = fleet.health();
                    say("HEALTH connected=" + h.connected() + " directory=" + h.directorySize() + " owned=" + String.join(",", h.owned())
                            + " lease=" + h.leaseId() + " ttl=" + h.leaseTtlSeconds() + " takeovers=" + h.takeovers() + " owners=" + h.owners());
                }
                case "owner" -> say("OWNER " + w[1] + " " + owner(endpoints, "/" + FleetConfig.DEFAULT_PREFIX + "/" + args[1] + "/owners/" + w[1]));
                case "passon" -> say("TENURE " + fleet.passOn().encode());
                case "adopt" -> {
                    fleet.adopt(w[1].equals("-") ? new Tenure(0, 0, Map.of()) : Tenure.decode(line.strip().substring("adopt ".length())));
                    say("ADOPTED " + System.nanoTime());
                }
                case "stop" -> {
                    fleet.close();
                    say("STOPPED " + System.nanoTime());
                    System.exit(0);
                }
                default -> say("ERROR unknown command " + line);
            }
        }
        probe.interrupt();
    }

    private static void probe(Fleet fleet, List<String> groups) {
        Map<String, Boolean> answering = new HashMap<>();
        long previous = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            for (String g : groups) {
                boolean may = fleet.mayAnswer(g);
                if (may != answering.getOrDefault(g, false)) {
                    answering.put(g, may);
                    say((may ? "ANSWERING " + g + " " + previous : "SILENT " + g + " " + now));
                }
            }
            previous = now;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@code HOST create=C mod=M lease=HEX} of an ownership key, or {@code -} when it does not exist. */
    private static String owner(List<String> endpoints, String key) {
        try (Client c = Client.builder().endpoints(endpoints.toArray(String[]::new)).build()) {
            var kvs = c.getKVClient().get(io.etcd.jetcd.ByteSequence.from(key, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS).getKvs();
            if (kvs.isEmpty()) return "-";
            var kv = kvs.getFirst();
            return kv.getValue().toString(StandardCharsets.UTF_8) + " create=" + kv.getCreateRevision() + " mod=" + kv.getModRevision()
                    + " lease=" + Long.toHexString(kv.getLease());
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    private static synchronized void say(String line) {
        OUT.println(line);
    }
}
