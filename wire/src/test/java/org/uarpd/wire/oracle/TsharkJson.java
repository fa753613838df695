package org.uarpd.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Dissects a capture with {@code tshark -T json} and gives each packet's layers. */
final class TsharkJson {
    /** Wireshark's PI_ERROR expert severity as printed in JSON. */
    static final String SEVERITY_ERROR = "8388608";

    private TsharkJson() {}

    static List<JsonNode> dissect(Path capture) {
        Path tshark = ExternalTool.tshark();
        ExternalTool.Result r = ExternalTool.run(List.of(tshark.toString(), "-n", "-r", capture.toString(), "-T", "json"), 120);
        if (r.exit() != 0) fail("tshark failed on " + capture + ": " + r.stderr());
        try {
            JsonNode root = new ObjectMapper().readTree(r.stdout());
            List<JsonNode> layers = new ArrayList<>();
            for (JsonNode pkt : root) layers.add(pkt.path("_source").path("layers"));
            return layers;
        } catch (Exception e) {
            return fail("tshark JSON for " + capture + " does not parse: " + e);
        }
    }

    /** Fails if Wireshark flagged the packet malformed or attached an error-severity expert item anywhere. */
    static void assertClean(JsonNode layers, String what) {
        List<String> problems = new ArrayList<>();
        collectProblems(layers, problems);
        assertThat(problems).as("tshark complaints about %s: %s", what, layers).isEmpty();
    }

    private static void collectProblems(JsonNode node, List<String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("_ws.malformed")) out.add(e.getKey() + "=" + e.getValue());
                if (e.getKey().equals("_ws.expert") && SEVERITY_ERROR.equals(e.getValue().path("_ws.expert.severity").asText())) {
                    out.add("expert error " + e.getValue());
                }
                collectProblems(e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) collectProblems(n, out);
        }
    }

    /** The hardware address field: {@code arp.src.hw_mac} for 6-byte Ethernet-like ones, {@code arp.src.hw} otherwise. */
    static String arpHardware(JsonNode arp, String side) {
        JsonNode mac = arp.get("arp." + side + ".hw_mac");
        if (mac != null) return mac.asText().toLowerCase();
        JsonNode raw = arp.get("arp." + side + ".hw");
        return raw == null ? null : raw.asText().toLowerCase();
    }
}
