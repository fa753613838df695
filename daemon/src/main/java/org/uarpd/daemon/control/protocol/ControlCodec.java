package org.uarpd.daemon.control.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the control socket, for the daemon and {@code uarpctl} alike: a message is
 * one JSON object on one line; a request names its record in {@code command}, a response in
 * {@code type}. The names are given here, as Jackson mix-ins registered on the socket's mapper only,
 * so the records themselves stay plain and {@link #plain} prints them as {@code uarpctl -j} shows
 * them, without the name. Unknown fields are refused, so a misspelt one is an error, not ignored.
 */
public final class ControlCodec {
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "command")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Request.Show.class, name = "show"),
        @JsonSubTypes.Type(value = Request.Add.class, name = "add"),
        @JsonSubTypes.Type(value = Request.Del.class, name = "del"),
        @JsonSubTypes.Type(value = Request.Publish.class, name = "publish"),
        @JsonSubTypes.Type(value = Request.Unpublish.class, name = "unpublish"),
        @JsonSubTypes.Type(value = Request.Flush.class, name = "flush"),
        @JsonSubTypes.Type(value = Request.Probe.class, name = "probe"),
        @JsonSubTypes.Type(value = Request.Monitor.class, name = "monitor"),
        @JsonSubTypes.Type(value = Request.Stats.class, name = "stats"),
        @JsonSubTypes.Type(value = Request.Capture.class, name = "capture"),
        @JsonSubTypes.Type(value = Request.Announce.class, name = "announce"),
        @JsonSubTypes.Type(value = Request.Reclaim.class, name = "reclaim"),
        @JsonSubTypes.Type(value = Request.Reload.class, name = "reload"),
        @JsonSubTypes.Type(value = Request.Restart.class, name = "restart")})
    private interface RequestNames {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Response.Failure.class, name = "failure"),
        @JsonSubTypes.Type(value = Response.Message.class, name = "message"),
        @JsonSubTypes.Type(value = Response.Neighbours.class, name = "neighbours"),
        @JsonSubTypes.Type(value = Response.Published.class, name = "published"),
        @JsonSubTypes.Type(value = Response.Links.class, name = "links"),
        @JsonSubTypes.Type(value = Response.Rarp.class, name = "rarp"),
        @JsonSubTypes.Type(value = Response.Fleet.class, name = "fleet"),
        @JsonSubTypes.Type(value = Response.ProbeResult.class, name = "probe"),
        @JsonSubTypes.Type(value = Response.Stats.class, name = "stats"),
        @JsonSubTypes.Type(value = Response.Streaming.class, name = "streaming"),
        @JsonSubTypes.Type(value = Response.Event.class, name = "event"),
        @JsonSubTypes.Type(value = Response.Frame.class, name = "frame"),
        @JsonSubTypes.Type(value = Response.End.class, name = "end")})
    private interface ResponseNames {}

    private static final ObjectMapper WIRE = JsonMapper.builder()
            .addModule(new SimpleModule("uarpd-control").setMixInAnnotation(Request.class, RequestNames.class)
                    .setMixInAnnotation(Response.class, ResponseNames.class))
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET) // the connection outlives one answer
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();
    private static final ObjectMapper PLAIN = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();
    private static final String COMMANDS = Arrays.stream(RequestNames.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name).collect(Collectors.joining(", "));

    private ControlCodec() {}

    public static String encode(Request request) {
        return write(WIRE, request);
    }

    public static String encode(Response response) {
        return write(WIRE, response);
    }

    /**
     * Writes {@code response} and its newline to {@code out} as the JSON writer fills its buffer (a
     * few kilobytes at a time), the same bytes as {@link #encode(Response)}: a large answer is never
     * held whole in memory. Leaves {@code out} open.
     */
    public static void write(Response response, OutputStream out) throws IOException {
        WIRE.writeValue(out, response);
        out.write('\n');
        out.flush();
    }

    /** The request on {@code line}; a line that is not one says what is wrong with it. */
    public static Request decodeRequest(String line) throws ProtocolException {
        try {
            JsonNode tree = WIRE.readTree(line);
            if (tree == null || !tree.isObject()) throw new ProtocolException("malformed request: expected one JSON object, like {\"command\":\"stats\"}");
            return WIRE.treeToValue(tree, Request.class);
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(e.getTypeId() == null ? "request has no 'command'; expected one of " + COMMANDS
                    : "unknown command '" + e.getTypeId() + "'; expected one of " + COMMANDS);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("malformed request: " + e.getOriginalMessage());
        }
    }

    public static Response decodeResponse(String line) throws ProtocolException {
        try {
            return WIRE.readValue(line, Response.class);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("uarpd sent what uarpctl cannot read (is it the same version?): " + e.getOriginalMessage());
        }
    }

    /** {@code value} as {@code uarpctl -j} prints it: its fields only, nulls left out. */
    public static String plain(Object value) {
        return write(PLAIN, value);
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Records of strings, numbers and lists always serialise; failing here is a bug in the records.
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
