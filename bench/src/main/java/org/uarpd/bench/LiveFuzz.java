package org.uarpd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NamespaceThread;
import org.uarpd.linux.NativeCallException;
import org.uarpd.linux.PacketSocket;

/**
 * Live fuzzing (results in BENCHMARKS.md, "Live fuzz"): random and mutated frames sent from a peer
 * namespace through an AF_PACKET socket into a running authoritative uarpd (H, u0 192.0.2.1/24, MTU
 * 9000 so oversized frames arrive), then malformed control-socket requests and an oversized line.
 * Afterwards: the daemon is still alive, its RSS before and after, and it still answers arping and
 * uarpctl. The frame kinds: ARP, RARP, InARP, 802.3 length + LLC/SNAP, 802.1Q-tagged ARP, truncated,
 * oversized, every length field (hlen, plen, 802.3 length) and type field at its extremes, random
 * bytes; a fifth of them then get random bytes flipped. Addresses inside structured frames come from
 * 192.0.2.0/24 and 198.51.100.0/24 only. Needs root, iproute2, iputils-arping.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat cp.txt)" org.uarpd.bench.LiveFuzz [frames [seed [max seconds]]]</pre>
 */
public final class LiveFuzz {
    private static final int MTU = 9000;

    private LiveFuzz() {}

    public static void main(String[] args) throws Exception {
        long frames = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 12;
        long maxSeconds = args.length > 2 ? Long.parseLong(args[2]) : 1200;
        String missing = NamespaceLab.missingPrivileges("to build its namespaces and send raw frames");
        if (missing != null) {
            System.err.println("LiveFuzz: " + missing);
            System.exit(1);
        }
        try (NamespaceLab lab = new NamespaceLab("ufz")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            lab.ok(h, "ip", "link", "set", "u0", "mtu", Integer.toString(MTU));
            lab.ok(p, "ip", "link", "set", "p0", "mtu", Integer.toString(MTU));
            byte[] hostMac = mac(lab.mac(h, "u0"));
            int peerIndex = Integer.parseInt(lab.ok(p, "cat", "/sys/class/net/p0/ifindex").strip());
            try (LabDaemon uarpd = LabDaemon.start(lab, h, "--quiet", "--interface", "u0", "--mode", "authoritative",
                    "--publish", "198.51.100.16/28", "--ethers", writeEthers().toString(), "--warm-up", "20000")) {
                double loadBefore = FirstPacketLatency.loadAverage();
                long rssBefore = uarpd.rssKib();
                long rxBefore = Long.parseLong(lab.ok(h, "cat", "/sys/class/net/u0/statistics/rx_packets").strip());
                long t0 = System.nanoTime();
                long[] sent = new long[2]; // sent, refused by the kernel
                try (NamespaceThread inP = new NamespaceThread(p)) {
                    inP.call(() -> {
                        FrameFuzzer fuzzer = new FrameFuzzer(new SplittableRandom(seed), hostMac);
                        byte[] buf = new byte[MTU + 14];
                        long deadline = t0 + TimeUnit.SECONDS.toNanos(maxSeconds);
                        try (PacketSocket out = new PacketSocket(peerIndex, "p0", PacketSocket.ETH_P_ARP)) {
                            for (long i = 0; i < frames && ((i & 0xFFFF) != 0 || System.nanoTime() < deadline); i++) {
                                int len = fuzzer.next(buf);
                                try {
                                    out.send(buf, 0, len);
                                    sent[0]++;
                                } catch (NativeCallException refused) {
                                    sent[1]++; // EAGAIN with a full queue, or a frame shorter than the kernel accepts
                                }
                            }
                        }
                        return null;
                    });
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long rxAfter = Long.parseLong(lab.ok(h, "cat", "/sys/class/net/u0/statistics/rx_packets").strip());
                long rssAfterFrames = uarpd.rssKib();
                String control = fuzzControl(uarpd);
                boolean alive = uarpd.process.isAlive();
                boolean answers = lab.run(p, "arping", "-c", "3", "-w", "5", "-I", "p0", "192.0.2.1").ok();
                boolean publishedAnswers = lab.run(p, "arping", "-c", "3", "-w", "5", "-I", "p0", "198.51.100.17").ok();
                java.io.StringWriter ctlErr = new java.io.StringWriter();
                int ctl = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(new java.io.StringWriter()),
                        new java.io.PrintWriter(ctlErr), "-s", uarpd.control.toString(), "show", "links");
                System.out.printf(Locale.ROOT, "# %s; load average (1 min) %.2f before, %.2f after, %d CPUs%n", java.time.Instant.now(),
                        loadBefore, FirstPacketLatency.loadAverage(), Runtime.getRuntime().availableProcessors());
                System.out.printf(Locale.ROOT, "frames: %d sent, %d refused by the sending kernel, %d received by u0, in %.1f s (%.0f/s), seed %d%n",
                        sent[0], sent[1], rxAfter - rxBefore, seconds, sent[0] / seconds, seed);
                System.out.printf(Locale.ROOT, "uarpd RSS %d KiB before, %d KiB after the frames, %d KiB after the control requests%n",
                        rssBefore, rssAfterFrames, uarpd.rssKib());
                System.out.println("control socket: " + control);
                System.out.printf(Locale.ROOT, "alive: %s; arping own address: %s; arping published address: %s; uarpctl show links: %s%n",
                        alive, answers ? "answered" : "NOT ANSWERED", publishedAnswers ? "answered" : "NOT ANSWERED",
                        ctl == 0 ? "ok" : "FAILED " + ctlErr.toString().strip());
                if (!alive || !answers || !publishedAnswers || ctl != 0) {
                    System.out.println("uarpd log:\n" + uarpd.log());
                    System.exit(1);
                }
            }
        }
    }

