package org.uarpd.linux;

/**
 * The kernel's hard limit on IPv4 neighbour entries, {@code net.ipv4.neigh.default.gc_thresh3}
 * (1024 by default; at it the kernel refuses new entries, whoever asks), as
 * uarpd may read it: it only reads, never writes it. The table and its thresholds are shared by
 * every network namespace, but the kernel shows {@code neigh/default} only in the initial one; in
 * any other the limit is assumed to be the kernel's default, and {@link #source} says so.
 *
 * @param gcThresh3 the limit, read or assumed
 * @param source    where it came from, for the log line that reports the learning cap
 */
public record NeighbourTableLimit(int gcThresh3, String source) {
    /** The kernel's default {@code gc_thresh3}. */
    public static final int KERNEL_DEFAULT = 1024;
    static final String KEY = "net/ipv4/neigh/default/gc_thresh3";

    /** The limit as the network namespace of the calling thread shows it, or the default with the reason. */
    public static NeighbourTableLimit read(KernelSettings settings) {
        if (!settings.exists(KEY)) {
            return new NeighbourTableLimit(KERNEL_DEFAULT, "assumed, the kernel's default: this network namespace does not show "
                    + "net.ipv4.neigh.default.gc_thresh3 (only the initial one does)");
        }
        String text = settings.read(KEY);
        try {
            int value = Integer.parseInt(text);
            if (value > 0) return new NeighbourTableLimit(value, "net.ipv4.neigh.default.gc_thresh3");
        } catch (NumberFormatException e) {
            // said below
        }
        return new NeighbourTableLimit(KERNEL_DEFAULT, "assumed, the kernel's default: net.ipv4.neigh.default.gc_thresh3 reads '"
                + text + "', not a positive number");
    }
}
