package org.uarpd.linux;

import org.uarpd.engine.LinkMode;

/**
 * What taking an interface over means for each {@link LinkMode}: the kernel settings (sysctls, the
 * nftables ARP drop) made through the {@link HostJournal}, so every one is put back on exit or after a
 * crash. The knobs are those of ip-sysctl.rst ({@code app_solicit}, {@code arp_ignore}, …).
 */
final class InterfaceTakeover {
    /** How many app probes (misses) the kernel sends on an authoritative link before it gives up. */
    static final int APP_SOLICIT = 3;

    private InterfaceTakeover() {}

    /**
     * Assist mode sets only {@code app_solicit} to 1: the kernel keeps its ARP, but tells uarpd of each
     * miss first, so a binding uarpd already knows is installed at once, and for one it does not the
     * engine broadcasts a request at once (the kernel's own broadcasts would wait one
     * {@code retrans_time}, 1 s by default). The kernel still decides failure; if uarpd dies, a new
     * resolution costs one retransmit interval more and nothing else.
     *
     * <p>Answer mode sets {@code app_solicit} to 0 (its default): the kernel asks uarpd nothing.
     *
     * <p>Authoritative mode makes uarpd the only ARP speaker: the kernel sends no request
     * ({@code ucast/mcast_solicit 0}) and answers none ({@code arp_ignore 8}), and the nftables drop
     * stops it learning from replies and gratuitous ARP, which it would otherwise believe whatever
     * {@code arp_accept} says; {@code AF_PACKET} sockets still see every frame.
     */
    static void apply(HostJournal journal, String name, int index, LinkMode mode, EventLog log) {
        if (mode == LinkMode.ANSWER) {
            // No app probe: the kernel resolves alone, as fast as without uarpd.
            journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), "0");
            NdTakeover.apply(journal, name, index, mode, log);
            LogLines.note(log, "%s: answer (the kernel keeps its ARP and resolves alone; uarpd answers published addresses and RARP, guards and learns)", name);
            return;
        }
        if (mode == LinkMode.ASSIST) {
            journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), "1");
            NdTakeover.apply(journal, name, index, mode, log);
            LogLines.note(log, "%s: assist (the kernel keeps its ARP and asks uarpd first; uarpd adds its cache, published addresses and RARP)", name);
            return;
        }
        // The owned table first: if another uarpd holds this namespace, fail before touching anything.
        journal.dropArp(index);
        journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), Integer.toString(APP_SOLICIT));
        journal.setSysctl(KernelSettings.neigh(name, "ucast_solicit"), "0");
        journal.setSysctl(KernelSettings.neigh(name, "mcast_solicit"), "0");
        journal.setSysctl(KernelSettings.neigh(name, "mcast_resolicit"), "0");
        journal.setSysctl(KernelSettings.conf(name, "arp_ignore"), "8");
        journal.setSysctl(KernelSettings.conf(name, "arp_accept"), "0");
        journal.setSysctl(KernelSettings.conf(name, "drop_gratuitous_arp"), "1");
        journal.setSysctl(KernelSettings.conf(name, "arp_notify"), "0");
        journal.setSysctl(KernelSettings.conf(name, "proxy_arp"), "0");
        NdTakeover.apply(journal, name, index, mode, log);
        LogLines.note(log, "%s: authoritative (sysctls set, nftables table arp %s drops ARP input)", name, NftArpDrop.TABLE);
    }
}
