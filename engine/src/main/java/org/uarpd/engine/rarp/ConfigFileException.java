package org.uarpd.engine.rarp;

/** A file uarpd reads had an error: names the file, the line (1-based) and the field at fault. */
public final class ConfigFileException extends Exception {
    private final String file;
    private final int line;
    private final String field;

    public ConfigFileException(String file, int line, String field, String message) {
        super(file + ":" + line + ": " + field + ": " + message);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