    private static java.nio.file.Path writeEthers() throws IOException {
        java.nio.file.Path ethers = java.nio.file.Files.createTempFile("uarpd-fuzz", ".ethers");
        java.nio.file.Files.writeString(ethers, "02:00:5e:00:53:aa 198.51.100.200\n");
        ethers.toFile().deleteOnExit();
        return ethers;
    }

    /**
     * Malformed requests on the control socket, each on a connection of its own: what came back for
     * each, summarised. The daemon must answer (an error) or close, never hang or die.
     */
    static String fuzzControl(LabDaemon d) throws IOException {
        String[] requests = {
            "", "{", "}", "null", "[]", "42", "\"show\"", "{\"command\":42}", "{\"command\":\"show\",\"what\":{}}",
            "{\"command\":\"add\",\"address\":\"300.1.1.1\",\"lladdr\":\"zz\"}", "{\"command\":\"probe\",\"address\":\"\"}",
            "{\"command\":\"monitor\",\"count\":-1}", "{\"command\":\"announce\",\"address\":\"192.0.2.1\",\"count\":2147483647}",
            "{\"command\":\"publish\",\"target\":\"0.0.0.0/0\"}", "{\"command\":\"reclaim\",\"address\":\"192.0.2.1\"}",
            "{\"command\":\"reclaim\",\"address\":\"not an address\",\"dev\":\"\\u0000\"}", "\u0000\u0001\u0002", "{\"command\":\"" + "x".repeat(100_000) + "\"}",
        };
        int answered = 0;
        int closed = 0;
        for (String r : requests) {
            if (exchange(d, (r + "\n").getBytes(StandardCharsets.UTF_8))) answered++;
            else closed++;
        }
        // An oversized line: 64 MiB with no newline.
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'a');
        String oversized;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(d.control));
            OutputStream out = Channels.newOutputStream(ch);
            long written = 0;
            try {
                for (int i = 0; i < 64; i++) {
                    out.write(big);
                    written += big.length;
                }
                oversized = "64 MiB line without a newline accepted to the end";
            } catch (IOException cut) {
                oversized = "oversized line cut off after " + (written >> 20) + " MiB (" + cut.getMessage() + ")";
            }
        }
        return requests.length + " malformed requests: " + answered + " answered, " + closed + " closed without an answer; " + oversized
                + "; " + manyAtOnce(d, 100);
    }

    /**
     * {@code count} connections held open at once, each then asking for stats: how many were served and
     * how many refused at once with a failure (the daemon serves a bounded number at a time).
     */
    static String manyAtOnce(LabDaemon d, int count) throws IOException {
        java.util.List<SocketChannel> open = new java.util.ArrayList<>();
        int refused = 0;
        int served = 0;
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(d.control));
                open.add(ch);
            }
            for (SocketChannel ch : open) {
                try {
                    Channels.newOutputStream(ch).write("{\"command\":\"stats\"}\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException closedByDaemon) {
                    // refused: its reason is still there to read
                }
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
                if (line != null && line.startsWith("{\"type\":\"stats\"")) served++;
                else if (line != null && line.contains("control connections at once")) refused++;
            }
        } finally {
            for (SocketChannel ch : open) ch.close();
        }
        return count + " connections at once: " + served + " served, " + refused + " refused with a reason";
    }

    /** Sends {@code request} and reads one line back within 5 s; true when something came back. */
    private static boolean exchange(LabDaemon d, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(d.control));
            Channels.newOutputStream(ch).write(request);
            ch.shutdownOutput();
            ch.configureBlocking(true);
            InputStream in = Channels.newInputStream(ch);
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(5000); // a watchdog: a hung answer closes the channel
                    ch.close();
                } catch (InterruptedException | IOException done) {
                    // answered in time
                }
            });
            try {
                return in.read() >= 0;
            } catch (IOException closedByWatchdog) {
                return false;
            } finally {
                killer.interrupt();
            }
        }
    }

    static byte[] mac(String text) {
        String[] parts = text.strip().split(":");
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) Integer.parseInt(parts[i], 16);
        return b;
    }
}
