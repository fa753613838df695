package org.uarpd.daemon.config;

/**
 * One mistake in a config file: where (file, line, dotted key) and what is wrong and what would be
 * right, printed as {@code uarpd.toml:12: links.eth0.mode: "authorative" is not a mode; expected …}.
 *
 * @param line 1-based; 0 when the mistake is about the file as a whole
 * @param key  the dotted key, or empty when the mistake is not about one key (a syntax error)
 */
public record ConfigError(String file, int line, String key, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
