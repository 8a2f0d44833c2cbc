package dev.realtimekit.impl.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.redisson.client.RedisConnectionException;
import org.redisson.misc.RedisURI;

import dev.realtimekit.testsupport.CapturingHandler;

/**
 * Calls every method of {@link Messages} and checks what it logs or returns: each message at INFO or
 * above starts with its own stable id {@code RTKnnnnX:}, whose suffix matches the level (E for
 * SEVERE and for deployment problems, W for WARNING, I for INFO), and no two methods share an id.
 */
class MessagesTest {

    private static final Pattern ID = Pattern.compile("^(RTK\\d{4})([EWI]): ");
    /** Methods that only change what later messages do. */
    private static final java.util.Set<String> SILENT = java.util.Set.of("subscribeSucceeded");

    @Test
    void everyIdIsUniqueItsLetterMatchesItsLevelAndTheReadmeListsIt() throws Exception {
        Map<String, String> idsByMethod = new HashMap<>();
        java.util.Set<String> fullIds = new java.util.TreeSet<>();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (AllRecords capture = new AllRecords()) {
            List<LogRecord> records = capture.records;
            for (Method method : Messages.class.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers()) || !Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                records.clear();
                Messages.subscribeSucceeded(); // every episode-guarded message starts a new episode
                records.clear();
                if (method.getName().equals("deploymentProblem")) {
                    // Logs a deployment problem, which carries its own id (checked with its method), as it is.
                    Messages.deploymentProblem(Messages.noHandler());
                    assertEquals(1, records.size(), "deploymentProblem logs one record");
                    assertEquals(Level.SEVERE, records.get(0).getLevel());
                    assertEquals(Messages.noHandler(), records.get(0).getMessage());
                    assertNull(records.get(0).getThrown(), "no stack trace");
                    continue;
                }
                Object returned = method.invoke(null, arguments(method));
                if (SILENT.contains(method.getName())) {
                    assertTrue(records.isEmpty(), method.getName() + " logs nothing");
                    continue;
                }
                String text;
                String expectedSuffix;
                if (method.getReturnType() == String.class) {
                    text = (String) returned;
                    expectedSuffix = "E"; // a deployment problem
                    assertTrue(records.isEmpty(), method.getName() + " returns its text and logs nothing");
                } else {
                    assertEquals(1, records.size(), method.getName() + " logs exactly one record");
                    LogRecord record = records.get(0);
                    text = record.getMessage();
                    if (record.getLevel().intValue() < Level.INFO.intValue()) {
                        assertFalse(ID.matcher(text).find(), method.getName() + ": below INFO without id: " + text);
                        continue;
                    }
                    expectedSuffix = record.getLevel() == Level.SEVERE ? "E" : record.getLevel() == Level.WARNING ? "W" : "I";
                }
                Matcher id = ID.matcher(text);
                if (!id.find()) {
                    problems.add(method.getName() + " has no id: " + text);
                    continue;
                }
                if (!id.group(2).equals(expectedSuffix)) {
                    problems.add(method.getName() + ": " + id.group() + " should end in " + expectedSuffix);
                }
                fullIds.add(id.group(1) + id.group(2));
                String other = idsByMethod.put(id.group(1), method.getName());
                if (other != null && !other.equals(method.getName())) {
                    problems.add(id.group(1) + " is used by both " + other + " and " + method.getName());
                }
                checked++;
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 35, "checked only " + checked + " messages");
        assertNull(idsByMethod.get("RTK0000"), "RTK0000 is not an id");
        assertEquals(fullIds, readmeIds(), "the README's message-id table (section \"Message ids\") lists exactly the ids the kit uses");
    }

