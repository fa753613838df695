package org.uarpd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The control socket reads at most one bounded line at a time: a line without end cannot grow the heap. */
class ControlServerLineTest {
    private static InputStream of(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    @Test
    void linesAreSplitOnNewlineWithOrWithoutCarriageReturn() throws Exception {
        InputStream in = of("{\"command\":\"ping\"}\r\nsecond\nlast".getBytes(StandardCharsets.UTF_8));
        assertThat(ControlServer.readLine(in)).isEqualTo("{\"command\":\"ping\"}");
        assertThat(ControlServer.readLine(in)).isEqualTo("second");
        assertThat(ControlServer.readLine(in)).isEqualTo("last");
        assertThat(ControlServer.readLine(in)).isNull();
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws Exception {
        byte[] fits = new byte[ControlServer.MAX_LINE + 1];
        java.util.Arrays.fill(fits, (byte) 'a');
        fits[ControlServer.MAX_LINE] = '\n';
        assertThat(ControlServer.readLine(of(fits))).hasSize(ControlServer.MAX_LINE);

        byte[] over = new byte[ControlServer.MAX_LINE + 2];
        java.util.Arrays.fill(over, (byte) 'a');
        over[ControlServer.MAX_LINE + 1] = '\n';
        assertThat(ControlServer.readLine(of(over))).isSameAs(ControlServer.TOO_LONG);
    }
}
