package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"80ns,80", "250us,250000", "250µs,250000", "20ms,20000000", "1.5s,1500000000", "2 s,2000000000", "2m,120000000000",
            "1h,3600000000000", "-5ms,-5000000", "0s,0"})
    void everyUnitReadsTheSameEverywhere(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(nanos);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "20", "20 parsecs", "1e3s", "ms", "99999999999h"})
    void notDurationsSayWhatWouldBeRight(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration (a number and a unit (ns, us, ms, s, m, h) like 200ms)");
    }

    @ParameterizedTest
    @CsvSource({"0.2,200000000", "3,3000000000", "200ms,200000000"})
    void aBareNumberIsSecondsWhereFlagsSaySo(String text, long nanos) {
        assertThat(Durations.parseSecondsByDefault(text)).isEqualTo(nanos);
    }

    @ParameterizedTest
    @CsvSource({"30000000000,30s", "1500000000,1500ms", "250000,250us", "80,80ns", "0,0s"})
    void formatIsTheShortestExactForm(long nanos, String text) {
        assertThat(Durations.format(nanos)).isEqualTo(text);
    }

    @Property
    void formatReadsBack(@ForAll @LongRange(min = 0, max = 1_000_000_000_000_000L) long nanos) {
        assertThat(Durations.parse(Durations.format(nanos))).isEqualTo(nanos);
    }
}
