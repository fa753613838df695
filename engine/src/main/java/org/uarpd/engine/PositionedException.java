package org.uarpd.engine;

/**
 * A file uarpd reads (configuration, ethers and hosts files, a simulator scenario) had an error:
 * names the file, the line (1-based) and the field at fault, as {@code file:line: field: problem}.
 */
public final class PositionedException extends Exception {
    private final String file;
    private final int line;
    private final String field;

    public PositionedException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + field + ": " + problem);
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
