package org.uarpd.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sysctls uarpd changes, through {@code /proc/sys} of the network namespace it runs in. The value
 * found before the first change of each is recorded (and handed to the {@link CrashRestorer}), and
 * {@link #restore()} writes every one back, value by value, in reverse order.
 */
public final class KernelSettings {
    private final Map<String, String> originals = new LinkedHashMap<>();
    private final CrashRestorer restorer;
    private final Path root;

    /** {@code restorer} may be null (no crash protection, e.g. in tests of this class alone). */
    public KernelSettings(CrashRestorer restorer) {
        this(restorer, Path.of("/proc/sys"));
    }

    KernelSettings(CrashRestorer restorer, Path root) {
        this.restorer = restorer;
        this.root = root;
    }

    public static String neigh(String link, String knob) {
        return "net/ipv4/neigh/" + link + "/" + knob;
    }

    public static String conf(String link, String knob) {
        return "net/ipv4/conf/" + link + "/" + knob;
    }

    public String read(String key) {
        try {
            return Files.readString(root.resolve(key), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sysctl " + key.replace('/', '.') + " (" + root.resolve(key) + "): " + e, e);
        }
    }

    /** Sets {@code key} (e.g. {@code net/ipv4/conf/eth0/arp_ignore}) to {@code value}, recording the old value first. */
    public synchronized void set(String key, String value) {
        if (!originals.containsKey(key)) {
            String old = read(key);
            originals.put(key, old);
            if (restorer != null) restorer.record(root.resolve(key).toString(), old);
        }
        write(key, value);
    }

    private void write(String key, String value) {
        try {
            Files.writeString(root.resolve(key), value + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write sysctl " + key.replace('/', '.') + " = " + value + ": " + e
                    + " — needs root or CAP_NET_ADMIN in this network namespace", e);
        }
    }

    /** What uarpd changed: key → value before the change. */
    public synchronized Map<String, String> originals() {
        return Map.copyOf(originals);
    }

    /** Writes every recorded value back (newest first); returns the ones that failed, with why. */
    public synchronized List<String> restore() {
        List<String> failed = new ArrayList<>();
        List<Map.Entry<String, String>> entries = new ArrayList<>(originals.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            var e = entries.get(i);
            try {
                write(e.getKey(), e.getValue());
            } catch (IllegalStateException ex) {
                failed.add(ex.getMessage());
            }
        }
        originals.clear();
        return failed;
    }
}
