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
        prepare(journal, name, index, mode, log);
        cut(journal, name, index, mode);
    }

    /**
     * Everything but the {@link #cut}: settings after which the kernel still answers ARP and ND on the
     * link (an authoritative link's kernel stops soliciting and asks uarpd instead, which the loop
     * hears from its first turn). At start every link is prepared before any is cut.
     */
    static void prepare(HostJournal journal, String name, int index, LinkMode mode, EventLog log) {
        if (mode == LinkMode.ANSWER) {
            // No app probe: the kernel resolves alone, as fast as without uarpd.
            journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), "0");
            NdTakeover.prepare(journal, name, mode, log);
            LogLines.note(log, "%s: answer (the kernel keeps its ARP and resolves alone; uarpd answers published addresses and RARP, guards and learns)", name);
            return;
        }
        if (mode == LinkMode.ASSIST) {
            journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), "1");
            NdTakeover.prepare(journal, name, mode, log);
            LogLines.note(log, "%s: assist (the kernel keeps its ARP and asks uarpd first; uarpd adds its cache, published addresses and RARP)", name);
            return;
        }
        journal.setSysctl(KernelSettings.neigh(name, "app_solicit"), Integer.toString(APP_SOLICIT));
        journal.setSysctl(KernelSettings.neigh(name, "ucast_solicit"), "0");
        journal.setSysctl(KernelSettings.neigh(name, "mcast_solicit"), "0");
        journal.setSysctl(KernelSettings.neigh(name, "mcast_resolicit"), "0");
        journal.setSysctl(KernelSettings.conf(name, "arp_accept"), "0");
        journal.setSysctl(KernelSettings.conf(name, "drop_gratuitous_arp"), "1");
        journal.setSysctl(KernelSettings.conf(name, "arp_notify"), "0");
        journal.setSysctl(KernelSettings.conf(name, "proxy_arp"), "0");
        NdTakeover.prepare(journal, name, mode, log);
        LogLines.note(log, "%s: authoritative (sysctls set, nftables table arp %s drops ARP input)", name, NftArpDrop.TABLE);
    }

    /**
     * What stops the kernel answering and believing ARP and ND on an authoritative link — the owned
     * nftables drops (the IPv6 one first: IPv4's cut comes last, closest to the loop's first turn)
     * and {@code arp_ignore 8} — so from here uarpd alone answers: the last steps before its loop
     * turns. Nothing on other modes. The first owned table fails when another uarpd holds this
     * namespace's; what was prepared is then put back with the rest of the journal.
     */
    static void cut(HostJournal journal, String name, int index, LinkMode mode) {
        if (mode != LinkMode.AUTHORITATIVE) return;
        NdTakeover.cut(journal, name, index);
        journal.dropArp(index);
        journal.setSysctl(KernelSettings.conf(name, "arp_ignore"), "8");
    }
}
