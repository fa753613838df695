package org.uarpd.sim.scenario;

/** A scenario file that cannot be run: names the file, the line and the field, and says what is wrong. */
public final class ScenarioException extends Exception {
    private final String file;
    private final int line;
    private final String field;

    public ScenarioException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + field + ": " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public String file() { return file; }
    public int line() { return line; }
    public String field() { return field; }
}
