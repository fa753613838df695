package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.Ip6Address;

/** The longest-prefix table proxy entries answer by. */
class Routes6Test {
    private static long h(String a) {
        return Ip6Address.parse(a).high();
    }

    private static long l(String a) {
        return Ip6Address.parse(a).low();
    }

    private static int lookup(Routes6 r, String a) {
        return r.linkFor(h(a), l(a));
    }

    @Test
    void theLongestPrefixThenTheLowestMetricWins() {
        Routes6 r = new Routes6();
        r.add(Cidr6.parse("::/0"), 9, 1024);
        r.add(Cidr6.parse("2001:db8::/33"), 2, 1024);
        r.add(Cidr6.parse("2001:db8:1::/64"), 3, 1024);
        r.add(Cidr6.parse("2001:db8:1::/64"), 4, 100);
        r.add(Cidr6.parse("2001:db8:1::7/128"), 5, 1024);
        assertThat(lookup(r, "2001:db8:1::7")).isEqualTo(5);
        assertThat(lookup(r, "2001:db8:1::8")).isEqualTo(4);
        assertThat(lookup(r, "2001:db8:2::8")).isEqualTo(2);
        assertThat(lookup(r, "2001:db8:8000::1")).isEqualTo(9);
        r.remove(Cidr6.parse("2001:db8:1::/64"), 100);
        assertThat(lookup(r, "2001:db8:1::8")).isEqualTo(3);
        r.remove(Cidr6.parse("2001:db8:1::/64"), 1024);
        assertThat(lookup(r, "2001:db8:1::8")).isEqualTo(2);
        r.remove(Cidr6.parse("::/0"), 1024);
        assertThat(lookup(r, "2001:db8:8000::1")).isZero();
        assertThat(r.size()).isEqualTo(2);
    }

    @Test
    void aReplaceWithTheSameMetricChangesTheInterface() {
        Routes6 r = new Routes6();
        r.add(Cidr6.parse("2001:db8:1::/64"), 3, 1024);
        r.add(Cidr6.parse("2001:db8:1::/64"), 7, 1024);
        assertThat(lookup(r, "2001:db8:1::1")).isEqualTo(7);
        assertThat(r.size()).isEqualTo(1);
    }

    /** A large table, checked against a brute-force scan of the same routes, with half of them removed again. */
    @Test
    void aLargeTableAgreesWithAScan() {
        Random rnd = new Random(14);
        int n = 100_000;
        Cidr6[] prefixes = new Cidr6[n];
        int[] links = new int[n];
        Routes6 r = new Routes6();
        java.util.Set<Cidr6> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; ) {
            int len = 48 + rnd.nextInt(81);
            long hi = 0x2001_0db8_0000_0000L | (rnd.nextLong() & 0xFFFF_FFFFL);
            long lo = rnd.nextLong();
            Cidr6 p = new Cidr6(new Ip6Address(hi & Cidr6.maskHigh(len), lo & Cidr6.maskLow(len)), len);
            if (!seen.add(p)) continue; // each prefix once, so removing one leaves no twin behind
            prefixes[i] = p;
            links[i] = 1 + rnd.nextInt(50);
            r.add(p, links[i], 1024);
            i++;
        }
        for (int i = 0; i < n; i += 2) r.remove(prefixes[i], 1024);
        for (int k = 0; k < 2000; k++) {
            int pick = rnd.nextInt(n);
            Ip6Address inside = prefixes[pick].network();
            long th = inside.high() | (rnd.nextLong() & ~Cidr6.maskHigh(prefixes[pick].prefixLength()));
            long tl = inside.low() | (rnd.nextLong() & ~Cidr6.maskLow(prefixes[pick].prefixLength()));
            int best = -1;
            int expected = 0;
            for (int i = 1; i < n; i += 2) {
                if (prefixes[i].contains(th, tl) && prefixes[i].prefixLength() > best) {
                    best = prefixes[i].prefixLength();
                    expected = links[i];
                }
            }
            assertThat(r.linkFor(th, tl)).as("lookup %d", k).isEqualTo(expected);
        }
    }
}
