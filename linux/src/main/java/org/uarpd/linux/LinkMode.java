package org.uarpd.linux;

/** Who has the last word on ARP on one interface (DESIGN.md "Words"). */
public enum LinkMode {
    /** The kernel sends and believes no ARP there; uarpd resolves, answers and installs. */
    AUTHORITATIVE,
    /** The kernel keeps its ARP; uarpd adds published entries, RARP, and answers misses it can first. */
    ASSIST;

    public static LinkMode parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "authoritative" -> AUTHORITATIVE;
            case "assist" -> ASSIST;
            default -> throw new IllegalArgumentException("unknown mode '" + text + "' (expected authoritative or assist)");
        };
    }
}
