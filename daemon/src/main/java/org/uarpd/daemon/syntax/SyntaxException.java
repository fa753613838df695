package org.uarpd.daemon.syntax;

/**
 * Text that is not what it should be: the text, what it is not, and what would be right. The config
 * file, the command line and the control socket each put the three together in their own form, so a
 * mistake reads the same wherever it is made.
 */
public final class SyntaxException extends IllegalArgumentException {
    private final String text;
    private final String what;
    private final String expected;
    private final String example;

    /**
     * @param what     what the text is not, e.g. "an Ethernet address"
     * @param expected what would be right before the example, e.g. "six hex bytes like"; may be empty
     * @param example  a right value, e.g. "02:00:5e:00:53:01"; may be empty
     */
    public SyntaxException(String text, String what, String expected, String example) {
        this(text, what, expected, example, null);
    }

    /** @param reason the detail of what is wrong, e.g. "host bits set"; null for none. Not in the config's form, which is terse. */
    public SyntaxException(String text, String what, String expected, String example, String reason) {
        super("'" + text + "' is not " + what + hint(expected, example, " (", ")", "") + (reason == null ? "" : ": " + reason));
        this.text = text;
        this.what = what;
        this.expected = expected;
        this.example = example;
    }

    public String text() {
        return text;
    }

    /** The config file's form: {@code "TEXT" is not WHAT; expected EXPECTED "EXAMPLE"}. */
    public String forConfig() {
        return "\"" + text + "\" is not " + what + hint(expected, example, "; expected ", "", "\"");
    }

    /** The control socket's form (also {@link #getMessage()}): {@code 'TEXT' is not WHAT (EXPECTED EXAMPLE)}. */
    public String forControl() {
        return getMessage();
    }

    private static String hint(String expected, String example, String open, String close, String quote) {
        if (expected.isEmpty() && example.isEmpty()) return "";
        String e = example.isEmpty() ? "" : quote + example + quote;
        return open + (expected.isEmpty() ? e : e.isEmpty() ? expected : expected + " " + e) + close;
    }
}
