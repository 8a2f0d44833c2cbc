package dev.realtimekit.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.realtimekit.testsupport.Processes;

/** Looks inside the JVM of the tests' Liberty server with {@code jcmd}: which application class loaders are alive. */
public final class LibertyJvm {

    private static final String APP_LOADER = "com.ibm.ws.classloading.internal.AppClassLoader";

    private LibertyJvm() {
    }

    /** @return the process id of the Liberty server {@code it.server.name} */
    public static long pid() {
        String server = System.getProperty("it.server.name");
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine()
                        .map(line -> line.contains("ws-server.jar") && line.endsWith(" " + server)).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no running Liberty server " + server)).pid();
    }

    /**
     * Runs a full GC in the server, then lists its applications' class loaders still alive.
     *
     * @return one line of {@code jcmd VM.classloader_stats} per loader (address, classes, bytes)
     */
    public static List<String> applicationClassLoadersAfterGc() throws Exception {
        String pid = String.valueOf(pid());
        jcmd(pid, "GC.run");
        return Arrays.stream(jcmd(pid, "VM.classloader_stats").split("\n")).filter(line -> line.contains(APP_LOADER))
                .map(String::strip).toList();
    }

    /** @return the lines of {@code jcmd GC.class_histogram} (live objects per class) that mention {@code text} */
    public static List<String> liveObjects(String text) throws Exception {
        return Arrays.stream(jcmd(String.valueOf(pid()), "GC.class_histogram").split("\n")).filter(line -> line.contains(text))
                .map(String::strip).toList();
    }

    /** @return the stacks of the server's threads whose dump mentions {@code text}, from {@code jcmd Thread.print} */
    public static List<String> threadsMentioning(String text) throws Exception {
        return Arrays.stream(jcmd(String.valueOf(pid()), "Thread.print").split("\n\n")).filter(stack -> stack.contains(text)).toList();
    }

    private static String jcmd(String pid, String command) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        return Processes.run(List.of(jcmd, pid, command), Map.of(), Duration.ofSeconds(60));
    }
}
