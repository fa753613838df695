package org.uarpd.linux;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/**
 * Every change uarpd makes to the host outside its own sockets, made here and written down here, so
 * that one list says how to put the host back: sysctls (the value found first), the owned nftables
 * ARP drop, bridge host routes added, addresses given up after an RFC 5227 conflict. Three ways out
 * use it:
 * <ul>
 *   <li>an orderly exit: {@link #undoAll()} reverses every change, newest first;</li>
 *   <li>a crash (SIGKILL, a JVM fault): each change is handed to the {@link CrashRestorer} as it is
 *       made (and taken back when uarpd reverses it itself), and the nftables table is owned by its
 *       netlink socket, so the kernel deletes it with the process;</li>
 *   <li>taking an interface over ({@link InterfaceTakeover}), at start and when a configured interface
 *       comes back: its settings go through {@link #setSysctl} and {@link #dropArp}.</li>
 * </ul>
 * Neighbour entries are not journalled: installing them is the service itself, and the kernel ages
 * them out.
 */
final class HostJournal implements AutoCloseable {
    private sealed interface Change {
        /** A sysctl and the value it had before uarpd first changed it. */
        record Sysctl(String key, String before) implements Change {}

        /** The owned nftables table (one for every authoritative link). */
        record ArpDrop() implements Change {}

        /** The owned nftables {@code inet} table dropping neighbour solicitations and advertisements. */
        record NdDrop() implements Change {}

        /** A host route uarpd added (bridge): deleted again. */
        record HostRoute(int link, String linkName, int address) implements Change {}

        /** An address uarpd removed after losing it to another host: added back. */
        record LostAddress(int link, String linkName, int address, int prefixLength) implements Change {}

        /** An IPv6 address uarpd removed after duplicate address detection lost it: added back. */
        record LostAddress6(int link, String linkName, Ip6Address address, int prefixLength) implements Change {}
    }

    /** How long a renamed interface may take to get its sysctl directories under the new name. */
    private static final java.time.Duration LINK_SETTLE = java.time.Duration.ofSeconds(1);

    private final Rtnetlink rtnl;
    private final CrashRestorer restorer;
    private final KernelSettings sysctls;
    private final EventLog log;
    /** In the order made; undone from the end. */
    private final List<Change> changes = new ArrayList<>();
    /** The value uarpd last wrote to each sysctl (an adopted one's: the predecessor's), to write again ({@link #reassert}). */
    private final java.util.Map<String, String> written = new java.util.HashMap<>();
    /** What {@link #export} handed a successor; null while nothing was. */
    private List<Change> exported;
    private NftArpDrop nft;
    private NftArpDrop ndNft;

    /**
     * @param rtnl     the request socket routes and addresses are changed through (null: this journal
     *                 takes no route or address changes)
     * @param restorer null: no crash protection (tests of the journal alone)
     */
    HostJournal(Rtnetlink rtnl, CrashRestorer restorer, KernelSettings sysctls, EventLog log) {
        this.rtnl = rtnl;
        this.restorer = restorer;
        this.sysctls = sysctls;
        this.log = log;
    }

    /** Whether the sysctl {@code key} exists here (an interface without IPv6 has no {@code net/ipv6} knobs). */
    boolean hasSetting(String key) {
        return sysctls.exists(key);
    }

    /** Sets a sysctl, recording the value it had before the first change uarpd made to it. */
    synchronized void setSysctl(String key, String value) {
        boolean seen = false;
        for (Change c : changes) if (c instanceof Change.Sysctl s && s.key().equals(key)) seen = true;
        if (!seen) {
            String before = sysctls.read(key);
            if (restorer != null) restorer.record(sysctls.path(key).toString(), before);
            changes.add(new Change.Sysctl(key, before));
        }
        sysctls.write(key, value);
        written.put(key, value);
    }

