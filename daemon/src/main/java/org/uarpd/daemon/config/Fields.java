package org.uarpd.daemon.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.uarpd.engine.Durations;
import org.uarpd.daemon.config.Toml.Node;
import org.uarpd.daemon.config.Toml.Table;

/**
 * Typed, line-aware reading of one table of the config. Every mistake is added to the shared error
 * list (reading goes on, so one run reports them all) and a default is returned in its place. A
 * section reads every key it knows; {@link #finish()} then reports the keys nobody read as unknown,
 * with the nearest known key as a suggestion.
 */
public final class Fields {
    private final String file;
    private final String path;
    private final Table table;
    private final List<ConfigError> errors;
    private final Set<String> known = new LinkedHashSet<>();
    /** Where every read is written down, for {@link UarpdConfig#keys()}; null when nobody asks. */
    private final Catalog catalog;

    /**
     * Every key the readers asked for, as dotted paths without array indices, and the sub-tables they
     * asked for that the file did not have (whose keys could therefore not be asked for).
     */
    record Catalog(Set<String> keys, Set<String> absentTables) {
        Catalog() {
            this(new java.util.TreeSet<>(), new java.util.TreeSet<>());
        }
    }

    Fields(String file, String path, Table table, List<ConfigError> errors) {
        this(file, path, table, errors, null);
    }

    Fields(String file, String path, Table table, List<ConfigError> errors, Catalog catalog) {
        this.file = file;
        this.path = path;
        this.table = table;
        this.errors = errors;
        this.catalog = catalog;
    }

    /** {@code key} is one this table's reader knows. */
    private void know(String key) {
        known.add(key);
        if (catalog != null) catalog.keys().add(undexed(keyOf(key)));
    }

    private static String undexed(String dotted) {
        return dotted.replaceAll("\\[\\d+]", "");
    }

    private Fields child(String key, Table t) {
        return new Fields(file, keyOf(key), t, errors, catalog);
    }

    /** The dotted name of {@code key} in this table. */
    public String keyOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public int line() {
        return table.line;
    }

    public boolean has(String key) {
        know(key);
        return table.entries.containsKey(key);
    }

    /** Line of {@code key}, else of the table. */
    public int lineOf(String key) {
        Node n = table.entries.get(key);
        return n != null ? n.line() : table.line;
    }

    public void error(String key, String message) {
        errors.add(new ConfigError(file, lineOf(key), key == null ? path : keyOf(key), message));
    }

    private Node node(String key) {
        know(key);
        return table.entries.get(key);
    }

    private void wrongType(String key, Node n, String expected) {
        Object v = n.value();
        boolean scalar = !(v instanceof Table) && !(v instanceof List<?>);
        error(key, (scalar ? render(v) + " is " + typeName(v) : "found " + typeName(v)) + "; expected " + expected);
    }

    public String string(String key, String fallback) {
        Node n = node(key);
        if (n == null) return fallback;
        if (n.value() instanceof String s) return s;
        wrongType(key, n, "a string in quotes");
        return fallback;
    }

    /** A string that must be one of {@code choices} (compared case-sensitively), named {@code what} in errors. */
    public String choice(String key, String what, List<String> choices, String fallback) {
        String v = string(key, null);
        if (v == null) return fallback;
        if (choices.contains(v)) return v;
        error(key, "\"" + v + "\" is not " + what + "; expected " + quotedList(choices));
        return fallback;
    }

    public boolean bool(String key, boolean fallback) {
        Node n = node(key);
        if (n == null) return fallback;
        if (n.value() instanceof Boolean b) return b;
        wrongType(key, n, "true or false");
        return fallback;
    }

    public long integer(String key, long fallback, long min, long max) {
        Node n = node(key);
        if (n == null) return fallback;
        if (!(n.value() instanceof Long v)) {
            wrongType(key, n, "a whole number from " + min + " to " + max);
            return fallback;
        }
        if (v < min || v > max) {
            error(key, v + " is out of range; expected a whole number from " + min + " to " + max);
            return fallback;
        }
        return v;
    }

    public double number(String key, double fallback, double minExclusive) {
        Node n = node(key);
        if (n == null) return fallback;
        double v;
        if (n.value() instanceof Long l) v = l;
        else if (n.value() instanceof Double d) v = d;
        else {
            wrongType(key, n, "a number greater than " + minExclusive);
            return fallback;
        }
        if (!(v > minExclusive)) {
            error(key, render(n.value()) + " is out of range; expected a number greater than " + minExclusive);
            return fallback;
        }
        return v;
    }

    /** A duration string such as "30s", "500ms", "1.5s", "2m", "250us"; returned in nanoseconds. */
    public long duration(String key, long fallback, boolean zeroAllowed) {
        Node n = node(key);
        if (n == null) return fallback;
        String expected = "a duration like \"30s\", \"500ms\" or \"2m\"";
        if (n.value() instanceof Long l) {
            error(key, l + " has no unit; expected " + expected);
            return fallback;
        }
        if (!(n.value() instanceof String s)) {
            wrongType(key, n, expected);
            return fallback;
        }
        long nanos;
        try {
            nanos = Durations.parse(s);
        } catch (IllegalArgumentException e) {
            error(key, "\"" + s + "\" is not a duration; expected " + expected);
            return fallback;
        }
        if (nanos < 0 || (nanos == 0 && !zeroAllowed)) {
            error(key, "\"" + s + "\" is out of range; expected a duration " + (zeroAllowed ? "of at least 0s" : "greater than 0s"));
            return fallback;
        }
        return nanos;
    }

