package org.uarpd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.Ip6Address;

class UarpdMetricsTest {
    static EngineEvent event(Kind kind, Reason reason, long latency) {
        return new EngineEvent(0, kind, 2, 0x0a000001, null, null, reason, latency, null);
    }

    static EngineEvent event6(Kind kind, Reason reason, long latency) {
        return new EngineEvent(0, kind, 2, 0, null, null, reason, latency, null, null, Ip6Address.parse("2001:db8::1"));
    }

    static String scrape(UarpdMetrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, m.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A registry that observed {@code events}, in order. */
    static UarpdMetrics observed(EngineEvent... events) {
        UarpdMetrics m = new UarpdMetrics();
        for (EngineEvent e : events) m.observe(e);
        return m;
    }

    private static final Pattern EXPECTED = Pattern.compile("([a-z_]+)(?:\\{(.*)})?\\s+(\\S+)");

    /** Each line of {@code expected} is a sample as the text format writes it ({@code name{k="v",…} value}), and {@code p} has that value. */
    static void assertSamples(PromText p, String expected) {
        for (String line : expected.strip().split("\n")) {
            Matcher m = EXPECTED.matcher(line.strip());
            assertThat(m.matches()).as("an expected sample: " + line).isTrue();
            List<String> labels = new ArrayList<>();
            if (m.group(2) != null) {
                for (String pair : m.group(2).split(",")) {
                    String[] kv = pair.split("=", 2);
                    labels.add(kv[0]);
                    labels.add(kv[1].replace("\"", ""));
                }
            }
            assertThat(p.value(m.group(1), labels.toArray(String[]::new))).as(line).isEqualTo(Double.parseDouble(m.group(3)));
        }
    }

    @Test
    @DisplayName("engine events and loop snapshots become the documented metrics, in valid text format")
    void eventsBecomeMetrics() throws Exception {
        UarpdMetrics m = observed(
                event(Kind.RESOLVED, Reason.REPLY, 300_000),
                event(Kind.RESOLVED, Reason.REPLY, 2_000_000),
                event(Kind.FAILED, Reason.PROBES_EXHAUSTED, 0),
                event(Kind.ANSWERED, Reason.PUBLISHED, 0),
                event(Kind.ANSWERED, Reason.OWN_ADDRESS, 0),
                event(Kind.DROPPED, Reason.MALFORMED, 0),
                event(Kind.IGNORED, Reason.TARGET_RATE_LIMITED, 0),
                event(Kind.REQUESTED, Reason.KERNEL_MISS, 0));
        m.snapshot(new UarpdMetrics.Neighbors(Map.of(NeighborState.REACHABLE, 5, NeighborState.STATIC, 1), 2),
                new UarpdMetrics.Neighbors(Map.of(NeighborState.STALE, 4), 3), 7, 1, 3);
        PromText p = PromText.parse(scrape(m));
        assertSamples(p, """
                uarpd_resolutions_total{family="ipv4",outcome="resolved"} 2
                uarpd_resolutions_total{family="ipv4",outcome="failed"} 1
                uarpd_resolution_latency_seconds_count{family="ipv4"} 2
                uarpd_resolution_latency_seconds_bucket{family="ipv4",le="5.0E-4"} 1
                """);
        assertThat(p.value("uarpd_resolution_latency_seconds_sum", "family", "ipv4")).isCloseTo(0.0023, org.assertj.core.data.Offset.offset(1e-9));
        p.checkHistogram("uarpd_resolution_latency_seconds");
        assertSamples(p, """
                uarpd_answers_total{family="ipv4",reason="published"} 1
                uarpd_answers_total{family="ipv4",reason="own_address"} 1
                uarpd_frames_dropped_total{family="ipv4",reason="malformed"} 1
                uarpd_rate_limit_hits_total{scope="target"} 1
                uarpd_requests_sent_total{family="ipv4"} 1
                uarpd_neighbor_entries{family="ipv4",state="reachable"} 5
                uarpd_neighbor_entries{family="ipv4",state="incomplete"} 0
                uarpd_neighbor_entries{family="ipv4",state="stale"} 0
                uarpd_neighbor_entries{family="ipv6",state="stale"} 4
                uarpd_neighbor_entries{family="ipv6",state="reachable"} 0
                uarpd_pending_resolutions{family="ipv4"} 2
                uarpd_pending_resolutions{family="ipv6"} 3
                uarpd_kernel_errors_total 7
                """);
        assertThat(p.types).containsEntry("uarpd_resolution_latency_seconds", "histogram").containsEntry("uarpd_resolutions_total", "counter")
                .containsEntry("uarpd_neighbor_entries", "gauge");
    }

    @Test
    @DisplayName("r67: RFC 5227 claims, conflicts and guard alerts are counted by reason, every kind of event is counted somewhere")
    void guardEventsBecomeMetrics() throws Exception {
        UarpdMetrics m = observed(
                event(Kind.CLAIMED, Reason.PROBING, 0),
                event(Kind.CLAIMED, Reason.CLAIMED, 0),
                event(Kind.CONFLICT, Reason.DEFENDED, 0),
                event(Kind.CONFLICT, Reason.DEFENDED, 0),
                event(Kind.CONFLICT, Reason.YIELDED, 0),
                event(Kind.ALERT, Reason.SPOOFING, 0),
                event(Kind.ALERT, Reason.NEW_STATION, 0),
                event(Kind.ALERT, Reason.BOGON, 0),
                event(Kind.DROPPED, Reason.SOURCE_RATE_LIMITED, 0));
        PromText p = PromText.parse(scrape(m));
        assertSamples(p, """
                uarpd_rate_limit_hits_total{scope="source"} 1
                uarpd_frames_dropped_total{family="ipv4",reason="source_rate_limited"} 1
                uarpd_claims_total{family="ipv4",reason="probing"} 1
                uarpd_claims_total{family="ipv4",reason="claimed"} 1
                uarpd_conflicts_total{family="ipv4",reason="defended"} 2
                uarpd_conflicts_total{family="ipv4",reason="yielded"} 1
                uarpd_conflicts_total{family="ipv4",reason="probe_conflict"} 0
                uarpd_guard_alerts_total{family="ipv4",reason="spoofing"} 1
                uarpd_guard_alerts_total{family="ipv4",reason="new_station"} 1
                uarpd_guard_alerts_total{family="ipv4",reason="bogon"} 1
                """);
        assertThat(p.types).containsEntry("uarpd_conflicts_total", "counter").containsEntry("uarpd_guard_alerts_total", "counter")
                .containsEntry("uarpd_claims_total", "counter");
        // Every kind but the table's own changes (seen as the entries gauge) moves some counter: a new kind
        // that nobody counts fails here.
        for (Kind k : Kind.values()) {
            if (k == Kind.ADDED || k == Kind.CHANGED || k == Kind.REMOVED) continue;
            UarpdMetrics one = new UarpdMetrics();
            String before = scrape(one);
            one.observe(event(k, k == Kind.IGNORED ? Reason.UNSOLICITED : Reason.REPLY, 1000));
            assertThat(scrape(one)).as("event kind %s is counted", k).isNotEqualTo(before);
        }
    }

    @Test
    @DisplayName("events about an IPv6 address are counted under family=\"ipv6\", the others under ipv4, under the same metric names")
    void eventsAreCountedByFamily() throws Exception {
        UarpdMetrics m = observed(
                event6(Kind.RESOLVED, Reason.REPLY, 400_000),
                event6(Kind.FAILED, Reason.PROBES_EXHAUSTED, 0),
                event6(Kind.ANSWERED, Reason.PUBLISHED, 0),
                event6(Kind.ANSWERED, Reason.PUBLISHED, 0),
                event6(Kind.REQUESTED, Reason.KERNEL_MISS, 0),
                event6(Kind.CLAIMED, Reason.CLAIMED, 0),
                event6(Kind.CONFLICT, Reason.PROBE_CONFLICT, 0),
                event6(Kind.ALERT, Reason.SENDER_MISMATCH, 0),
                event(Kind.ANSWERED, Reason.PUBLISHED, 0),
                event(Kind.RESOLVED, Reason.REPLY, 2_000_000));
        PromText p = PromText.parse(scrape(m));
        assertSamples(p, """
                uarpd_resolutions_total{family="ipv6",outcome="resolved"} 1
                uarpd_resolutions_total{family="ipv6",outcome="failed"} 1
                uarpd_resolutions_total{family="ipv4",outcome="resolved"} 1
                uarpd_resolutions_total{family="ipv4",outcome="failed"} 0
                uarpd_resolution_latency_seconds_count{family="ipv6"} 1
                uarpd_resolution_latency_seconds_bucket{family="ipv6",le="5.0E-4"} 1
                uarpd_resolution_latency_seconds_bucket{family="ipv4",le="5.0E-4"} 0
                """);
        p.checkHistogram("uarpd_resolution_latency_seconds");
        assertSamples(p, """
                uarpd_answers_total{family="ipv6",reason="published"} 2
                uarpd_answers_total{family="ipv4",reason="published"} 1
                uarpd_requests_sent_total{family="ipv6"} 1
                uarpd_requests_sent_total{family="ipv4"} 0
                uarpd_claims_total{family="ipv6",reason="claimed"} 1
                uarpd_conflicts_total{family="ipv6",reason="probe_conflict"} 1
                uarpd_conflicts_total{family="ipv4",reason="probe_conflict"} 0
                uarpd_guard_alerts_total{family="ipv6",reason="sender_mismatch"} 1
                """);
    }

    @Test
    @DisplayName("drops and ignores are counted by family: an ND frame dropped before its target was read names ::, so it is ipv6's")
    void dropsAndIgnoresAreCountedByFamily() throws Exception {
        UarpdMetrics m = observed(
                event6(Kind.DROPPED, Reason.MALFORMED, 0),
                new EngineEvent(0, Kind.DROPPED, 1, 0, null, null, Reason.MALFORMED, 0, "hop limit 64", null, Ip6Address.UNSPECIFIED),
                event(Kind.DROPPED, Reason.MALFORMED, 0),
                event6(Kind.IGNORED, Reason.UNSOLICITED, 0),
                event(Kind.IGNORED, Reason.NOT_FOR_US, 0),
                event(Kind.IGNORED, Reason.NOT_FOR_US, 0));
        PromText p = PromText.parse(scrape(m));
        assertSamples(p, """
                uarpd_frames_dropped_total{family="ipv6",reason="malformed"} 2
                uarpd_frames_dropped_total{family="ipv4",reason="malformed"} 1
                uarpd_ignored_total{family="ipv6",reason="unsolicited"} 1
                uarpd_ignored_total{family="ipv4",reason="unsolicited"} 0
                uarpd_ignored_total{family="ipv4",reason="not_for_us"} 2
                uarpd_ignored_total{family="ipv6",reason="not_for_us"} 0
                """);
    }

    @Test
    @DisplayName("every bounded table is a pair of gauges, entries and capacity, by table and link; a snapshot replaces the last whole")
    void boundsBecomeGauges() throws Exception {
        UarpdMetrics m = new UarpdMetrics();
        m.tables(java.util.List.of(new UarpdMetrics.Table("neighbors.dynamic", "", 12, 4096), new UarpdMetrics.Table("neighbors.learnt", "u0", 3, 256),
                new UarpdMetrics.Table("neighbors.learnt", "u1", 0, 256), new UarpdMetrics.Table("control.connections", "", 1, 64)));
        PromText p = PromText.parse(scrape(m));
        assertThat(p.types).containsEntry("uarpd_table_entries", "gauge").containsEntry("uarpd_table_capacity", "gauge");
        assertSamples(p, """
                uarpd_table_entries{link="",table="neighbors.dynamic"} 12
                uarpd_table_capacity{link="",table="neighbors.dynamic"} 4096
                uarpd_table_entries{link="u0",table="neighbors.learnt"} 3
                uarpd_table_capacity{link="u1",table="neighbors.learnt"} 256
                uarpd_table_capacity{link="",table="control.connections"} 64
                """);

        // u1 is gone: its rows go with it.
        m.tables(java.util.List.of(new UarpdMetrics.Table("neighbors.learnt", "u0", 4, 256)));
        p = PromText.parse(scrape(m));
        assertSamples(p, """
                uarpd_table_entries{link="u0",table="neighbors.learnt"} 4
                """);
        assertThat(p.value("uarpd_table_entries", "link", "u1", "table", "neighbors.learnt")).isNull();
        assertThat(p.value("uarpd_table_capacity", "link", "", "table", "neighbors.dynamic")).isNull();
    }

    @Test
    @DisplayName("the test's parser rejects what is not the text format")
    void parserIsStrict() {
        assertThatThrownBy(() -> PromText.parse("x_total 1\n")).hasMessageContaining("undeclared family");
        assertThatThrownBy(() -> PromText.parse("# TYPE x counter\nx{a=\"1\" 1\n")).hasMessageContaining("not a sample");
        assertThatThrownBy(() -> PromText.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("repeated");
    }
}
