package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;

/**
 * One of the host's addresses under RFC 5227, as {@link Engine#claims()} shows it to the operator.
 *
 * @param link         the link's id
 * @param address      the host's IPv4 address
 * @param prefixLength its prefix length
 * @param state        where the claim stands (as of the engine's last input)
 * @param claimant     hardware address of the last other host found using or probing for the
 *                     address, or null if none was
 */
public record AddressClaim(int link, int address, int prefixLength, State state, HardwareAddress claimant) {

    public enum State {
        /** Probing before use (RFC 5227 §2.1.1): not answered for yet. */
        PROBING,
        /** Ours, and announcements (§2.3) still to be sent. */
        ANNOUNCING,
        /** Ours. */
        BOUND,
        /** Ours, and defended against another host within the last DEFEND_INTERVAL (§2.4). */
        DEFENDING,
        /**
         * Given up to another host (a probe conflict, or §2.4 (a)/(b)): not answered for until
         * {@link OperatorCommand.Reclaim} takes it back.
         */
        YIELDED
    }
}
