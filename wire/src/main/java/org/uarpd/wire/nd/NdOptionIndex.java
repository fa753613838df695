package org.uarpd.wire.nd;

/**
 * Where the first source link-layer, target link-layer and nonce options of a packet lie (offsets of
 * their bodies into the buffer, -1 when absent, and body lengths), and how many options there are.
 * Filled by the option walk of {@link NdLayout#check} or by appending options; no allocation.
 */
final class NdOptionIndex implements NdLayout.OptionSink {
    int sll, sllLength, tll, tllLength, nonce, nonceLength, count;

    NdOptionIndex() {
        clear();
    }

    void clear() {
        sll = tll = nonce = -1;
        sllLength = tllLength = nonceLength = count = 0;
    }

    void copyFrom(NdOptionIndex o) {
        sll = o.sll;
        sllLength = o.sllLength;
        tll = o.tll;
        tllLength = o.tllLength;
        nonce = o.nonce;
        nonceLength = o.nonceLength;
        count = o.count;
    }

    @Override
    public void option(int type, int bodyOffset, int bodyLength) {
        count++;
        if (type == NdOptionType.SOURCE_LINK_LAYER.value() && sll < 0) {
            sll = bodyOffset;
            sllLength = bodyLength;
        } else if (type == NdOptionType.TARGET_LINK_LAYER.value() && tll < 0) {
            tll = bodyOffset;
            tllLength = bodyLength;
        } else if (type == NdOptionType.NONCE.value() && nonce < 0) {
            nonce = bodyOffset;
            nonceLength = bodyLength;
        }
    }
}
