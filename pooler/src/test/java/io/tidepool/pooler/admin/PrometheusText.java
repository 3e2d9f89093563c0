package io.tidepool.pooler.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small strict parser of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/
 * exposition_formats): {@code # HELP}/{@code # TYPE} lines, samples {@code name{label="value",...} value}. Any line
 * that does not follow the format fails the parse; a TYPE given twice or after its samples fails too.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+-?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"\\s*(,|$)");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new HashMap<>();

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    require(NAME.matcher(parts[2]).matches(), lineNo, line);
                    if (parts[1].equals("TYPE")) {
                        require(parts.length == 4 && List.of("counter", "gauge", "histogram", "summary", "untyped")
                                .contains(parts[3]), lineNo, line);
                        require(parsed.types.put(parts[2], parts[3]) == null, lineNo, "duplicate TYPE: " + line);
                    }
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            require(m.matches(), lineNo, line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int at = 0;
                while (at < m.group(3).length()) {
                    require(l.find(at) && l.start() == at, lineNo, "labels: " + line);
                    require(labels.put(l.group(1), l.group(2)) == null, lineNo, "duplicate label: " + line);
                    at = l.end();
                }
            }
            parsed.samples.add(new Sample(m.group(1), labels, value(m.group(4), lineNo, line)));
        }
        return parsed;
    }

    private static double value(String s, int lineNo, String line) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new AssertionError("line " + lineNo + ": bad value in: " + line);
                }
            }
        };
    }

    private static void require(boolean ok, int lineNo, String line) {
        if (!ok) {
            throw new AssertionError("line " + lineNo + " is not Prometheus text format: " + line);
        }
    }

    /** The value of {@code name} with all of {@code labels} (a subset match); fails if absent. */
    double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                        && s.labels().entrySet().containsAll(labels.entrySet())).mapToDouble(Sample::value)
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels));
    }
}
