package org.uarpd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

    @Test
    @DisplayName("engine events and loop snapshots become the documented metrics, in valid text format")
    void eventsBecomeMetrics() throws Exception {
        UarpdMetrics m = new UarpdMetrics();
        m.observe(event(Kind.RESOLVED, Reason.REPLY, 300_000));
        m.observe(event(Kind.RESOLVED, Reason.REPLY, 2_000_000));
        m.observe(event(Kind.FAILED, Reason.PROBES_EXHAUSTED, 0));
        m.observe(event(Kind.ANSWERED, Reason.PUBLISHED, 0));
        m.observe(event(Kind.ANSWERED, Reason.OWN_ADDRESS, 0));
        m.observe(event(Kind.DROPPED, Reason.MALFORMED, 0));
        m.observe(event(Kind.IGNORED, Reason.TARGET_RATE_LIMITED, 0));
        m.observe(event(Kind.REQUESTED, Reason.KERNEL_MISS, 0));
        m.snapshot(new UarpdMetrics.Neighbors(Map.of(NeighborState.REACHABLE, 5, NeighborState.STATIC, 1), 2),
                new UarpdMetrics.Neighbors(Map.of(NeighborState.STALE, 4), 3), 7, 1, 3);
        PromText p = PromText.parse(scrape(m));
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv4", "outcome", "resolved")).isEqualTo(2.0);
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv4", "outcome", "failed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_count", "family", "ipv4")).isEqualTo(2.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_bucket", "family", "ipv4", "le", "5.0E-4")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_sum", "family", "ipv4")).isCloseTo(0.0023, org.assertj.core.data.Offset.offset(1e-9));
        p.checkHistogram("uarpd_resolution_latency_seconds");
        assertThat(p.value("uarpd_answers_total", "family", "ipv4", "reason", "published")).isEqualTo(1.0);
        assertThat(p.value("uarpd_answers_total", "family", "ipv4", "reason", "own_address")).isEqualTo(1.0);
        assertThat(p.value("uarpd_frames_dropped_total", "family", "ipv4", "reason", "malformed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_rate_limit_hits_total", "scope", "target")).isEqualTo(1.0);
        assertThat(p.value("uarpd_requests_sent_total", "family", "ipv4")).isEqualTo(1.0);
        assertThat(p.value("uarpd_neighbor_entries", "family", "ipv4", "state", "reachable")).isEqualTo(5.0);
        assertThat(p.value("uarpd_neighbor_entries", "family", "ipv4", "state", "incomplete")).isEqualTo(0.0);
        assertThat(p.value("uarpd_neighbor_entries", "family", "ipv4", "state", "stale")).isEqualTo(0.0);
        assertThat(p.value("uarpd_neighbor_entries", "family", "ipv6", "state", "stale")).isEqualTo(4.0);
        assertThat(p.value("uarpd_neighbor_entries", "family", "ipv6", "state", "reachable")).isEqualTo(0.0);
        assertThat(p.value("uarpd_pending_resolutions", "family", "ipv4")).isEqualTo(2.0);
        assertThat(p.value("uarpd_pending_resolutions", "family", "ipv6")).isEqualTo(3.0);
        assertThat(p.value("uarpd_kernel_errors_total")).isEqualTo(7.0);
        assertThat(p.types).containsEntry("uarpd_resolution_latency_seconds", "histogram").containsEntry("uarpd_resolutions_total", "counter")
                .containsEntry("uarpd_neighbor_entries", "gauge");
    }

    @Test
    @DisplayName("r67: RFC 5227 claims, conflicts and guard alerts are counted by reason, every kind of event is counted somewhere")
    void guardEventsBecomeMetrics() throws Exception {
        UarpdMetrics m = new UarpdMetrics();
        m.observe(event(Kind.CLAIMED, Reason.PROBING, 0));
        m.observe(event(Kind.CLAIMED, Reason.CLAIMED, 0));
        m.observe(event(Kind.CONFLICT, Reason.DEFENDED, 0));
        m.observe(event(Kind.CONFLICT, Reason.DEFENDED, 0));
        m.observe(event(Kind.CONFLICT, Reason.YIELDED, 0));
        m.observe(event(Kind.ALERT, Reason.SPOOFING, 0));
        m.observe(event(Kind.ALERT, Reason.NEW_STATION, 0));
        m.observe(event(Kind.ALERT, Reason.BOGON, 0));
        m.observe(event(Kind.DROPPED, Reason.SOURCE_RATE_LIMITED, 0));
        PromText p = PromText.parse(scrape(m));
        assertThat(p.value("uarpd_rate_limit_hits_total", "scope", "source")).isEqualTo(1.0);
        assertThat(p.value("uarpd_frames_dropped_total", "family", "ipv4", "reason", "source_rate_limited")).isEqualTo(1.0);
        assertThat(p.value("uarpd_claims_total", "family", "ipv4", "reason", "probing")).isEqualTo(1.0);
        assertThat(p.value("uarpd_claims_total", "family", "ipv4", "reason", "claimed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_conflicts_total", "family", "ipv4", "reason", "defended")).isEqualTo(2.0);
        assertThat(p.value("uarpd_conflicts_total", "family", "ipv4", "reason", "yielded")).isEqualTo(1.0);
        assertThat(p.value("uarpd_conflicts_total", "family", "ipv4", "reason", "probe_conflict")).isEqualTo(0.0);
        assertThat(p.value("uarpd_guard_alerts_total", "family", "ipv4", "reason", "spoofing")).isEqualTo(1.0);
        assertThat(p.value("uarpd_guard_alerts_total", "family", "ipv4", "reason", "new_station")).isEqualTo(1.0);
        assertThat(p.value("uarpd_guard_alerts_total", "family", "ipv4", "reason", "bogon")).isEqualTo(1.0);
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
        UarpdMetrics m = new UarpdMetrics();
        m.observe(event6(Kind.RESOLVED, Reason.REPLY, 400_000));
        m.observe(event6(Kind.FAILED, Reason.PROBES_EXHAUSTED, 0));
        m.observe(event6(Kind.ANSWERED, Reason.PUBLISHED, 0));
        m.observe(event6(Kind.ANSWERED, Reason.PUBLISHED, 0));
        m.observe(event6(Kind.REQUESTED, Reason.KERNEL_MISS, 0));
        m.observe(event6(Kind.CLAIMED, Reason.CLAIMED, 0));
        m.observe(event6(Kind.CONFLICT, Reason.PROBE_CONFLICT, 0));
        m.observe(event6(Kind.ALERT, Reason.SENDER_MISMATCH, 0));
        m.observe(event(Kind.ANSWERED, Reason.PUBLISHED, 0));
        m.observe(event(Kind.RESOLVED, Reason.REPLY, 2_000_000));
        PromText p = PromText.parse(scrape(m));
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv6", "outcome", "resolved")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv6", "outcome", "failed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv4", "outcome", "resolved")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolutions_total", "family", "ipv4", "outcome", "failed")).isEqualTo(0.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_count", "family", "ipv6")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_bucket", "family", "ipv6", "le", "5.0E-4")).isEqualTo(1.0);
        assertThat(p.value("uarpd_resolution_latency_seconds_bucket", "family", "ipv4", "le", "5.0E-4")).isEqualTo(0.0);
        p.checkHistogram("uarpd_resolution_latency_seconds");
        assertThat(p.value("uarpd_answers_total", "family", "ipv6", "reason", "published")).isEqualTo(2.0);
        assertThat(p.value("uarpd_answers_total", "family", "ipv4", "reason", "published")).isEqualTo(1.0);
        assertThat(p.value("uarpd_requests_sent_total", "family", "ipv6")).isEqualTo(1.0);
        assertThat(p.value("uarpd_requests_sent_total", "family", "ipv4")).isEqualTo(0.0);
        assertThat(p.value("uarpd_claims_total", "family", "ipv6", "reason", "claimed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_conflicts_total", "family", "ipv6", "reason", "probe_conflict")).isEqualTo(1.0);
        assertThat(p.value("uarpd_conflicts_total", "family", "ipv4", "reason", "probe_conflict")).isEqualTo(0.0);
        assertThat(p.value("uarpd_guard_alerts_total", "family", "ipv6", "reason", "sender_mismatch")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("drops and ignores are counted by family: an ND frame dropped before its target was read names ::, so it is ipv6's")
    void dropsAndIgnoresAreCountedByFamily() throws Exception {
        UarpdMetrics m = new UarpdMetrics();
        m.observe(event6(Kind.DROPPED, Reason.MALFORMED, 0));
        m.observe(new EngineEvent(0, Kind.DROPPED, 1, 0, null, null, Reason.MALFORMED, 0, "hop limit 64", null, Ip6Address.UNSPECIFIED));
        m.observe(event(Kind.DROPPED, Reason.MALFORMED, 0));
        m.observe(event6(Kind.IGNORED, Reason.UNSOLICITED, 0));
        m.observe(event(Kind.IGNORED, Reason.NOT_FOR_US, 0));
        m.observe(event(Kind.IGNORED, Reason.NOT_FOR_US, 0));
        PromText p = PromText.parse(scrape(m));
        assertThat(p.value("uarpd_frames_dropped_total", "family", "ipv6", "reason", "malformed")).isEqualTo(2.0);
        assertThat(p.value("uarpd_frames_dropped_total", "family", "ipv4", "reason", "malformed")).isEqualTo(1.0);
        assertThat(p.value("uarpd_ignored_total", "family", "ipv6", "reason", "unsolicited")).isEqualTo(1.0);
        assertThat(p.value("uarpd_ignored_total", "family", "ipv4", "reason", "unsolicited")).isEqualTo(0.0);
        assertThat(p.value("uarpd_ignored_total", "family", "ipv4", "reason", "not_for_us")).isEqualTo(2.0);
        assertThat(p.value("uarpd_ignored_total", "family", "ipv6", "reason", "not_for_us")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("every bounded table is a pair of gauges, entries and capacity, by table and link; a snapshot replaces the last whole")
    void boundsBecomeGauges() throws Exception {
        UarpdMetrics m = new UarpdMetrics();
        m.tables(java.util.List.of(new UarpdMetrics.Table("neighbors.dynamic", "", 12, 4096), new UarpdMetrics.Table("neighbors.learnt", "u0", 3, 256),
                new UarpdMetrics.Table("neighbors.learnt", "u1", 0, 256), new UarpdMetrics.Table("control.connections", "", 1, 64)));
        PromText p = PromText.parse(scrape(m));
        assertThat(p.types).containsEntry("uarpd_table_entries", "gauge").containsEntry("uarpd_table_capacity", "gauge");
        assertThat(p.value("uarpd_table_entries", "link", "", "table", "neighbors.dynamic")).isEqualTo(12.0);
        assertThat(p.value("uarpd_table_capacity", "link", "", "table", "neighbors.dynamic")).isEqualTo(4096.0);
        assertThat(p.value("uarpd_table_entries", "link", "u0", "table", "neighbors.learnt")).isEqualTo(3.0);
        assertThat(p.value("uarpd_table_capacity", "link", "u1", "table", "neighbors.learnt")).isEqualTo(256.0);
        assertThat(p.value("uarpd_table_capacity", "link", "", "table", "control.connections")).isEqualTo(64.0);

        // u1 is gone: its rows go with it.
        m.tables(java.util.List.of(new UarpdMetrics.Table("neighbors.learnt", "u0", 4, 256)));
        p = PromText.parse(scrape(m));
        assertThat(p.value("uarpd_table_entries", "link", "u0", "table", "neighbors.learnt")).isEqualTo(4.0);
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
