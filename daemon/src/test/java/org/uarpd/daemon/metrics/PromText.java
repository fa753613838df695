package org.uarpd.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent parser of the Prometheus text exposition format 0.0.4 (the client library has a
 * writer, not a parser): {@code # HELP}, {@code # TYPE}, and samples {@code name{label="v",…} value}.
 * Strict: a sample of an undeclared family, a malformed line, a bad escape or a repeated sample fails.
 */
public final class PromText {
    public record Sample(String name, Map<String, String> labels, double value) {}

    public final Map<String, String> types = new LinkedHashMap<>();
    public final Map<String, String> help = new LinkedHashMap<>();
    public final Map<String, Sample> samples = new LinkedHashMap<>();

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+-?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"\\s*(,|$)");

    public static PromText parse(String text) {
        PromText p = new PromText();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) continue;
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                if (parts.length < 2) throw new IllegalArgumentException("line " + n + ": " + line);
                if (line.startsWith("# TYPE ")) {
                    if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1])) {
                        throw new IllegalArgumentException("line " + n + ": unknown type " + parts[1]);
                    }
                    if (p.types.put(parts[0], parts[1]) != null) throw new IllegalArgumentException("line " + n + ": TYPE twice for " + parts[0]);
                } else {
                    p.help.put(parts[0], parts[1]);
                }
                continue;
            }
            if (line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
            String name = m.group(1);
            if (p.family(name) == null) throw new IllegalArgumentException("line " + n + ": sample of undeclared family: " + name);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (end < m.group(3).length()) {
                    if (!l.find(end) || l.start() != end) throw new IllegalArgumentException("line " + n + ": bad labels: " + m.group(3));
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    end = l.end();
                }
            }
            double value = switch (m.group(4)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(m.group(4));
            };
            String key = name + labels;
            if (p.samples.put(key, new Sample(name, labels, value)) != null) throw new IllegalArgumentException("line " + n + ": repeated sample " + key);
        }
        return p;
    }

    /** The declared family a sample name belongs to (histogram/summary/counter suffixes). */
    public String family(String sample) {
        if (types.containsKey(sample)) return sample;
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(base)) return base;
            }
        }
        return null;
    }

    /** The value of {@code name{labels}}, or null. Labels given as k, v, k, v… */
    public Double value(String name, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) l.put(labels[i], labels[i + 1]);
        Sample s = samples.get(name + l);
        return s == null ? null : s.value();
    }

    /** Buckets of histogram {@code name}, checked cumulative and ending at +Inf = _count, for each of its label sets. */
    public void checkHistogram(String name) {
        Map<Map<String, String>, Double> last = new LinkedHashMap<>();
        Map<Map<String, String>, Double> inf = new LinkedHashMap<>();
        for (Sample s : samples.values()) {
            if (!s.name().equals(name + "_bucket")) continue;
            Map<String, String> series = new LinkedHashMap<>(s.labels());
            String le = series.remove("le");
            if (s.value() < last.getOrDefault(series, 0.0)) {
                throw new IllegalArgumentException(name + series + ": buckets not cumulative at le=" + le);
            }
            last.put(series, s.value());
            if (le.equals("+Inf")) inf.put(series, s.value());
        }
        if (last.isEmpty()) throw new IllegalArgumentException(name + ": no buckets");
        for (Map<String, String> series : last.keySet()) {
            Sample count = samples.get(name + "_count" + series);
            Double top = inf.get(series);
            if (top == null || count == null || top != count.value()) {
                throw new IllegalArgumentException(name + series + ": +Inf bucket " + top + " != count " + (count == null ? null : count.value()));
            }
        }
    }
}
