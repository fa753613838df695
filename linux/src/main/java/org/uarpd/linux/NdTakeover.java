package org.uarpd.linux;

import org.uarpd.engine.LinkMode;

/**
 * The IPv6 half of taking an interface over ({@link InterfaceTakeover} does IPv4): the same three
 * modes with {@code net.ipv6.neigh.IF} knobs (ip-sysctl.rst), which make the kernel send
 * {@code RTM_GETNEIGH} for IPv6 misses exactly as for IPv4, every one through the {@link HostJournal}.
 *
 * <ul>
 *   <li>answer: {@code app_solicit 0}, the kernel resolves IPv6 alone;</li>
 *   <li>assist: {@code app_solicit 1}, the kernel asks uarpd first and still solicits itself;</li>
 *   <li>authoritative: the kernel sends no solicitation ({@code ucast/mcast_solicit 0}, {@code
 *       mcast_resolicit 0}) and asks uarpd {@link InterfaceTakeover#APP_SOLICIT} times, and the
 *       nftables {@code inet} drop keeps solicitations and advertisements from it, so it neither
 *       answers nor learns; uarpd answers for the host's addresses and defends them.</li>
 * </ul>
 * An interface without IPv6 (disabled, or no {@code net/ipv6/neigh/IF}) is left alone: there is
 * nothing to resolve there.
 */
final class NdTakeover {
    private NdTakeover() {}

    /** The {@code net.ipv6.neigh.IF} knobs of {@code mode}, after which the kernel still answers ND (see {@link InterfaceTakeover#prepare}). */
    static void prepare(HostJournal journal, String name, LinkMode mode, EventLog log) {
        if (!hasIpv6(journal, name)) {
            LogLines.note(log, "%s: no IPv6 (no net.ipv6.neigh.%s): neighbour discovery left to nobody", name, name);
            return;
        }
        switch (mode) {
            case ANSWER -> journal.setSysctl(KernelSettings.neigh6(name, "app_solicit"), "0");
            case ASSIST -> journal.setSysctl(KernelSettings.neigh6(name, "app_solicit"), "1");
            case AUTHORITATIVE -> {
                journal.setSysctl(KernelSettings.neigh6(name, "app_solicit"), Integer.toString(InterfaceTakeover.APP_SOLICIT));
                journal.setSysctl(KernelSettings.neigh6(name, "ucast_solicit"), "0");
                journal.setSysctl(KernelSettings.neigh6(name, "mcast_solicit"), "0");
                journal.setSysctl(KernelSettings.neigh6(name, "mcast_resolicit"), "0");
                LogLines.note(log, "%s: IPv6 authoritative (solicitations sent by uarpd only; nftables table inet %s drops "
                        + "neighbour solicitations and advertisements input)", name, NftArpDrop.TABLE);
            }
        }
    }

    /** On an authoritative link with IPv6, the {@code inet} drop: the kernel neither answers nor learns ND there from now on. */
    static void cut(HostJournal journal, String name, int index) {
        if (hasIpv6(journal, name)) journal.dropNd(index);
    }

    private static boolean hasIpv6(HostJournal journal, String name) {
        return journal.hasSetting(KernelSettings.neigh6(name, "app_solicit"));
    }
}