    /**
     * Lets go of interface {@code name}, which is no longer the configured one: no rule of uarpd's may
     * apply to its {@code index} any more (the index may be given to another interface), and its
     * sysctls leave the journal. Deleted ({@code renamedTo} null), its settings went with it and a
     * later interface of that name starts from the kernel's defaults; renamed, the interface gets the
     * values it had back under its new name.
     */
    synchronized void releaseLink(String name, int index, String renamedTo) {
        for (NftArpDrop drop : new NftArpDrop[] {nft, ndNft}) {
            if (drop == null) continue;
            try {
                drop.undrop(index);
            } catch (RuntimeException e) {
                LogLines.note(log, "error: cannot remove the nftables drop of %s (ifindex %d): %s", name, index, e.getMessage());
            }
        }
        boolean forgotten = false;
        if (renamedTo != null) awaitLink(renamedTo);
        for (var it = changes.iterator(); it.hasNext(); ) {
            if (!(it.next() instanceof Change.Sysctl s) || !KernelSettings.linkOf(s.key()).equals(name)) continue;
            it.remove();
            forgotten = true;
            if (renamedTo == null) continue;
            String key = s.key().replace("/" + name + "/", "/" + renamedTo + "/");
            try {
                sysctls.write(key, s.before());
            } catch (RuntimeException e) {
                LogLines.note(log, "could not restore: %s: %s", key, e.getMessage());
            }
        }
        if (forgotten && renamedTo == null) gone(name);
    }

    /**
     * Waits until the kernel has finished giving {@code link} its sysctl directories, as it has not
     * yet when the notice of a rename arrives ({@link KernelSettings#awaitLink}); says so if it never does.
     */
    void awaitLink(String link) {
        if (!sysctls.awaitLink(link, LINK_SETTLE)) {
            LogLines.note(log, "error: the sysctls of %s did not appear within %d ms", link, LINK_SETTLE.toMillis());
        }
    }

    private void gone(String link) {
        LogLines.note(log, "%s is gone (its settings went with it): nothing to restore there", link);
    }

    /**
     * Drops ARP input on {@code link} with nftables. The first call creates the owned table, which
     * fails when another uarpd already holds this namespace: call it before any other change.
     */
    synchronized void dropArp(int link) {
        nft = drop(nft, NftArpDrop::new, new Change.ArpDrop(), link);
    }

