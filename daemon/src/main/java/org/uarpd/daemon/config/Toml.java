package org.uarpd.daemon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of TOML 1.0 uarpd's config uses, read with the line of every value so validation can
 * point at it (a general TOML library gives back a tree without lines). Supported: comments, bare,
 * quoted and dotted keys, {@code [tables]}, {@code [[arrays of tables]]}, basic and literal strings
 * (single-line), integers (with {@code _}, hex {@code 0x}), floats, booleans, arrays (over several
 * lines, trailing comma allowed) and inline tables. Not supported, and said so with the line:
 * multi-line strings and dates. Syntax errors stop at the first one (what follows cannot be trusted).
 */
public final class Toml {
    /** A value and the line it starts on. Values: String, Long, Double, Boolean, List&lt;Node&gt;, Table. */
    public record Node(Object value, int line) {}

    /** A table: its entries in file order and the line that opened it. */
    public static final class Table {
        public final Map<String, Node> entries = new LinkedHashMap<>();
        public final int line;
        boolean explicit;
        boolean inline;

        Table(int line) {
            this.line = line;
        }
    }

    /** The first syntax error. */
    public static final class SyntaxError extends Exception {
        public final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private final String s;
    private int pos;
    private int line = 1;

    private Toml(String text) {
        this.s = text;
    }

    public static Table parse(String text) throws SyntaxError {
        return new Toml(text).document();
    }

    private Table document() throws SyntaxError {
        Table root = new Table(1);
        root.explicit = true;
        Table current = root;
        while (true) {
            skipBlank(true);
            if (eof()) return root;
            int at = line;
            if (peek() == '[') {
                pos++;
                boolean array = !eof() && peek() == '[';
                if (array) pos++;
                List<String> path = key();
                expect(']', "to close the table header");
                if (array) expect(']', "to close the array-of-tables header [[...]]");
                current = array ? appendTable(root, path, at) : openTable(root, path, at);
            } else {
                List<String> path = key();
                skipSpaces();
                expect('=', "after key '" + String.join(".", path) + "'");
                skipSpaces();
                Node value = value();
                put(current, path, value, at);
            }
            endOfLine();
        }
    }

    private Table openTable(Table root, List<String> path, int at) throws SyntaxError {
        Table t = descend(root, path.subList(0, path.size() - 1), at);
        String last = path.getLast();
        Node n = t.entries.get(last);
        if (n == null) {
            Table made = new Table(at);
            made.explicit = true;
            t.entries.put(last, new Node(made, at));
            return made;
        }
        if (n.value() instanceof Table existing && !existing.explicit && !existing.inline) {
            existing.explicit = true;
            return existing;
        }
        throw new SyntaxError(at, "[" + String.join(".", path) + "] is defined twice (first on line " + n.line() + ")");
    }

    @SuppressWarnings("unchecked")
    private Table appendTable(Table root, List<String> path, int at) throws SyntaxError {
        Table t = descend(root, path.subList(0, path.size() - 1), at);
        String last = path.getLast();
        Node n = t.entries.get(last);
        List<Node> list;
        if (n == null) {
            list = new ArrayList<>();
            t.entries.put(last, new Node(list, at));
        } else if (n.value() instanceof List<?> l && (l.isEmpty() || ((List<Node>) l).getFirst().value() instanceof Table)) {
            list = (List<Node>) l;
        } else {
            throw new SyntaxError(at, "[[" + String.join(".", path) + "]]: '" + last + "' is already a value (line " + n.line() + ")");
        }
        Table made = new Table(at);
        made.explicit = true;
        list.add(new Node(made, at));
        return made;
    }

    /** Walks (creating implicit tables) to the table at {@code path}; an array of tables means its last one. */
    @SuppressWarnings("unchecked")
    private Table descend(Table from, List<String> path, int at) throws SyntaxError {
        Table t = from;
        for (String k : path) {
            Node n = t.entries.get(k);
            if (n == null) {
                Table made = new Table(at);
                t.entries.put(k, new Node(made, at));
                t = made;
            } else if (n.value() instanceof Table next && !next.inline) {
                t = next;
            } else if (n.value() instanceof List<?> l && !l.isEmpty() && ((List<Node>) l).getLast().value() instanceof Table last) {
                t = last;
            } else {
                throw new SyntaxError(at, "'" + k + "' is already a value (line " + n.line() + "), not a table");
            }
        }
        return t;
    }

    private void put(Table t, List<String> path, Node value, int at) throws SyntaxError {
        Table target = descend(t, path.subList(0, path.size() - 1), at);
        String last = path.getLast();
        Node before = target.entries.putIfAbsent(last, value);
        if (before != null) {
            throw new SyntaxError(at, "key '" + String.join(".", path) + "' is defined twice (first on line " + before.line() + ")");
        }
    }

    private List<String> key() throws SyntaxError {
        List<String> parts = new ArrayList<>();
        while (true) {
            skipSpaces();
            if (eof()) throw new SyntaxError(line, "expected a key, found the end of the file");
            char c = peek();
            if (c == '"') parts.add(basicString());
            else if (c == '\'') parts.add(literalString());
            else {
                int start = pos;
                while (!eof() && isBare(peek())) pos++;
                if (pos == start) throw new SyntaxError(line, "expected a key, found " + describe(c));
                parts.add(s.substring(start, pos));
            }
            skipSpaces();
            if (!eof() && peek() == '.') {
                pos++;
                continue;
            }
            return parts;
        }
    }

