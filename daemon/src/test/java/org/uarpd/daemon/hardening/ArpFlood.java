package org.uarpd.daemon.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.uarpd.linux.NamespaceLab;

/**
 * A bounded trafgen (netsniff-ng) flood of broadcast ARP requests for {@code targets}, each sent once
 * with a random sender MAC from a sender outside the link's subnet (198.51.100.128–254) and once from
 * one inside it (192.0.2.128–254), cycling through the frames in order.
 */
final class ArpFlood implements AutoCloseable {
    final Process process;
    private final Path config;

    private ArpFlood(Process process, Path config) {
        this.process = process;
        this.config = config;
    }

    static ArpFlood start(NamespaceLab lab, String ns, String dev, long frames, String gap, String... targets) throws IOException {
        HostState.requireTools("trafgen", "netsniff-ng");
        StringBuilder conf = new StringBuilder();
        for (String target : targets) {
            String tpa = String.join(", ", target.split("\\."));
            for (String sender : new String[] {"198, 51, 100", "192, 0, 2"}) {
                conf.append("{ fill(0xff, 6), 0x02, drnd(5), c16(0x0806), c16(1), c16(0x0800), c8(6), c8(4), c16(1),\n")
                        .append("  0x02, drnd(5), ").append(sender).append(", dinc(128, 254),\n")
                        .append("  fill(0x00, 6), ").append(tpa).append(" }\n");
            }
        }
        Path file = Files.createTempFile("uarpd-flood", ".cfg");
        Files.writeString(file, conf);
        Process p = lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD,
                "trafgen", "--dev", dev, "--conf", file.toString(), "--num", Long.toString(frames), "--gap", gap, "--cpus", "1", "--no-sock-mem");
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
