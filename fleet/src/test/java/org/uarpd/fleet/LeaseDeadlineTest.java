package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LeaseDeadlineTest {

    private static final long S = 1_000_000_000L;
    private static final long MARGIN = S / 2;

    @Test
    void noLeaseMeansNoRight() {
        assertThat(new LeaseDeadline(MARGIN).live(0)).isFalse();
    }

    @Test
    void grantCountsFromTheSendTimeLessTheMargin() {
        LeaseDeadline d = new LeaseDeadline(MARGIN);
        d.granted(7, 100 * S, 2);
        assertThat(d.live(100 * S + 2 * S - MARGIN - 1)).isTrue();
        assertThat(d.live(100 * S + 2 * S - MARGIN)).isFalse();
    }

    @Test
    void aLateAnswerToAnOldKeepaliveNeverShortensTheDeadline() {
        LeaseDeadline d = new LeaseDeadline(MARGIN);
        d.granted(7, 0, 2);
        d.renewed(7, 3 * S / 2, 2);
        d.renewed(7, S / 2, 2);
        assertThat(d.remaining(0)).isEqualTo(3 * S / 2 + 2 * S - MARGIN);
    }

    @Test
    void answersForAnotherOrADroppedLeaseAreIgnored() {
        LeaseDeadline d = new LeaseDeadline(MARGIN);
        d.granted(7, 0, 2);
        d.renewed(8, S, 2);
        assertThat(d.remaining(0)).isEqualTo(2 * S - MARGIN);
        d.dropped();
        d.renewed(7, S, 2);
        assertThat(d.live(0)).isFalse();
        assertThat(d.leaseId()).isZero();
    }

    /**
     * The fencing argument itself: whatever keepalives were sent and answered, the host never acts at
     * an instant when etcd, having processed the last answered request no earlier than it was sent,
     * could already have let the lease expire.
     */
    @Property
    void neverLiveWhenTheServerCouldHaveExpiredTheLease(@ForAll @IntRange(min = 1, max = 10) int ttl,
            @ForAll @LongRange(min = 0, max = 5_000_000_000L) long grantSent,
            @ForAll @LongRange(min = 0, max = 5_000_000_000L) long keepaliveSent,
            @ForAll @LongRange(min = 0, max = 3_000_000_000L) long serverDelay,
            @ForAll @LongRange(min = 0, max = 20_000_000_000L) long probe) {
        LeaseDeadline d = new LeaseDeadline(MARGIN);
        d.granted(1, grantSent, ttl);
        long renewSent = grantSent + keepaliveSent;
        d.renewed(1, renewSent, ttl);
        // The server processed the keepalive at renewSent + serverDelay; expiry cannot come earlier than that plus the TTL.
        long earliestExpiry = renewSent + serverDelay + ttl * S;
        if (d.live(probe)) assertThat(probe).isLessThan(earliestExpiry - MARGIN + 1);
    }
}
