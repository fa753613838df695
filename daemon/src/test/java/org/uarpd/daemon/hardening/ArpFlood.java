package org.uarpd.daemon.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.linux.NamespaceLab;

/**
 * A bounded trafgen (netsniff-ng) flood of broadcast ARP requests, each frame with a random sender
 * MAC, cycling through its frames in order; it stops by itself after its count of frames.
 */
final class ArpFlood implements AutoCloseable {
    final Process process;
    private final Path config;

    private ArpFlood(Process process, Path config) {
        this.process = process;
        this.config = config;
    }

    /**
     * Requests for {@code targets}, each sent once from a sender outside the link's subnet
     * (198.51.100.128–254) and once from one inside it (192.0.2.128–254), {@code gap} apart.
     */
    static ArpFlood start(NamespaceLab lab, String ns, String dev, long frames, String gap, String... targets) throws IOException {
        StringBuilder conf = new StringBuilder();
        for (String target : targets) {
            for (String sender : new String[] {"198.51.100", "192.0.2"}) conf.append(frame(sender, 128, 254, target));
        }
        return run(lab, ns, dev, conf, "--num", Long.toString(frames), "--gap", gap);
    }

    /** Requests for {@code target} from senders {@code net.first} … {@code net.last} in turn, at {@code rate} (e.g. "100pps"). */
    static ArpFlood fromSenders(NamespaceLab lab, String ns, String dev, long frames, String rate, String net, int first, int last, String target)
            throws IOException {
        return run(lab, ns, dev, new StringBuilder(frame(net, first, last, target)), "--num", Long.toString(frames), "--rate", rate);
    }

    /** One trafgen frame: Ethernet broadcast, ARP request from {@code net.(first…last)} at a random MAC for {@code target}. */
    private static String frame(String net, int first, int last, String target) {
        String sender = String.join(", ", net.split("\\."));
        return "{ fill(0xff, 6), 0x02, drnd(5), c16(0x0806), c16(1), c16(0x0800), c8(6), c8(4), c16(1),\n"
                + "  0x02, drnd(5), " + sender + ", dinc(" + first + ", " + last + "),\n"
                + "  fill(0x00, 6), " + String.join(", ", target.split("\\.")) + " }\n";
    }

    private static ArpFlood run(NamespaceLab lab, String ns, String dev, CharSequence conf, String... pace) throws IOException {
        HostState.requireTools("trafgen", "netsniff-ng");
        Path file = Files.createTempFile("uarpd-flood", ".cfg");
        Files.writeString(file, conf);
        List<String> cmd = new ArrayList<>(List.of("trafgen", "--dev", dev, "--conf", file.toString(), "--cpus", "1", "--no-sock-mem"));
        cmd.addAll(List.of(pace));
        Process p = lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, cmd.toArray(String[]::new));
        return new ArpFlood(p, file);
    }

    boolean running() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        Files.deleteIfExists(config);
    }
}
