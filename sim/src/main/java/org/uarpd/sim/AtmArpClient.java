package org.uarpd.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.uarpd.wire.AtmAddress;
import org.uarpd.wire.AtmArpCodec;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.ProtocolAddress;

/**
 * The ATMARP client of one ATM interface (RFC 2225 §8.5): registration with the logical IP
 * subnet's server (the server asks by InATMARP when the client's circuit opens, §8.4; the client
 * re-registers every 15 minutes by asking for its own address), resolution by ATMARP request to the
 * server with retries, NAK as a definite "no", and client entries that live 15 minutes (§8.5.1).
 *
 * <p>Two owners use it, each with its own {@link Binder}: the kernel's minimal ATMARP (legacy hosts,
 * and every host before uarpd runs), which binds in its own table; and uarpd's process on the
 * simulator, which binds through RTM_ADD on the routing socket — ATMARP in a user process, which the
 * routing-socket design allows for any resolution protocol. The engine itself speaks no ATMARP.
 */
public final class AtmArpClient {
    /** RFC 2225 §8.5.1: client entries live at most 15 minutes; the client re-registers as often. */
    public static final long ENTRY_LIFETIME = 15 * 60 * Simulation.SECOND;

    /** What the owner does with what the server says. */
    public interface Binder {
        /** An ATMARP reply: {@code address} is at {@code atm}. */
        void bind(int address, HardwareAddress atm);

        /** The resolution ended without a binding: a NAK ({@code nak}) or no answer. */
        void fail(int address, boolean nak);

        /** A binding made {@link #ENTRY_LIFETIME} ago has run out. */
        void expire(int address, HardwareAddress atm);
    }

    /** How the owner puts a frame on the interface ({@code to}: the ATM address of the circuit's far end). */
    @FunctionalInterface
    public interface FrameOut {
        void send(HardwareAddress to, byte[] frame);
    }

    private static final class Pending {
        int tries;
    }

    private final SimInterface ifp;
    private final Simulation sim;
    private final Binder binder;
    private final BooleanSupplier active;
    private final FrameOut out;
    private final int epoch;
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** The re-registration timer is armed (one per client, however often the circuit is (re)opened). */
    private boolean reRegistering;

    /** {@code active} says whether the owner still acts (its timers stop doing anything when it does not). */
    AtmArpClient(SimInterface ifp, Binder binder, BooleanSupplier active, FrameOut out) {
        this.ifp = ifp;
        this.out = out;
        this.sim = ifp.host().world().sim();
        this.binder = binder;
        this.active = active;
        this.epoch = ifp.host().epoch();
    }

    private boolean live() {
        return ifp.host().epoch() == epoch && active.getAsBoolean();
    }

    private HardwareAddress server() {
        AtmArpServer s = ifp.segment().atmArpServer();
        return s == null ? HardwareAddress.EMPTY : s.address();
    }

    /** Opens the circuit to the server (which then registers us by InATMARP) and keeps re-registering. */
    void register() {
        AtmArpServer server = ifp.segment().atmArpServer();
        if (server == null || server.iface() == ifp) return;
        HardwareAddress self = ifp.address();
        sim.after(ifp.segment().faults().delayNanos(), () -> server.circuitOpened(self));
        // every address added calls register(); a second timer would only double each re-registration
        if (reRegistering) return;
        reRegistering = true;
        sim.after(ENTRY_LIFETIME, this::reRegister);
    }

    private void reRegister() {
        if (ifp.host().epoch() != epoch || ifp.addresses().isEmpty()) return;
        if (active.getAsBoolean()) {
            int own = ifp.addresses().getFirst().address();
            ifp.host().world().timeline().log(ifp.host().name(), "ATMARP re-registration of " + Ip4.format(own));
            send(server(), AtmArpPacket.request(AtmAddress.nsap(ifp.address()), AtmAddress.ABSENT, own, own));
        }
        sim.after(ENTRY_LIFETIME, this::reRegister);
    }

    /** Asks the server for {@code address} (once; repeated calls while it is pending do nothing). */
    void resolve(int address) {
        if (pending.containsKey(address)) return;
        pending.put(address, new Pending());
        request(address);
    }

    private void request(int address) {
        Pending p = pending.get(address);
        if (p == null) return;
        if (!live()) {
            pending.remove(address); // the other owner (kernel or uarpd) carries on from the kernel's entry
            return;
        }
        HardwareAddress server = server();
        if (server.length() == 0 || p.tries >= KernelArp.MAX_TRIES || ifp.addresses().isEmpty()) {
            pending.remove(address);
            binder.fail(address, false);
            return;
        }
        p.tries++;
        int own = ifp.sourceFor(address);
        send(server, AtmArpPacket.request(AtmAddress.nsap(ifp.address()), AtmAddress.ABSENT, own, address));
        sim.after(KernelArp.RETRANSMIT, () -> {
            if (pending.get(address) == p) request(address);
        });
    }

    /** An ATMARP-family packet arrived on the interface. */
    void input(AtmArpPacket p) {
        if (p.protocolType() != EtherType.IPV4 || !live()) return;
        switch (p.opcode().value()) {
            case 8 -> { // InATMARP request from the server (or a peer): say who we are
                if (ifp.addresses().isEmpty()) return;
                send(p.senderHardware(), p.inatmarpReplyTo(ProtocolAddress.ip4(ifp.addresses().getFirst().address())));
            }
            case 2 -> { // ATMARP reply: the sender fields hold the answer
                if (!p.senderProtocol().isIp4()) return;
                int ip = p.senderProtocol().toIp4();
                if (pending.remove(ip) == null) return; // unasked, or the answer to our re-registration
                HardwareAddress atm = p.senderHardware();
                binder.bind(ip, atm);
                sim.after(ENTRY_LIFETIME, () -> {
                    if (live()) binder.expire(ip, atm);
                });
            }
            case 10 -> { // ATMARP NAK: the server knows no such address
                if (!p.targetProtocol().isIp4()) return;
                int ip = p.targetProtocol().toIp4();
                if (pending.remove(ip) == null) return;
                ifp.host().world().timeline().log(ifp.host().name(), "ATMARP NAK for " + Ip4.format(ip));
                binder.fail(ip, true);
            }
            default -> { }
        }
    }

    private void send(HardwareAddress to, AtmArpPacket p) {
        out.send(to, ifp.type().encode(to, ifp.address(), EtherType.ARP, AtmArpCodec.encode(p)));
    }
}
