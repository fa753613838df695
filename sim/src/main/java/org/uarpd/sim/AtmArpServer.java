package org.uarpd.sim;

import java.util.Map;
import java.util.TreeMap;
import org.uarpd.wire.AtmAddress;
import org.uarpd.wire.AtmArpCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * The ATMARP server of one logical IP subnet (RFC 2225 §8.4), serving on one ATM interface of its
 * host. A client's circuit opening makes it ask the client who it is (InATMARP); the answer, and any
 * ATMARP request the client sends, registers or refreshes the client. Requests are answered from the
 * table with an ATMARP reply, or with an ATMARP NAK when the address is unknown. An entry not
 * refreshed for {@link #ENTRY_LIFETIME} is verified by a new InATMARP request and removed when that
 * goes unanswered.
 */
public final class AtmArpServer {
    /** RFC 2225 §8.4: server entries are valid for at least 20 minutes. */
    public static final long ENTRY_LIFETIME = 20 * 60 * Simulation.SECOND;
    /** How often the table is swept for entries past their lifetime; also the grace for verification. */
    static final long SWEEP_INTERVAL = 60 * Simulation.SECOND;

    private static final class Registration {
        HardwareAddress atm;
        long refreshed;
        boolean verifying;

        Registration(HardwareAddress atm, long refreshed) {
            this.atm = atm;
            this.refreshed = refreshed;
        }
    }

    private final SimInterface iface;
    private final Simulation sim;
    private final Timeline timeline;
    private final Map<Integer, Registration> table = new TreeMap<>(Integer::compareUnsigned);
    private long answered;
    private long naks;

    AtmArpServer(SimInterface iface) {
        this.iface = iface;
        this.sim = iface.host().world().sim();
        this.timeline = iface.host().world().timeline();
        sim.after(SWEEP_INTERVAL, this::sweep);
    }

    public HardwareAddress address() {
        return iface.address();
    }

    public SimInterface iface() {
        return iface;
    }

    /** The ATM address registered for {@code ip}, or null. */
    public HardwareAddress lookup(int ip) {
        Registration r = table.get(ip);
        return r == null ? null : r.atm;
    }

    public int registrations() {
        return table.size();
    }

    public long answered() { return answered; }
    public long naks() { return naks; }

    /** §8.4: on an incoming circuit the server asks the client for its IP address by InATMARP. */
    void circuitOpened(HardwareAddress client) {
        if (!serving()) return;
        inatmarp(client);
    }

    void input(AtmArpPacket p) {
        if (!serving() || p.protocolType() != EtherType.IPV4) return;
        switch (p.opcode().value()) {
            case 9 -> { // InATMARP reply: the client's registration
                if (p.senderProtocol().isIp4()) register(p.senderProtocol().toIp4(), p.senderHardware());
            }
            case 1 -> { // ATMARP request: learn (re-register) the sender, then answer or NAK
                if (p.senderProtocol().isIp4() && p.senderHardware().length() > 0 && p.senderProtocol().toIp4() != 0) {
                    register(p.senderProtocol().toIp4(), p.senderHardware());
                }
                if (!p.targetProtocol().isIp4()) return;
                int target = p.targetProtocol().toIp4();
                Registration r = table.get(target);
                if (r != null) {
                    answered++;
                    send(p.senderHardware(), p.replyTo(AtmAddress.nsap(r.atm), AtmAddress.ABSENT));
                } else {
                    naks++;
                    timeline.log(iface.host().name(), "ATMARP server: NAK for " + Ip4.format(target) + " asked by " + p.senderProtocol());
                    send(p.senderHardware(), p.nak());
                }
            }
            default -> { }
        }
    }

    private void register(int ip, HardwareAddress atm) {
        Registration r = table.get(ip);
        if (r == null) {
            table.put(ip, new Registration(atm, sim.now()));
            timeline.log(iface.host().name(), "ATMARP server: registered " + Ip4.format(ip) + " at " + atm);
        } else {
            if (!r.atm.equals(atm)) timeline.log(iface.host().name(), "ATMARP server: " + Ip4.format(ip) + " moved to " + atm);
            r.atm = atm;
            r.refreshed = sim.now();
            r.verifying = false;
        }
    }

    private void sweep() {
        if (serving()) {
            var it = table.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                Registration r = e.getValue();
                if (sim.now() - r.refreshed < ENTRY_LIFETIME) continue;
                if (r.verifying) {
                    timeline.log(iface.host().name(), "ATMARP server: " + Ip4.format(e.getKey()) + " aged out");
                    it.remove();
                } else {
                    r.verifying = true;
                    inatmarp(r.atm);
                }
            }
        }
        sim.after(SWEEP_INTERVAL, this::sweep);
    }

    private boolean serving() {
        return iface.host().isUp() && iface.up() && !iface.addresses().isEmpty();
    }

    private void inatmarp(HardwareAddress client) {
        int own = iface.addresses().getFirst().address();
        send(client, AtmArpPacket.inatmarpRequest(AtmAddress.nsap(iface.address()), AtmAddress.ABSENT, own,
                AtmAddress.nsap(client), AtmAddress.ABSENT));
    }

    private void send(HardwareAddress to, AtmArpPacket p) {
        byte[] frame = iface.type().encode(to, iface.address(), EtherType.ARP, AtmArpCodec.encode(p));
        iface.host().kernel().transmitFrame(iface, to, frame);
    }

}
