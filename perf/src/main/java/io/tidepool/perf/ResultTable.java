package io.tidepool.perf;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side table of one pool mode: a row per (workload, protocol, clients) with direct, PgBouncer and
 * Tidepool figures and the Tidepool/PgBouncer ratios (TPS: higher is better; p99 and CPU per transaction: lower is
 * better). Cells that were skipped or failed print {@code n/a} or {@code ERR} with a numbered footnote under the
 * table; a run with failed transactions gets a {@code !} and a footnote too. One thread.
 */
final class ResultTable {
    private static final String ROW = "%-11s %-8s %7s | %8s %7s %7s | %8s %7s %7s %6s | %8s %7s %7s %6s | %5s %5s %5s";

    private final String title;
    private final List<Row> rows = new ArrayList<>();

    ResultTable(String title) {
        this.title = title;
    }

    /** One row's cells; a target that was not part of the run has no entry. */
    record Row(Workload workload, String protocol, int clients, Map<Target, Outcome> outcomes) {
        Row {
            outcomes = new EnumMap<>(outcomes);
        }
    }

    void add(Row row) {
        rows.add(row);
    }

    /** Prints the column headings (also used before streaming rows as they are measured). */
    void printHeader(PrintStream out) {
        out.println(title);
        out.println(String.format(Locale.ROOT, "%-28s | %-24s | %-31s | %-31s | %s", "", "direct",
                "pgbouncer", "tidepool", "tidepool/pgbouncer"));
        out.println(String.format(Locale.ROOT, ROW, "workload", "protocol", "clients", "tps", "avg ms", "p99 ms",
                "tps", "avg ms", "p99 ms", "us/tx", "tps", "avg ms", "p99 ms", "us/tx", "tps", "p99", "cpu"));
    }

    /** Prints the whole table with footnotes. */
    void print(PrintStream out) {
        printHeader(out);
        List<String> notes = new ArrayList<>();
        for (Row row : rows) {
            out.println(format(row, notes));
        }
        for (int i = 0; i < notes.size(); i++) {
            out.println("  [" + (i + 1) + "] " + notes.get(i));
        }
    }

    /** One row as text; footnotes are appended to {@code notes} and referenced by number. */
    static String format(Row row, List<String> notes) {
        List<String> cells = new ArrayList<>(List.of(row.workload().label(), row.protocol(),
                Integer.toString(row.clients())));
        for (Target target : Target.values()) {
            cells.addAll(cells(row, target, notes));
        }
        Outcome bouncer = row.outcomes().get(Target.PGBOUNCER);
        Outcome tidepool = row.outcomes().get(Target.TIDEPOOL);
        if (bouncer instanceof Outcome.Measured b && tidepool instanceof Outcome.Measured t) {
            cells.add(ratio(t.tps(), b.tps()));
            cells.add(ratio(t.p99Ms(), b.p99Ms()));
            cells.add(ratio(t.cpuUsPerTx(), b.cpuUsPerTx()));
        } else {
            cells.addAll(List.of("", "", ""));
        }
        return String.format(Locale.ROOT, ROW, cells.toArray());
    }

    private static List<String> cells(Row row, Target target, List<String> notes) {
        boolean pooler = target != Target.DIRECT;
        Outcome outcome = row.outcomes().get(target);
        String where = target.label() + " " + row.workload().label() + " " + row.protocol() + " c=" + row.clients();
        List<String> cells = new ArrayList<>();
        switch (outcome) {
            case null -> cells.addAll(List.of("-", "", ""));
            case Outcome.Measured m -> {
                String flag = "";
                if (m.failed() > 0) {
                    notes.add(where + ": " + m.failed() + " failed transactions of " + (m.transactions() + m.failed()));
                    flag = "!" + notes.size();
                }
                cells.add(flag + number(m.tps(), 0));
                cells.add(number(m.averageMs(), 3));
                cells.add(number(m.p99Ms(), 3));
            }
            // One footnote per distinct reason: a pooler that cannot run a mode would otherwise fill a page.
            case Outcome.Skipped s -> cells.addAll(List.of("n/a[" + note(notes, target.label() + ": " + s.reason())
                    + "]", "", ""));
            case Outcome.Failed f -> cells.addAll(List.of("ERR[" + note(notes, where + ": " + f.reason()) + "]",
                    "", ""));
        }
        if (pooler) {
            cells.add(outcome instanceof Outcome.Measured m ? number(m.cpuUsPerTx(), 1) : "");
        }
        return cells;
    }

    /** The 1-based number of {@code text} among the footnotes, adding it if new. */
    private static int note(List<String> notes, String text) {
        int index = notes.indexOf(text);
        if (index < 0) {
            notes.add(text);
            return notes.size();
        }
        return index + 1;
    }

    private static String ratio(double numerator, double denominator) {
        if (Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", numerator / denominator);
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