    /**
     * Adds {@code link} to {@code existing}, or to a table made by {@code make} and journalled as
     * {@code change} when there is none yet (closed again if its first rule fails); returns the table.
     */
    private NftArpDrop drop(NftArpDrop existing, java.util.function.Supplier<NftArpDrop> make, Change change, int link) {
        if (existing != null) {
            existing.drop(link);
            return existing;
        }
        NftArpDrop created = make.get();
        try {
            created.drop(link);
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        changes.add(change);
        return created;
    }

    /**
     * Drops IPv6 neighbour solicitations and advertisements arriving on {@code link} (the {@code inet}
     * table, owned by its socket as the ARP one is): the kernel neither answers nor learns there.
     */
    synchronized void dropNd(int link) {
        ndNft = drop(ndNft, NftArpDrop::neighbourDiscovery, new Change.NdDrop(), link);
    }

    /** Adds the host route {@code address/32} out of {@code link}; deleted again on exit. */
    synchronized void addHostRoute(int link, String linkName, int address) {
        rtnl.addHostRoute(link, address);
        Change.HostRoute r = new Change.HostRoute(link, linkName, address);
        if (changes.contains(r)) return;
        changes.add(r);
        arm(true, routeUndo(r));
    }

    /** Removes the host route; if uarpd had added it, there is nothing left to undo. */
    synchronized void removeHostRoute(int link, String linkName, int address) {
        rtnl.removeHostRoute(link, address);
        Change.HostRoute r = new Change.HostRoute(link, linkName, address);
        if (changes.remove(r)) arm(false, routeUndo(r));
    }

    /** Removes one of the host's addresses (RFC 5227 §2.4: another host won it); added back on exit. */
    synchronized void removeAddress(int link, String linkName, int address, int prefixLength) {
        rtnl.deleteAddress(link, address, prefixLength);
        Change.LostAddress a = new Change.LostAddress(link, linkName, address, prefixLength);
        if (changes.contains(a)) return;
        changes.add(a);
        arm(true, "ip", "addr", "add", Ip4.format(address) + "/" + prefixLength, "dev", linkName);
    }

    /** Removes one of the host's IPv6 addresses (RFC 4862 §5.4.5: a duplicate); added back on exit. */
    synchronized void removeAddress6(int link, String linkName, byte[] address, int prefixLength) {
        rtnl.deleteAddress6(link, address, prefixLength);
        Change.LostAddress6 a = new Change.LostAddress6(link, linkName, Ip6Address.of(address), prefixLength);
        if (changes.contains(a)) return;
        changes.add(a);
        arm(true, "ip", "-6", "addr", "add", a.address() + "/" + prefixLength, "dev", linkName, "nodad");
    }

    /** The command that deletes a route {@link Rtnetlink#addHostRoute} added (proto static, main table). */
    private static String[] routeUndo(Change.HostRoute r) {
        return new String[] {"ip", "route", "del", Ip4.format(r.address()) + "/32", "dev", r.linkName(), "proto", "static"};
    }

    /** Tells the crash restorer to run (or no longer run) {@code command} if uarpd dies. */
    private void arm(boolean arm, String... command) {
        if (restorer == null) return;
        try {
            if (arm) restorer.undo(command);
            else restorer.forget(command);
        } catch (RuntimeException e) {
            LogLines.note(log, "error: the crash restorer cannot carry `%s`: %s (it is still reversed on a clean exit)",
                    String.join(" ", command), e.getMessage());
        }
    }

    /**
     * Puts the host back: every change reversed, newest first, each failure logged and the rest still
     * tried; the crash restorer is disarmed last, so until everything is back a SIGKILL still leaves
     * the rest to it. Returns what could not be put back. Idempotent.
     */
    synchronized List<String> undoAll() {
        List<String> failed = new ArrayList<>();
        Set<String> gone = new LinkedHashSet<>();
        boolean sysctlsChanged = false;
        for (int i = changes.size() - 1; i >= 0; i--) {
            Change c = changes.get(i);
            try {
                if (c instanceof Change.Sysctl s && !sysctls.exists(s.key())) gone.add(KernelSettings.linkOf(s.key()));
                else sysctlsChanged |= undo(c);
            } catch (RuntimeException e) {
                failed.add(c + ": " + e.getMessage());
                LogLines.note(log, "could not restore: %s: %s", c, e.getMessage());
            }
        }
        changes.clear();
        for (String link : gone) gone(link);
        if (failed.isEmpty() && sysctlsChanged) LogLines.note(log, "restored every kernel setting uarpd changed");
        if (restorer != null) restorer.close();
        return failed;
    }

    /** Reverses one change; true if it was a sysctl. */
    private boolean undo(Change c) {
        switch (c) {
            case Change.Sysctl s -> sysctls.write(s.key(), s.before());
            case Change.ArpDrop d -> {
                nft.close(); // the kernel deletes the owned table with its socket (unless a successor holds it too)
                nft = null;
            }
            case Change.NdDrop d -> {
                ndNft.close();
                ndNft = null;
            }
            case Change.HostRoute r -> rtnl.removeHostRoute(r.link(), r.address());
            case Change.LostAddress a -> rtnl.addAddress(a.link(), a.address(), a.prefixLength());
            case Change.LostAddress6 a -> rtnl.addAddress6(a.link(), a.address().toBytes(), a.prefixLength());
        }
        return c instanceof Change.Sysctl;
    }

    /** What a successor needs to carry this journal on ({@link HostHold}): one line per change, oldest first, and the owned tables' sockets. */
    record Exported(List<String> lines, int[] fds) {}

    /**
     * Every change as a line, and a copy of each nftables socket's descriptor (in the order of their
     * lines) for the successor, which {@link #adopt}s them. Remembered for {@link #release}.
     */
    synchronized Exported export() {
        List<String> lines = new ArrayList<>();
        List<Integer> fds = new ArrayList<>();
        for (Change c : changes) {
            lines.add(switch (c) {
                case Change.Sysctl s -> "sysctl " + s.key() + " " + s.before();
                case Change.ArpDrop d -> {
                    fds.add(nft.fd());
                    yield "arp-drop " + links(nft);
                }
                case Change.NdDrop d -> {
                    fds.add(ndNft.fd());
                    yield "nd-drop " + links(ndNft);
                }
                case Change.HostRoute r -> "route " + r.link() + " " + r.linkName() + " " + r.address();
                case Change.LostAddress a -> "lost " + a.link() + " " + a.linkName() + " " + a.address() + " " + a.prefixLength();
                case Change.LostAddress6 a -> "lost6 " + a.link() + " " + a.linkName() + " " + a.address() + " " + a.prefixLength();
            });
        }
        exported = List.copyOf(changes);
        return new Exported(lines, fds.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String links(NftArpDrop drop) {
        return drop.links().isEmpty() ? "-" : String.join(",", drop.links().stream().map(String::valueOf).toList());
    }

    /**
     * A journal carrying on what a predecessor {@link #export}ed: the same changes, each handed to
     * {@code restorer} as if made here, and the owned tables through their sockets {@code fds}.
     */
    static HostJournal adopt(Rtnetlink rtnl, CrashRestorer restorer, KernelSettings sysctls, EventLog log, List<String> lines, int[] fds) {
        HostJournal j = new HostJournal(rtnl, restorer, sysctls, log);
        int fd = 0;
        for (String line : lines) {
            String[] f = line.split(" ", 3);
            String[] w = line.split(" ");
            switch (f[0]) {
                case "sysctl" -> {
                    String before = f.length > 2 ? f[2] : "";
                    if (restorer != null) restorer.record(sysctls.path(f[1]).toString(), before);
                    j.changes.add(new Change.Sysctl(f[1], before));
                    // What the predecessor wrote is what the knob holds now, while it still holds the host:
                    // reassert() writes it again should a later successor's restorer undo it.
                    if (sysctls.exists(f[1])) j.written.put(f[1], sysctls.read(f[1]));
                }
                case "arp-drop", "nd-drop" -> {
                    List<Integer> links = f[1].equals("-") ? List.of() : java.util.Arrays.stream(f[1].split(",")).map(Integer::valueOf).toList();
                    if (fd >= fds.length) throw new IllegalArgumentException("handover: no socket came with '" + line + "'");
                    boolean nd = f[0].equals("nd-drop");
                    NftArpDrop drop = NftArpDrop.adopt(fds[fd++], nd, links);
                    if (nd) j.ndNft = drop;
                    else j.nft = drop;
                    j.changes.add(nd ? new Change.NdDrop() : new Change.ArpDrop());
                }
                case "route" -> {
                    Change.HostRoute r = new Change.HostRoute(Integer.parseInt(w[1]), w[2], Integer.parseInt(w[3]));
                    j.changes.add(r);
                    j.arm(true, routeUndo(r));
                }
                case "lost" -> {
                    Change.LostAddress a = new Change.LostAddress(Integer.parseInt(w[1]), w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]));
                    j.changes.add(a);
                    j.arm(true, "ip", "addr", "add", Ip4.format(a.address()) + "/" + a.prefixLength(), "dev", a.linkName());
                }
                case "lost6" -> {
                    Change.LostAddress6 a = new Change.LostAddress6(Integer.parseInt(w[1]), w[2], Ip6Address.parse(w[3]), Integer.parseInt(w[4]));
                    j.changes.add(a);
                    j.arm(true, "ip", "-6", "addr", "add", a.address() + "/" + a.prefixLength(), "dev", a.linkName(), "nodad");
                }
                default -> throw new IllegalArgumentException("handover: unknown change '" + line + "'");
            }
        }
        j.exported = List.copyOf(j.changes); // until it serves, all of it is the predecessor's too: release() leaves it
        return j;
    }

    /**
     * The successor carries every {@link #export}ed change on: they stay as they are, the crash
     * restorer is disarmed, and only what was changed here after the export is reversed (the
     * successor does not know of it). The owned tables live on in the successor's copies of their sockets.
     */
    synchronized void release() {
        List<Change> handed = exported == null ? List.of() : exported;
        for (int i = changes.size() - 1; i >= 0; i--) {
            Change c = changes.get(i);
            if (handed.contains(c)) continue;
            try {
                undo(c);
            } catch (RuntimeException e) {
                LogLines.note(log, "could not restore: %s: %s", c, e.getMessage());
            }
        }
        changes.clear();
        if (nft != null) nft.close();
        if (ndNft != null) ndNft.close();
        nft = null;
        ndNft = null;
        if (restorer != null) restorer.close();
    }

    /**
     * Makes every change again after a successor that had adopted them died: its crash restorer put
     * them back under this still-running uarpd. The owned tables are not affected (this uarpd's
     * sockets kept them).
     */
    synchronized void reassert() {
        exported = null;
        for (Change c : changes) {
            try {
                switch (c) {
                    case Change.Sysctl s -> {
                        String value = written.get(s.key());
                        if (value != null && sysctls.exists(s.key())) sysctls.write(s.key(), value);
                    }
                    case Change.HostRoute r -> rtnl.addHostRoute(r.link(), r.address());
                    case Change.LostAddress a -> rtnl.deleteAddress(a.link(), a.address(), a.prefixLength());
                    case Change.LostAddress6 a -> rtnl.deleteAddress6(a.link(), a.address().toBytes(), a.prefixLength());
                    case Change.ArpDrop d -> { }
                    case Change.NdDrop d -> { }
                }
            } catch (RuntimeException e) {
                LogLines.note(log, "error: cannot make %s again: %s", c, e.getMessage());
            }
        }
    }

    /** The same as {@link #undoAll()}. */
    @Override
    public void close() {
        undoAll();
    }
}