    /** @return the ids in the README's "Message ids" table */
    private static java.util.Set<String> readmeIds() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        int start = readme.indexOf("#### Message ids");
        assertTrue(start >= 0, "the README has a section \"Message ids\"");
        int end = readme.indexOf("\n#", start + 1);
        java.util.Set<String> ids = new java.util.TreeSet<>();
        Matcher id = Pattern.compile("`(RTK\\d{4}[EWI])`").matcher(readme.substring(start, end < 0 ? readme.length() : end));
        while (id.find()) {
            ids.add(id.group(1));
        }
        return ids;
    }

    @Test
    void subscriptionFailuresWarnOncePerEpisodeWithoutAStackTrace() {
        List<LogRecord> records;
        try (AllRecords capture = new AllRecords()) {
            records = capture.records;
            Messages.subscribeSucceeded();
            for (int i = 0; i < 5; i++) {
                Messages.subscribeFailed("room", "c-" + i, new IllegalStateException("redis down"));
            }
            Messages.subscribeSucceeded();
            Messages.subscribeFailed("room", "c-9", new IllegalStateException("redis down again"));
        }
        List<LogRecord> warnings = records.stream().filter(record -> record.getLevel() == Level.WARNING).toList();
        assertEquals(2, warnings.size(), "one warning per episode");
        assertTrue(warnings.get(0).getMessage().startsWith("RTK0109W: ") && warnings.get(0).getMessage().contains("redis down"));
        assertTrue(warnings.get(1).getMessage().contains("redis down again"));
        warnings.forEach(record -> assertNull(record.getThrown(), "no stack trace in the warning"));
        assertEquals(4, records.stream().filter(record -> record.getLevel() == Level.FINE).count(), "the rest at FINE");
    }

    /**
     * Redisson's failures name their connection with its full address, password included (its
     * RedisURI prints it): every message logging a failure, in its text or with its stack trace,
     * shows the address without the credentials.
     */
    @Test
    void noMessageLogsTheCredentialsInAFailuresAddress() throws Exception {
        RedisURI address = new RedisURI("redis://admin:s3cr%40t@127.0.0.1:6379"); // decoded: s3cr@t
        Throwable failure = new CompletionException(new RedisConnectionException("Unable to connect to: " + address,
                new java.net.ConnectException("Connection refused")));
        assertTrue(String.valueOf(failure.getCause()).contains("s3cr@t"), "the premise: Redisson prints the password");
        SimpleFormatter formatter = new SimpleFormatter();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (AllRecords capture = new AllRecords()) {
            List<LogRecord> records = capture.records;
            for (Method method : Messages.class.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers()) || !Modifier.isStatic(method.getModifiers())
                        || java.util.Arrays.stream(method.getParameterTypes()).noneMatch(Throwable.class::isAssignableFrom)) {
                    continue;
                }
                Object[] arguments = arguments(method);
                for (int i = 0; i < arguments.length; i++) {
                    if (arguments[i] instanceof Throwable) {
                        arguments[i] = failure;
                    }
                }
                records.clear();
                Messages.subscribeSucceeded();
                method.invoke(null, arguments);
                for (LogRecord record : records) {
                    String logged = formatter.format(record);
                    if (logged.contains("s3cr") || logged.contains("admin")) {
                        problems.add(method.getName() + " logs the credentials: " + logged);
                    } else if (!logged.contains("redis://***@127.0.0.1:6379") || !logged.contains("RedisConnectionException")) {
                        problems.add(method.getName() + " no longer says what failed: " + logged);
                    }
                    checked++;
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 15, "checked only " + checked + " records");
    }

    /** Captures every record of the kit's logger, at every level and only here, until closed. */
    private static final class AllRecords implements AutoCloseable {
        private final CapturingHandler handler = new CapturingHandler();
        final List<LogRecord> records = handler.records();
        private final Level level = Messages.LOG.getLevel();
        private final boolean parent = Messages.LOG.getUseParentHandlers();

        AllRecords() {
            Messages.LOG.setLevel(Level.ALL);
            Messages.LOG.setUseParentHandlers(false);
            Messages.LOG.addHandler(handler);
        }

        @Override
        public void close() {
            Messages.LOG.removeHandler(handler);
            Messages.LOG.setLevel(level);
            Messages.LOG.setUseParentHandlers(parent);
        }
    }

    private static Object[] arguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i];
            if (type == String.class) {
                arguments[i] = "x";
            } else if (type == int.class) {
                arguments[i] = 1;
            } else if (type == long.class) {
                arguments[i] = 1L;
            } else if (type == boolean.class) {
                arguments[i] = true; // e.g. "the first time", when a message logs its id
            } else if (Collection.class.isAssignableFrom(type)) {
                arguments[i] = List.of("a", "b");
            } else if (Throwable.class.isAssignableFrom(type)) {
                arguments[i] = new IllegalStateException("boom");
            } else {
                throw new AssertionError("no test argument for " + type + " of " + method);
            }
        }
        return arguments;
    }
}
