package org.uarpd.wire;

/**
 * Where the fields of an RFC 2225 §8.7 ATMARP packet lie. Unlike RFC 826 there is no {@code ar_hln}:
 * each ATM number and subaddress has its own type-and-length octet, and each protocol address its
 * own length.
 *
 * <pre>
 *  0      2      4     5     6      8     9     10    11    12
 *  | hrd  | pro  |shtl |sstl | op   |spln |thtl |tstl |tpln | sha | ssa | spa | tha | tsa | tpa |
 * </pre>
 */
final class AtmArpLayout {
    /** {@code ar$hrd} of every ATMARP packet: RFC 2225 §8.7 fixes the hardware type at 19. */
    static final int ATM = 19;
    static final int HRD = 0;
    static final int PRO = 2;
    static final int SHTL = 4;
    static final int SSTL = 5;
    static final int OP = 6;
    static final int SPLN = 8;
    static final int THTL = 9;
    static final int TSTL = 10;
    static final int TPLN = 11;
    static final int HEADER = 12;

    private AtmArpLayout() {}
}
