package org.uarpd.sim;

/**
 * How the kernel hands ARP and RARP frames to the daemon (the answer of the 1996 NetBSD
 * routing-socket proposal to rarpd's use of BPF): every ARP-family frame an interface receives goes here, whole, in its link's framing.
 */
@FunctionalInterface
public interface LinkTap {
    void frame(SimInterface iface, byte[] frame);
}
