package org.uarpd.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * sysctls through {@code /proc/sys} of the network namespace the calling thread is in (proc(5),
 * {@code /proc/sys/net/ipv4/neigh} and {@code conf}). Reads and writes only: what uarpd changes, and
 * the value it found, is kept by the {@link HostJournal}.
 */
public final class KernelSettings {
    private final Path root;

    public KernelSettings() {
        this(Path.of("/proc/sys"));
    }

    /** Settings under {@code root} instead of {@code /proc/sys} (tests use a directory of their own). */
    KernelSettings(Path root) {
        this.root = root;
    }

    public static String neigh(String link, String knob) {
        return "net/ipv4/neigh/" + link + "/" + knob;
    }

    public static String conf(String link, String knob) {
        return "net/ipv4/conf/" + link + "/" + knob;
    }

    /** The file behind {@code key}, as the crash restorer writes it back. */
    public Path path(String key) {
        return root.resolve(key);
    }

    public String read(String key) {
        try {
            return Files.readString(path(key), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sysctl " + key.replace('/', '.') + " (" + path(key) + "): " + e, e);
        }
    }

    /** Sets {@code key} (e.g. {@code net/ipv4/conf/eth0/arp_ignore}) to {@code value}. */
    public void write(String key, String value) {
        try {
            Files.writeString(path(key), value + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write sysctl " + key.replace('/', '.') + " = " + value + ": " + e
                    + " — needs root or CAP_NET_ADMIN in this network namespace", e);
        }
    }
}
