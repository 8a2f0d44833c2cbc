package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class ({@code jcmd <pid> GC.class_histogram}, which collects first), and the growth
 * between two of them: for W4, what one idle connection keeps on the server, class by class.
 */
final class ClassHistogram {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    /** Instances and bytes of one class. */
    record Count(long instances, long bytes) {
    }

    /** Growth of one class between two histograms. */
    record Growth(String className, long instances, long bytes) {
    }

    private final Map<String, Count> byClass;

    private ClassHistogram(Map<String, Count> byClass) {
        this.byClass = byClass;
    }

    static ClassHistogram parse(String jcmdOutput) {
        Map<String, Count> byClass = new HashMap<>();
        Matcher m = ROW.matcher(jcmdOutput);
        while (m.find()) {
            // A class loaded by several loaders appears once per loader: add them up.
            byClass.merge(m.group(3), new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                    (a, b) -> new Count(a.instances + b.instances, a.bytes + b.bytes));
        }
        return new ClassHistogram(byClass);
    }

    /** @return the classes that grew most from {@code before} to this one, by bytes, at most {@code limit} */
    List<Growth> grownSince(ClassHistogram before, int limit) {
        List<Growth> grown = new ArrayList<>();
        byClass.forEach((name, now) -> {
            Count then = before.byClass.getOrDefault(name, new Count(0, 0));
            if (now.bytes > then.bytes) {
                grown.add(new Growth(name, now.instances - then.instances, now.bytes - then.bytes));
            }
        });
        grown.sort((a, b) -> Long.compare(b.bytes, a.bytes));
        return grown.size() > limit ? grown.subList(0, limit) : grown;
    }

    /** A table of the growth per connection: bytes and instances per connection, by class. */
    static String describe(List<Growth> grown, int connections) {
        StringBuilder out = new StringBuilder(String.format("%10s %10s  %s%n", "B/conn", "inst/conn", "class"));
        for (Growth g : grown) {
            out.append(String.format("%10.1f %10.2f  %s%n", g.bytes / (double) connections, g.instances / (double) connections,
                    g.className));
        }
        return out.toString();
    }
}
