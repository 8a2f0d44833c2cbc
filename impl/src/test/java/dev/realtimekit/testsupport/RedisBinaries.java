package dev.realtimekit.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds the Redis programs the tests run: {@code redis-server} and {@code redis-cli} from the PATH;
 * where {@code redis-server} is absent, the Linux binary shipped in
 * {@code com.github.codemonstur:embedded-redis} (Redis 6.2: enough for plain pub/sub, not for
 * sharded pub/sub, which needs Redis 7).
 */
public final class RedisBinaries {

    private static final String EMBEDDED = "redis-server-6.2.6-v5-linux-amd64";
    private static Path server;

    private RedisBinaries() {
    }

    public static synchronized Path server() {
        if (server == null) {
            server = onPath("redis-server");
            if (server == null) {
                server = extractEmbedded();
            }
        }
        return server;
    }

    /** @return redis-cli from the PATH; fails with a clear message when there is none */
    public static Path cli() {
        Path cli = onPath("redis-cli");
        if (cli == null) {
            throw new IllegalStateException("redis-cli is not on the PATH: install Debian's redis-tools (.ci/run does)");
        }
        return cli;
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path extractEmbedded() {
        try (InputStream in = RedisBinaries.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("redis-server is not on the PATH and embedded-redis is not on the test classpath");
            }
            Path file = Files.createTempFile("redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (!file.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + file + " executable");
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the embedded redis-server", e);
        }
    }
}
