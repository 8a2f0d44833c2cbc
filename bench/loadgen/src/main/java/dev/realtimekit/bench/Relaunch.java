package dev.realtimekit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Restarts the generator in a child JVM with the Parallel GC, unless a collector was chosen explicitly.
 * Why: with G1 the JDK WebSocket client's receive path costs far more CPU (its card-marking barriers and
 * refinement threads): W2 on 2 cores took 122-136% of a core with G1 and 84-90% with Parallel, and p50
 * fell from 44-1,162 ms to 21-28 ms. Parallel's pauses are short here: the live set is small. (Measured with the
 * JDK client; the Netty client, now the default, runs in the same child JVM, its classes shaded into the jar.)
 */
final class Relaunch {

    /** Set in the child, so that it never relaunches again. */
    private static final String MARK = "loadgen.relaunched";

    private Relaunch() {
    }

    static boolean needed() {
        if (Boolean.getBoolean(MARK) || jar() == null) {
            return false;
        }
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (jvmArgs.stream().anyMatch(a -> a.matches("-XX:[+-]Use\\w*GC"))) {
            return false; // the caller chose a collector: respect it
        }
        return ManagementFactory.getGarbageCollectorMXBeans().stream().noneMatch(b -> b.getName().equals("PS Scavenge"));
    }

    /** Runs the child with the same arguments and returns its exit code. */
    static int run(String[] args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+UseParallelGC");
        command.add("-D" + MARK + "=true");
        // JDK_JAVA_OPTIONS and JAVA_TOOL_OPTIONS reach the child by themselves: copy only the command line's options.
        Set<String> fromEnv = new HashSet<>();
        for (String name : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            String env = System.getenv(name);
            if (env != null && !env.isBlank()) {
                fromEnv.addAll(Arrays.asList(env.trim().split("\\s+")));
            }
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!fromEnv.contains(arg)) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(jar().toString());
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        // A TERM or Ctrl-C to this process ends the child too; it would otherwise keep its sockets open.
        Thread stopChild = new Thread(child::destroy);
        Runtime.getRuntime().addShutdownHook(stopChild);
        int code = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        return code;
    }

    /** The jar this class was loaded from, or null when it runs from classes (tests, an IDE). */
    private static Path jar() {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
