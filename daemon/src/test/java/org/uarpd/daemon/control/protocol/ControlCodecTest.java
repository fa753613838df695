package org.uarpd.daemon.control.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ControlCodecTest {
    static Stream<Request> requests() {
        Request.Entry entry = new Request.Entry("198.51.100.0/24", List.of("198.51.100.7"), "02:00:5e:00:53:01", true, 20_000_000, true);
        return Stream.of(new Request.Show(Request.Table.NEIGH), new Request.Show(Request.Table.PUBLISHED), new Request.Show(Request.Table.LINKS),
                new Request.Show(Request.Table.RARP), new Request.Add("u0", "192.0.2.60", "02:00:5e:00:53:60"), new Request.Add(null, "192.0.2.60", "x"),
                new Request.Del("u0", "192.0.2.60"), new Request.Publish(null, entry), new Request.Unpublish("u0", entry),
                new Request.Publish("u0", new Request.Entry("proxy", List.of(), null, false, 0, false)), new Request.Flush(null),
                new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of("2001:db8:7::1"), null, false, 0, false, "target-answers", "w0")),
                new Request.Unpublish(null, new Request.Entry("2001:db8:8::/64", List.of(), null, false, 0, false, "route", null)),
                new Request.Flush("u0"), new Request.Probe("u0", "192.0.2.2"), new Request.Stats(),
                new Request.Announce(null, "192.0.2.1", 2, 200_000_000), new Request.Reload(), new Request.Restart(), new Request.Reclaim(null, "192.0.2.1"),
                new Request.Reclaim("u0", "192.0.2.1"), new Request.Monitor(null, null),
                new Request.Monitor(3L, "198.51.100.5"), new Request.Capture(2L, "192.0.2.1"), new Request.Capture(null, null),
                new Request.Monitor(null, "2001:db8:1::/64", "inet6"), new Request.Capture(5L, null, "inet"));
    }

    static Stream<Response> responses() {
        Map<String, Long> events = new LinkedHashMap<>();
        events.put("reply", 3L);
        events.put("published", 1L);
        return Stream.of(new Response.Failure("no link called 'eth9'"), new Response.Message("flushed 2 dynamic entries"),
                new Response.Neighbours(List.of(new Response.Neighbour("192.0.2.2", "u0", "02:00:5e:00:53:02", "REACHABLE"),
                        new Response.Neighbour("192.0.2.3", "u0", null, "INCOMPLETE"))),
                new Response.Published(List.of(new Response.PublishedRow("*", "198.51.100.0/28", List.of("198.51.100.3"), null, false, "0s", false, "config", null))),
                new Response.Links(List.of(new Response.LinkRow("u0", 7, "02:00:5e:00:53:01", "authoritative", true, List.of("192.0.2.1", "192.0.2.5"),
                        List.of(new Response.ClaimRow("192.0.2.5", "yielded", "02:00:5e:00:53:66"))))),
                new Response.Rarp(List.of(new Response.RarpRow("02:00:5e:00:53:aa", "198.51.100.200"))),
                new Response.Fleet("web", "web-1", true, "2026-01-01T00:00:00Z", 0x1234, 2, "500ms", List.of("web-1", "web-2"),
                        List.of("vip-a"), List.of(new Response.FleetOwner("vip-a", "web-1", 42L), new Response.FleetOwner("vip-b", "web-2", null)),
                        7, 3, 1, 2, 0, 0, 0),
                new Response.ProbeResult("192.0.2.2", "u0", "resolved", "02:00:5e:00:53:02", "REACHABLE", "reply", 0.25),
                new Response.ProbeResult("192.0.2.99", "u0", "failed", null, null, "probes_exhausted", 900.5),
                new Response.Stats(12, 3, 0, 0, 0, 1, 0, 2, events), new Response.Streaming(),
                new Response.Event("2026-01-01T00:00:00Z", "resolved", "192.0.2.2", "u0", "02:00:5e:00:53:02", "REACHABLE", "reply", 0.2, null),
                new Response.Event("2026-01-01T00:00:00Z", "answered", "198.51.100.5", "u0", null, null, "published", null, "detail"),
                new Response.Frame(1_700_000_000_123_456_789L, "in", "u0", "AAEC"), new Response.End(4));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void everyRequestComesBackAsItWent(Request r) throws Exception {
        String line = ControlCodec.encode(r);
        assertThat(line).doesNotContain("\n").contains("\"command\":");
        assertThat(ControlCodec.decodeRequest(line)).isEqualTo(r);
    }

    @ParameterizedTest
    @MethodSource("responses")
    void everyResponseComesBackAsItWent(Response r) throws Exception {
        String line = ControlCodec.encode(r);
        assertThat(line).doesNotContain("\n").startsWith("{\"type\":");
        assertThat(ControlCodec.decodeResponse(line)).isEqualTo(r);
    }

    @ParameterizedTest
    @MethodSource("responses")
    void writingToAStreamGivesTheSameLineAndLeavesTheStreamOpen(Response r) throws Exception {
        Chunks out = new Chunks();
        ControlCodec.write(r, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ControlCodec.encode(r) + "\n");
        assertThat(out.closed).isFalse();
    }

    @Test
    void aLargeTableIsWrittenInBoundedChunks() throws Exception {
        List<Response.Neighbour> rows = IntStream.range(0, 50_000)
                .mapToObj(i -> new Response.Neighbour("2001:db8:1::" + Integer.toHexString(i), "u0", "02:00:5e:00:53:01", "STATIC")).toList();
        Response big = new Response.Neighbours(rows);
        Chunks out = new Chunks();
        ControlCodec.write(big, out);
        assertThat(out.size()).isGreaterThan(2_000_000);
        assertThat(out.largest).as("largest single write").isLessThanOrEqualTo(64 * 1024);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ControlCodec.encode(big) + "\n");
    }

    /** Records the largest single write and whether it was closed. */
    private static final class Chunks extends ByteArrayOutputStream {
        int largest;
        boolean closed;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            largest = Math.max(largest, len);
            super.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void everyRecordOfBothInterfacesIsCovered() {
        assertThat(requests().map(Object::getClass).distinct()).containsExactlyInAnyOrder(Request.class.getPermittedSubclasses());
        assertThat(responses().map(Object::getClass).distinct()).containsExactlyInAnyOrder(Response.class.getPermittedSubclasses());
    }

    @Test
    void theWireNamesTheCommandAndWritesTablesInLowerCase() {
        assertThat(ControlCodec.encode(new Request.Show(Request.Table.PUBLISHED))).isEqualTo("{\"command\":\"show\",\"table\":\"published\"}");
        assertThat(ControlCodec.encode(new Request.Flush(null))).isEqualTo("{\"command\":\"flush\"}");
        assertThat(ControlCodec.encode(new Response.End(0))).isEqualTo("{\"type\":\"end\",\"lost\":0}");
    }

    @Test
    void plainIsWhatUarpctlJsonPrints() {
        assertThat(ControlCodec.plain(new Response.PublishedRow("*", "198.51.100.77", List.of(), "02:00:5e:00:53:77", false, "0s", false, "operator", null)))
                .isEqualTo("{\"dev\":\"*\",\"target\":\"198.51.100.77\",\"exclude\":[],\"lladdr\":\"02:00:5e:00:53:77\",\"broadcastOnly\":false,"
                        + "\"replyDelay\":\"0s\",\"answerProbes\":false,\"source\":\"operator\"}");
        assertThat(ControlCodec.plain(List.of(new Response.Neighbour("192.0.2.3", "u0", null, "INCOMPLETE"))))
                .isEqualTo("[{\"dst\":\"192.0.2.3\",\"dev\":\"u0\",\"state\":\"INCOMPLETE\"}]");
        assertThat(ControlCodec.plain(new Response.Message("done"))).isEqualTo("{\"message\":\"done\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"command\":", "\"show\"", "{}"})
    void malformedRequestsSayWhatIsWrong(String line) {
        assertThatThrownBy(() -> ControlCodec.decodeRequest(line)).isInstanceOf(ProtocolException.class)
                .hasMessageMatching("(malformed request|request has no 'command').*");
    }

    @Test
    void unknownCommandsAndFieldsAreRefusedByName() {
        assertThatThrownBy(() -> ControlCodec.decodeRequest("{\"command\":\"frobnicate\"}")).isInstanceOf(ProtocolException.class)
                .hasMessage("unknown command 'frobnicate'; expected one of show, add, del, publish, unpublish, flush, probe, monitor, stats, "
                        + "capture, announce, reclaim, reload, restart");
        assertThatThrownBy(() -> ControlCodec.decodeRequest("{\"command\":\"flush\",\"devv\":\"u0\"}")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("malformed request").hasMessageContaining("devv");
        assertThatThrownBy(() -> ControlCodec.decodeRequest("{\"command\":\"show\",\"table\":\"bogus\"}")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> ControlCodec.decodeRequest("{\"command\":\"announce\",\"count\":\"many\"}")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("malformed request");
    }

    @Test
    void tablesAreNamedAsUarpctlTakesThem() throws Exception {
        assertThat(Request.Table.named("rarp")).isEqualTo(Request.Table.RARP);
        assertThat(Request.Table.named("fleet")).isEqualTo(Request.Table.FLEET);
        assertThatThrownBy(() -> Request.Table.named("bogus")).hasMessage("show: unknown table 'bogus'; expected neigh, published, links, rarp or fleet");
    }
}