    private static boolean isBare(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private Node value() throws SyntaxError {
        int at = line;
        if (eof()) throw new SyntaxError(line, "expected a value, found the end of the file");
        char c = peek();
        switch (c) {
            case '"' -> {
                if (s.startsWith("\"\"\"", pos)) throw new SyntaxError(line, "multi-line strings are not supported; use one line");
                return new Node(basicString(), at);
            }
            case '\'' -> {
                if (s.startsWith("'''", pos)) throw new SyntaxError(line, "multi-line strings are not supported; use one line");
                return new Node(literalString(), at);
            }
            case '[' -> {
                return new Node(array(), at);
            }
            case '{' -> {
                return new Node(inlineTable(), at);
            }
            default -> {
                int start = pos;
                while (!eof() && (isBare(peek()) || peek() == '.' || peek() == '+' || peek() == ':')) pos++;
                String word = s.substring(start, pos);
                if (word.isEmpty()) throw new SyntaxError(line, "expected a value, found " + describe(c));
                return new Node(scalar(word), at);
            }
        }
    }

    private Object scalar(String w) throws SyntaxError {
        if (w.equals("true")) return Boolean.TRUE;
        if (w.equals("false")) return Boolean.FALSE;
        String n = w.replace("_", "");
        try {
            if (n.startsWith("0x")) return Long.parseLong(n.substring(2), 16);
            if (n.matches("[+-]?\\d+")) return Long.parseLong(n);
            if (n.matches("[+-]?(\\d+\\.\\d+([eE][+-]?\\d+)?|\\d+[eE][+-]?\\d+)")) return Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw new SyntaxError(line, w + " is out of range for a number");
        }
        if (w.matches("\\d{4}-\\d{2}-\\d{2}.*")) throw new SyntaxError(line, "dates are not supported");
        throw new SyntaxError(line, "'" + w + "' is not a value; strings need quotes, like \"" + w + "\"");
    }

    private List<Node> array() throws SyntaxError {
        pos++; // [
        List<Node> items = new ArrayList<>();
        while (true) {
            skipBlank(true);
            if (eof()) throw new SyntaxError(line, "array not closed with ']'");
            if (peek() == ']') {
                pos++;
                return items;
            }
            items.add(value());
            skipBlank(true);
            if (eof()) throw new SyntaxError(line, "array not closed with ']'");
            if (peek() == ',') pos++;
            else if (peek() != ']') throw new SyntaxError(line, "expected ',' or ']' in array, found " + describe(peek()));
        }
    }

    private Table inlineTable() throws SyntaxError {
        Table t = new Table(line);
        t.explicit = true;
        t.inline = true;
        pos++; // {
        skipSpaces();
        if (!eof() && peek() == '}') {
            pos++;
            return t;
        }
        while (true) {
            int at = line;
            List<String> path = key();
            skipSpaces();
            expect('=', "after key '" + String.join(".", path) + "'");
            skipSpaces();
            put(t, path, value(), at);
            skipSpaces();
            if (eof()) throw new SyntaxError(line, "inline table not closed with '}'");
            char c = peek();
            pos++;
            if (c == '}') return t;
            if (c != ',') throw new SyntaxError(line, "expected ',' or '}' in inline table, found " + describe(c));
        }
    }

    private String basicString() throws SyntaxError {
        pos++; // "
        StringBuilder b = new StringBuilder();
        while (true) {
            if (eof() || peek() == '\n') throw new SyntaxError(line, "string not closed with '\"' on its line");
            char c = s.charAt(pos++);
            if (c == '"') return b.toString();
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (eof()) throw new SyntaxError(line, "string not closed");
            char e = s.charAt(pos++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case 'u', 'U' -> {
                    int len = e == 'u' ? 4 : 8;
                    if (pos + len > s.length()) throw new SyntaxError(line, "\\" + e + " needs " + len + " hex digits");
                    try {
                        b.appendCodePoint(Integer.parseInt(s.substring(pos, pos + len), 16));
                    } catch (IllegalArgumentException x) {
                        throw new SyntaxError(line, "\\" + e + s.substring(pos, pos + len) + " is not a Unicode code point");
                    }
                    pos += len;
                }
                default -> throw new SyntaxError(line, "unknown escape \\" + e + " in string (use \\\\ for a backslash, or a 'literal string')");
            }
        }
    }

    private String literalString() throws SyntaxError {
        int start = ++pos;
        while (!eof() && peek() != '\'' && peek() != '\n') pos++;
        if (eof() || peek() == '\n') throw new SyntaxError(line, "string not closed with \"'\" on its line");
        return s.substring(start, pos++);
    }

    private void endOfLine() throws SyntaxError {
        skipSpaces();
        if (eof()) return;
        char c = peek();
        if (c == '#') {
            while (!eof() && peek() != '\n') pos++;
            return;
        }
        if (c == '\n' || c == '\r') return;
        throw new SyntaxError(line, "expected the end of the line, found " + describe(c));
    }

    private void skipSpaces() {
        while (!eof() && (peek() == ' ' || peek() == '\t')) pos++;
    }

    private void skipBlank(boolean newlines) {
        while (!eof()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\r') pos++;
            else if (c == '\n' && newlines) {
                pos++;
                line++;
            } else if (c == '#') {
                while (!eof() && peek() != '\n') pos++;
            } else return;
        }
    }

    private void expect(char c, String why) throws SyntaxError {
        if (eof() || peek() != c) {
            throw new SyntaxError(line, "expected '" + c + "' " + why + ", found " + (eof() ? "the end of the file" : describe(peek())));
        }
        pos++;
    }

    private static String describe(char c) {
        return c == '\n' ? "the end of the line" : "'" + c + "'";
    }

    private boolean eof() {
        return pos >= s.length();
    }

    private char peek() {
        return s.charAt(pos);
    }
}