    /** A value parsed by {@code parse} (which throws IllegalArgumentException with the reason); null if absent or wrong. */
    public <T> T parsed(String key, String what, Function<String, T> parse) {
        String v = string(key, null);
        if (v == null) return null;
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            error(key, "\"" + v + "\" is not " + what + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            return null;
        }
    }

    /** A list of strings; a single string is taken as a list of one. */
    public List<String> strings(String key) {
        Node n = node(key);
        if (n == null) return List.of();
        if (n.value() instanceof String s) return List.of(s);
        List<String> out = new ArrayList<>();
        if (n.value() instanceof List<?> items) {
            for (Object o : items) {
                Node item = (Node) o;
                if (item.value() instanceof String s) out.add(s);
                else wrongType(key, item, "a list of strings in quotes");
            }
            return out;
        }
        wrongType(key, n, "a list of strings, like [\"a\", \"b\"]");
        return out;
    }

    /** A sub-table ({@code [key]} or an inline table); null when absent or not a table (reported). */
    public Fields table(String key) {
        Node n = node(key);
        if (n == null) {
            if (catalog != null) catalog.absentTables().add(undexed(keyOf(key)));
            return null;
        }
        if (n.value() instanceof Table t) return child(key, t);
        wrongType(key, n, "a table ([" + keyOf(key) + "] or { ... })");
        return null;
    }

    /** A sub-table, or an empty one in its place, so a section's defaults are read the same way. */
    public Fields tableOrEmpty(String key) {
        Fields f = node(key) == null ? null : table(key);
        return f != null ? f : child(key, new Table(table.line));
    }

    /** An array of tables ({@code [[key]]}). */
    public List<Fields> tables(String key) {
        Node n = node(key);
        if (n == null) {
            if (catalog != null) catalog.absentTables().add(undexed(keyOf(key)));
            return List.of();
        }
        List<Fields> out = new ArrayList<>();
        if (n.value() instanceof List<?> items) {
            int i = 0;
            for (Object o : items) {
                Node item = (Node) o;
                if (item.value() instanceof Table t) out.add(new Fields(file, keyOf(key) + "[" + i + "]", t, errors, catalog));
                else wrongType(key, item, "a table ([[" + keyOf(key) + "]])");
                i++;
            }
            return out;
        }
        wrongType(key, n, "an array of tables ([[" + keyOf(key) + "]])");
        return out;
    }

    /** Every key of this table that is itself a table, with its reader: for maps like {@code [links.NAME]}. */
    public Map<String, Fields> namedTables() {
        Map<String, Fields> out = new java.util.LinkedHashMap<>();
        for (var e : table.entries.entrySet()) {
            know(e.getKey());
            if (e.getValue().value() instanceof Table t) out.put(e.getKey(), child(e.getKey(), t));
            else wrongType(e.getKey(), e.getValue(), "a table ([" + keyOf(e.getKey()) + "])");
        }
        return out;
    }

    /** Every key of this table, each counted as read (for maps whose keys are names, like {@code [fleet.groups]}). */
    public List<String> keys() {
        for (String k : table.entries.keySet()) know(k);
        return List.copyOf(table.entries.keySet());
    }

    /** Reports every key of this table that was never read, with a did-you-mean. */
    public void finish() {
        for (var e : table.entries.entrySet()) {
            String k = e.getKey();
            if (known.contains(k)) continue;
            String near = nearest(k, known);
            errors.add(new ConfigError(file, e.getValue().line(), keyOf(k), "unknown key" + (near == null
                    ? (known.isEmpty() ? "; this table takes no keys" : "; expected one of " + String.join(", ", known))
                    : "; did you mean '" + near + "'?")));
        }
    }

    /** The known key closest to {@code k} by edit distance, if close enough to be a typo. */
    static String nearest(String k, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : known) {
            int d = distance(k.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, k.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String quotedList(List<String> choices) {
        List<String> q = choices.stream().map(c -> "\"" + c + "\"").toList();
        if (q.size() == 1) return q.getFirst();
        return String.join(", ", q.subList(0, q.size() - 1)) + " or " + q.getLast();
    }

    static String render(Object v) {
        return switch (v) {
            case String s -> "\"" + s + "\"";
            case Table t -> "a table";
            case List<?> l -> "a list";
            default -> String.valueOf(v);
        };
    }

    static String typeName(Object v) {
        return switch (v) {
            case String s -> "a string";
            case Long l -> "a whole number";
            case Double d -> "a number";
            case Boolean b -> "a boolean";
            case List<?> l -> "a list";
            default -> "a table";
        };
    }
}
