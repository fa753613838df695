package org.uarpd.engine;

/**
 * What a {@link LinkMode} means, as one record of rules, so that no component tests the mode itself.
 *
 * @param answersOwnAddresses  answer requests for the host's own addresses (else the kernel does)
 * @param installsLearnt       install bindings learnt from the wire into the kernel
 * @param learnsRepliesToUs    a reply to us about a host not in the table creates an entry (the kernel's
 *                             own requests are what solicit replies on an ASSIST link)
 * @param rechecksKnown        a kernel miss carrying a binding we do not hold is confirmed by unicast
 * @param fullBroadcastBudget  a resolution sends every broadcast probe and counts the kernel's own;
 *                             otherwise one broadcast at once and the kernel's own requests follow
 * @param negativeCache        a resolution that gets no answer fails (kernel told, FAILED entry kept);
 *                             otherwise it just ends and the kernel decides
 * @param bridges              may bridge (proxy-ARP bridging needs the answers only AUTHORITATIVE gives)
 */
record ModeRules(boolean answersOwnAddresses, boolean installsLearnt, boolean learnsRepliesToUs,
                 boolean rechecksKnown, boolean fullBroadcastBudget, boolean negativeCache, boolean bridges) {

    /** The kernel sends and believes no ARP: uarpd has the last word. */
    static final ModeRules AUTHORITATIVE = new ModeRules(true, true, false, true, true, true, true);

    /**
     * The kernel keeps its own ARP and has the last word: a miss uarpd cannot serve from its table
     * gets one broadcast at once (the kernel, with app_solicit 1, would otherwise wait a retransmit
     * interval before its own), and whether an address is unreachable is the kernel's call.
     */
    static final ModeRules ASSIST = new ModeRules(false, false, true, false, false, false, false);

    static ModeRules of(LinkMode mode) {
        return switch (mode) {
            case AUTHORITATIVE -> AUTHORITATIVE;
            case ASSIST, ANSWER -> ASSIST; // an ANSWER link gets no miss: the miss rules never come into play
        };
    }
}
