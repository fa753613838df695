package org.uarpd.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

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

    /** An IPv6 neighbour discovery knob of {@code link} ({@code net/ipv6/neigh/IF/…}, ip-sysctl.rst). */
    public static String neigh6(String link, String knob) {
        return "net/ipv6/neigh/" + link + "/" + knob;
    }

    public static String conf(String link, String knob) {
        return "net/ipv4/conf/" + link + "/" + knob;
    }

    /** The file behind {@code key}, as the crash restorer writes it back. */
    public Path path(String key) {
        return root.resolve(key);
    }

    /**
     * The value of {@code key}. Read to the end of the stream: a {@code /proc/sys} file reports a size
     * of 0, and a read sized from that returns only part of the value ("1" of "1024").
     */
    public String read(String key) {
        try (InputStream in = Files.newInputStream(path(key))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sysctl " + key.replace('/', '.') + " (" + path(key) + "): " + e, e);
        }
    }

    /** Sets {@code key} (e.g. {@code net/ipv4/conf/eth0/arp_ignore}) to {@code value}. */
    public void write(String key, String value) {
        try {
            Files.writeString(path(key), value + "\n", StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("cannot write sysctl " + key.replace('/', '.') + " = " + value + ": "
                    + linkOf(key) + " is gone (its settings went with it)", e);
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot write sysctl " + key.replace('/', '.') + " = " + value + ": " + e
                    + " — needs root or CAP_NET_ADMIN in this network namespace", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write sysctl " + key.replace('/', '.') + " = " + value + ": " + e, e);
        }
    }

    /** Whether the file behind {@code key} exists: a per-interface key vanishes with its interface. */
    public boolean exists(String key) {
        return Files.exists(path(key));
    }

    /**
     * Waits, at most {@code timeout}, until the per-interface directories of {@code link} exist
     * ({@code net/ipv4/conf}, {@code net/ipv4/neigh}, and their IPv6 twins where IPv6 is built in).
     * A rename is announced on rtnetlink before it is finished: the kernel sends the RTM_NEWLINK from
     * its NETDEV_CHANGENAME notifier, and the IPv4 and IPv6 notifiers that move the interface's
     * {@code /proc/sys} directories to the new name run after it (on this kernel a third of the
     * notices of a rename were read while the new directories were still missing). False if they
     * did not all appear in time.
     */
    public boolean awaitLink(String link, Duration timeout) {
        boolean ipv6 = Files.isDirectory(root.resolve("net/ipv6/conf"));
        String[] dirs = ipv6
                ? new String[] {conf(link, ""), neigh(link, ""), "net/ipv6/conf/" + link + "/", neigh6(link, "")}
                : new String[] {conf(link, ""), neigh(link, "")};
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < dirs.length; ) {
            if (Files.isDirectory(root.resolve(dirs[i]))) {
                i++;
            } else if (System.nanoTime() - deadline >= 0) {
                return false;
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        return true;
    }

    /** The interface a {@link #neigh} or {@link #conf} key belongs to (the fourth path element). */
    public static String linkOf(String key) {
        String[] parts = key.split("/");
        return parts.length > 3 ? parts[3] : key;
    }
}
