package dev.realtimekit.it.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

/** What no answer a client gets (HTTP body, WebSocket frame, close reason) may contain: internals of the server. */
public final class ErrorBodies {

    /** Words and patterns that give away classes, exceptions, stack frames or server message ids. */
    private static final List<Pattern> INTERNALS = List.of(
            Pattern.compile("Exception"), Pattern.compile("java\\."), Pattern.compile("javax\\."),
            Pattern.compile("jakarta\\."), Pattern.compile("com\\.ibm"), Pattern.compile("dev\\.realtimekit"),
            Pattern.compile("org\\.(eclipse|redisson|glassfish|jboss)"), Pattern.compile("io\\.netty"),
            Pattern.compile("SRVE\\d"), Pattern.compile("CWW\\w\\w\\d"), Pattern.compile("RTK\\d"),
            Pattern.compile("\\bat [\\w$.]+\\([\\w$.]*(:\\d+)?\\)"), Pattern.compile("\\[internal classes\\]"),
            Pattern.compile("(?i)<html"), Pattern.compile("(?i)stack"));

    private ErrorBodies() {
    }

    /** Fails the test when {@code text} holds anything from {@link #INTERNALS}. */
    public static void assertNoInternals(String text, String what) {
        for (Pattern internal : INTERNALS) {
            assertFalse(internal.matcher(text).find(), what + " gives away internals (" + internal + "): " + text);
        }
    }

    /** Fails the test unless {@code body} is short, plain and free of internals. */
    public static void assertShortPlainBody(String body, String what) {
        assertNoInternals(body, what);
        assertTrue(body.length() <= 64, what + " has a long body: " + body);
        assertFalse(body.contains("<"), what + " has markup: " + body);
    }
}
