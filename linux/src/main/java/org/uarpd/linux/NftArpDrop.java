package org.uarpd.linux;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The nftables ARP input drop for authoritative interfaces (nft(8), the {@code arp} family):
 * {@code table arp uarpd { chain input { type filter hook input priority 0; policy accept;
 * meta iif IF drop … } }}, so the kernel neither answers nor believes ARP there while
 * {@code AF_PACKET} still sees every frame. Its IPv6 counterpart ({@link #neighbourDiscovery()}) is
 * {@code table inet uarpd { chain input { … meta iif IF meta l4proto ipv6-icmp icmpv6 type
 * nd-neighbor-solicit-nd-neighbor-advert drop … } }}: the kernel neither answers solicitations nor
 * learns from advertisements there, and every other ICMPv6 message (router discovery, MLD, echo) reaches it.
 *
 * <p>Spoken over NETLINK_NETFILTER in one batch, with the table flagged {@code NFT_TABLE_F_OWNER}
 * (Linux ≥ 5.12): it belongs to this socket, only this socket can change it, and the kernel deletes it
 * when the socket closes — also when uarpd is killed with SIGKILL. That is the first half of the
 * fail-safe; {@link CrashRestorer} is the other.
 */
public final class NftArpDrop implements AutoCloseable {
    public static final String TABLE = "uarpd";
    public static final String CHAIN = "input";

    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int NFNL_MSG_BATCH_BEGIN = 16;
    private static final int NFNL_MSG_BATCH_END = 17;
    private static final int NFT_MSG_NEWTABLE = 0;
    private static final int NFT_MSG_NEWCHAIN = 3;
    private static final int NFT_MSG_NEWRULE = 6;
    private static final int NFT_MSG_DELRULE = 8;
    private static final int NFPROTO_ARP = 3;
    private static final int NFPROTO_INET = 1;
    private static final int NF_INET_LOCAL_IN = 1;
    private static final int NFT_META_L4PROTO = 16;
    private static final int NFTA_PAYLOAD_DREG = 1;
    private static final int NFTA_PAYLOAD_BASE = 2;
    private static final int NFTA_PAYLOAD_OFFSET = 3;
    private static final int NFTA_PAYLOAD_LEN = 4;
    private static final int NFT_PAYLOAD_TRANSPORT_HEADER = 2;
    private static final int NFT_CMP_LTE = 3;
    private static final int NFT_CMP_GTE = 5;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int ND_NEIGHBOR_SOLICIT = 135;
    private static final int ND_NEIGHBOR_ADVERT = 136;
    private static final int NFTA_TABLE_NAME = 1;
    private static final int NFTA_TABLE_FLAGS = 2;
    private static final int NFT_TABLE_F_OWNER = 0x2;
    private static final int NFTA_CHAIN_TABLE = 1;
    private static final int NFTA_CHAIN_NAME = 3;
    private static final int NFTA_CHAIN_HOOK = 4;
    private static final int NFTA_CHAIN_POLICY = 5;
    private static final int NFTA_CHAIN_TYPE = 7;
    private static final int NFTA_HOOK_HOOKNUM = 1;
    private static final int NFTA_HOOK_PRIORITY = 2;
    private static final int NF_ARP_IN = 0;
    private static final int NF_DROP = 0;
    private static final int NF_ACCEPT = 1;
    private static final int NFTA_RULE_TABLE = 1;
    private static final int NFTA_RULE_CHAIN = 2;
    private static final int NFTA_RULE_EXPRESSIONS = 4;
    private static final int NFTA_LIST_ELEM = 1;
    private static final int NFTA_EXPR_NAME = 1;
    private static final int NFTA_EXPR_DATA = 2;
    private static final int NFTA_META_DREG = 1;
    private static final int NFTA_META_KEY = 2;
    private static final int NFT_META_IIF = 4;
    private static final int NFT_REG_1 = 1;
    private static final int NFT_REG_VERDICT = 0;
    private static final int NFTA_CMP_SREG = 1;
    private static final int NFTA_CMP_OP = 2;
    private static final int NFTA_CMP_DATA = 3;
    private static final int NFT_CMP_EQ = 0;
    private static final int NFTA_DATA_VALUE = 1;
    private static final int NFTA_DATA_VERDICT = 2;
    private static final int NFTA_VERDICT_CODE = 1;
    private static final int NFTA_IMMEDIATE_DREG = 1;
    private static final int NFTA_IMMEDIATE_DATA = 2;

    private static final String ADVICE = "nftables is needed for authoritative mode (kernel ≥ 5.12 with nf_tables and "
            + "CONFIG_NF_TABLES_ARP), and CAP_NET_ADMIN";

    private final NetlinkSocket socket;
    private final Set<Integer> dropping = new LinkedHashSet<>();
    private boolean tableCreated;
    /** NFPROTO_ARP, or NFPROTO_INET for neighbour discovery. */
    private final int family;
    private final String table;

    public NftArpDrop() {
        this(NFPROTO_ARP);
    }

    private NftArpDrop(int family) {
        this(family, new NetlinkSocket(NetlinkSocket.NETLINK_NETFILTER, "NETLINK_NETFILTER", 0));
    }

    private NftArpDrop(int family, NetlinkSocket socket) {
        this.family = family;
        this.table = (family == NFPROTO_ARP ? "table arp " : "table inet ") + TABLE;
        this.socket = socket;
    }

    /**
     * The table another uarpd made, through its owning socket {@code fd} handed over (the kernel keeps
     * the table while any copy of that socket is open), dropping on {@code links} already.
     */
    static NftArpDrop adopt(int fd, boolean neighbourDiscovery, java.util.Collection<Integer> links) {
        NftArpDrop d = new NftArpDrop(neighbourDiscovery ? NFPROTO_INET : NFPROTO_ARP, NetlinkSocket.adopt(fd, "NETLINK_NETFILTER"));
        d.tableCreated = true;
        d.dropping.addAll(links);
        return d;
    }

    /** The owning socket's descriptor, to hand the table over. */
    int fd() {
        return socket.fd();
    }

    /** The drop of IPv6 neighbour solicitations and advertisements (the {@code inet} table, its own socket). */
    public static NftArpDrop neighbourDiscovery() {
        return new NftArpDrop(NFPROTO_INET);
    }

    /** Starts dropping ARP (or ND) arriving on {@code link}; creates the owned table and chain on first use. */
    public synchronized void drop(int link) {
        if (dropping.contains(link)) return;
        int first = socket.nextSeq();
        int seq = first;
        NetlinkWriter w = socket.writer();
        w.begin(NFNL_MSG_BATCH_BEGIN, NetlinkSocket.NLM_F_REQUEST, seq++).nfgenmsg(Libc.AF_UNSPEC, NFNL_SUBSYS_NFTABLES).end();
        int acked = seq;
        int messages = 0;
        int create = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE;
        if (!tableCreated) {
            w.begin(type(NFT_MSG_NEWTABLE), create | NetlinkSocket.NLM_F_EXCL, seq++).nfgenmsg(family, 0)
                    .attrString(NFTA_TABLE_NAME, TABLE)
                    .attrBe32(NFTA_TABLE_FLAGS, NFT_TABLE_F_OWNER)
                    .end();
            w.begin(type(NFT_MSG_NEWCHAIN), create, seq++).nfgenmsg(family, 0)
                    .attrString(NFTA_CHAIN_TABLE, TABLE)
                    .attrString(NFTA_CHAIN_NAME, CHAIN)
                    .nestStart(NFTA_CHAIN_HOOK)
                    .attrBe32(NFTA_HOOK_HOOKNUM, family == NFPROTO_ARP ? NF_ARP_IN : NF_INET_LOCAL_IN)
                    .attrBe32(NFTA_HOOK_PRIORITY, 0)
                    .nestEnd()
                    .attrBe32(NFTA_CHAIN_POLICY, NF_ACCEPT)
                    .attrString(NFTA_CHAIN_TYPE, "filter")
                    .end();
            messages += 2;
        }
        seq = rule(w, seq, link);
        messages++;
        w.begin(NFNL_MSG_BATCH_END, NetlinkSocket.NLM_F_REQUEST, seq).nfgenmsg(Libc.AF_UNSPEC, NFNL_SUBSYS_NFTABLES).end();
        String what = "nftables batch (" + table + ", drop " + dropped() + " input on ifindex " + link + ")";
        socket.send(w, what);
        try {
            socket.awaitAcks(acked, messages, what, ADVICE);
        } catch (NativeCallException e) {
            // An owned table answers everyone but its owner with EPERM (EEXIST if the name is taken unowned).
            if (e.errno() != Errno.EEXIST && e.errno() != Errno.EPERM) throw e;
            throw new NativeCallException(what, e.errno(), table + " belongs to someone else",
                    "another uarpd runs in this network namespace (stop it first); or a table of that name was made by hand "
                            + "(nft delete " + table + "); EPERM also means CAP_NET_ADMIN is missing");
        }
        tableCreated = true;
        dropping.add(link);
    }

    private String dropped() {
        return family == NFPROTO_ARP ? "ARP" : "neighbour solicitation and advertisement";
    }

    /**
     * Appends {@code meta iif == link → drop} to the batch (for neighbour discovery, {@code meta iif ==
     * link, meta l4proto == 58, icmpv6 type 135..136 → drop}); returns the next sequence number.
     */
    private int rule(NetlinkWriter w, int seq, int link) {
        int create = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | NetlinkSocket.NLM_F_CREATE;
        w.begin(type(NFT_MSG_NEWRULE), create | NetlinkSocket.NLM_F_APPEND, seq++).nfgenmsg(family, 0)
                .attrString(NFTA_RULE_TABLE, TABLE)
                .attrString(NFTA_RULE_CHAIN, CHAIN)
                .nestStart(NFTA_RULE_EXPRESSIONS);
        w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "meta").nestStart(NFTA_EXPR_DATA)
                .attrBe32(NFTA_META_KEY, NFT_META_IIF).attrBe32(NFTA_META_DREG, NFT_REG_1).nestEnd().nestEnd();
        w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "cmp").nestStart(NFTA_EXPR_DATA)
                .attrBe32(NFTA_CMP_SREG, NFT_REG_1).attrBe32(NFTA_CMP_OP, NFT_CMP_EQ)
                .nestStart(NFTA_CMP_DATA).attrU32(NFTA_DATA_VALUE, link).nestEnd() // iif is host order in the register
                .nestEnd().nestEnd();
        if (family == NFPROTO_INET) {
            w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "meta").nestStart(NFTA_EXPR_DATA)
                    .attrBe32(NFTA_META_KEY, NFT_META_L4PROTO).attrBe32(NFTA_META_DREG, NFT_REG_1).nestEnd().nestEnd();
            cmp(w, NFT_CMP_EQ, IPPROTO_ICMPV6);
            w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "payload").nestStart(NFTA_EXPR_DATA)
                    .attrBe32(NFTA_PAYLOAD_DREG, NFT_REG_1).attrBe32(NFTA_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER)
                    .attrBe32(NFTA_PAYLOAD_OFFSET, 0).attrBe32(NFTA_PAYLOAD_LEN, 1) // the ICMPv6 type (RFC 4443 §2.1)
                    .nestEnd().nestEnd();
            cmp(w, NFT_CMP_GTE, ND_NEIGHBOR_SOLICIT);
            cmp(w, NFT_CMP_LTE, ND_NEIGHBOR_ADVERT);
        }
        w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "immediate").nestStart(NFTA_EXPR_DATA)
                .attrBe32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT)
                .nestStart(NFTA_IMMEDIATE_DATA).nestStart(NFTA_DATA_VERDICT).attrBe32(NFTA_VERDICT_CODE, NF_DROP).nestEnd().nestEnd()
                .nestEnd().nestEnd();
        w.nestEnd().end();
        return seq;
    }

    /** A one-byte comparison of register 1 with {@code value}. */
    private static void cmp(NetlinkWriter w, int op, int value) {
        w.nestStart(NFTA_LIST_ELEM).attrString(NFTA_EXPR_NAME, "cmp").nestStart(NFTA_EXPR_DATA)
                .attrBe32(NFTA_CMP_SREG, NFT_REG_1).attrBe32(NFTA_CMP_OP, op)
                .nestStart(NFTA_CMP_DATA).attr(NFTA_DATA_VALUE, new byte[] {(byte) value}).nestEnd()
                .nestEnd().nestEnd();
    }

    /**
     * Stops dropping ARP on {@code link} (its interface went away or is no longer the configured one):
     * an interface later given the same index must keep its ARP. One batch, so the kernel applies it
     * whole: the chain is flushed (a rule deletion naming no rule) and the rules of the links still
     * served are added again.
     */
    public synchronized void undrop(int link) {
        if (!dropping.remove(link)) return;
        int seq = socket.nextSeq();
        NetlinkWriter w = socket.writer();
        w.begin(NFNL_MSG_BATCH_BEGIN, NetlinkSocket.NLM_F_REQUEST, seq++).nfgenmsg(Libc.AF_UNSPEC, NFNL_SUBSYS_NFTABLES).end();
        int acked = seq;
        w.begin(type(NFT_MSG_DELRULE), NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, seq++).nfgenmsg(family, 0)
                .attrString(NFTA_RULE_TABLE, TABLE)
                .attrString(NFTA_RULE_CHAIN, CHAIN)
                .end();
        int messages = 1;
        for (int kept : dropping) {
            seq = rule(w, seq, kept);
            messages++;
        }
        w.begin(NFNL_MSG_BATCH_END, NetlinkSocket.NLM_F_REQUEST, seq).nfgenmsg(Libc.AF_UNSPEC, NFNL_SUBSYS_NFTABLES).end();
        String what = "nftables batch (" + table + ", stop dropping " + dropped() + " input on ifindex " + link + ")";
        socket.send(w, what);
        socket.awaitAcks(acked, messages, what, ADVICE);
    }

    private static int type(int message) {
        return (NFNL_SUBSYS_NFTABLES << 8) | message;
    }

    public synchronized Set<Integer> links() {
        return Set.copyOf(dropping);
    }

    /** Closing the owning socket makes the kernel delete the table: ARP flows to the kernel again. */
    @Override
    public synchronized void close() {
        socket.close();
        dropping.clear();
    }
}
