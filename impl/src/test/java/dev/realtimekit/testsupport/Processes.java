package dev.realtimekit.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion within a time limit; fails with its output when it does not succeed. */
public final class Processes {

    private Processes() {
    }

    /**
     * @param env variables added to the inherited environment
     * @return the command's output (stdout and stderr), trimmed
     * @throws IllegalStateException when it times out or exits with a non-zero status
     */
    public static String run(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
        Path output = Files.createTempFile("process-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String text = Files.readString(output, StandardCharsets.UTF_8).trim();
            if (!finished) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeout + ":\n" + text);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with status " + process.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
