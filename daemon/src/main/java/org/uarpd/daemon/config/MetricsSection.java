package org.uarpd.daemon.config;

/**
 * {@code [metrics]}: Prometheus metrics over HTTP, off unless {@code listen} is set.
 *
 * @param host where to listen (null: off)
 * @param port TCP port
 */
public record MetricsSection(String host, int port) {
    public static final MetricsSection OFF = new MetricsSection(null, 0);

    public boolean enabled() {
        return host != null;
    }

    static MetricsSection read(Fields f) {
        String listen = f.string("listen", null);
        if (listen == null) return OFF;
        int colon = listen.lastIndexOf(':');
        String expected = "expected HOST:PORT like \"127.0.0.1:9587\" or \"[::1]:9587\"";
        if (colon <= 0) {
            f.error("listen", "\"" + listen + "\" has no port; " + expected);
            return OFF;
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            f.error("listen", "\"" + listen.substring(colon + 1) + "\" is not a port number; " + expected);
            return OFF;
        }
        if (port < 1 || port > 65535) {
            f.error("listen", "port " + port + " is out of range; expected 1 to 65535");
            return OFF;
        }
        return new MetricsSection(host, port);
    }
}
