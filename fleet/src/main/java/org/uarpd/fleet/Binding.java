package org.uarpd.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of the fleet's directory: who answers for {@code ip}. The stored value is a small JSON
 * object {@code {"mac":..,"host":..,"link":..}} under the key {@code .../bindings/<ip>}; the address
 * lives only in the key, so an entry can never disagree with where it is filed.
 *
 * @param mac  hardware address, lower-case hex octets joined by ':' (any length: not only Ethernet)
 * @param host the fleet host that wrote the entry
 * @param link the link name on that host the address was seen or published on
 */
public record Binding(InetAddress ip, String mac, String host, String link) {

    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){0,31}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public Binding {
        mac = mac.toLowerCase(Locale.ROOT);
        if (!MAC.matcher(mac).matches()) throw new IllegalArgumentException("mac: '" + mac + "' is not hex octets joined by ':'");
        if (host.isEmpty() || link.isEmpty()) throw new IllegalArgumentException("host and link must not be empty");
    }

    String encode() {
        ObjectNode o = JSON.createObjectNode();
        o.put("mac", mac);
        o.put("host", host);
        o.put("link", link);
        return o.toString();
    }

    /** Reads a stored value; anything malformed is an {@link IllegalArgumentException} the caller counts. */
    static Binding decode(InetAddress ip, String value) {
        JsonNode o;
        try {
            o = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("binding for " + ip.getHostAddress() + " is not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) throw new IllegalArgumentException("binding for " + ip.getHostAddress() + " is not a JSON object");
        return new Binding(ip, text(o, "mac", ip), text(o, "host", ip), text(o, "link", ip));
    }

    private static String text(JsonNode o, String field, InetAddress ip) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("binding for " + ip.getHostAddress() + " has no text field '" + field + "'");
        return v.asText();
    }
}
