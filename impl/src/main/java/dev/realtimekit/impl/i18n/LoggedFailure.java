package dev.realtimekit.impl.i18n;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a failure looks like in the kit's log: its text with the credentials of every URI in it
 * masked. Failures from libraries may name their connection in full: Redisson's do, with the
 * password of a {@code redis://user:password@host} address.
 *
 * <p>Threads: stateless, any thread.
 */
final class LoggedFailure {

    /** A URI's user information, up to its last {@code @} in the same word (a password may contain one). */
    private static final Pattern URI_CREDENTIALS = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)\\S*@");
    private static final int MAX_CAUSES = 4;

    private LoggedFailure() {
    }

    /** @return {@code text} with every URI's user information replaced by {@code ***} */
    static String mask(String text) {
        return text == null ? null : URI_CREDENTIALS.matcher(text).replaceAll("$1***@");
    }

    /**
     * @return the failure and its first causes in one line, masked: "{@code A: message (cause: B:
     *     message)}", a cause left out when its text is already there (a wrapper repeating it)
     */
    static String text(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        int closing = 0;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable cause = failure;
        for (int i = 0; i < MAX_CAUSES && cause != null && seen.add(cause); i++) {
            cause = cause.getCause();
            if (cause != null && text.indexOf(String.valueOf(cause)) < 0) {
                text.append(" (cause: ").append(cause);
                closing++;
            }
        }
        text.append(")".repeat(closing));
        return mask(text.toString());
    }

    /**
     * @return the failure to log with its stack trace: itself when no text in its chain needs masking,
     *     otherwise a copy that prints as the original (class name, masked message, the same stack
     *     traces, the causes copied alike)
     */
    static Throwable forLog(Throwable failure) {
        return needsMasking(failure, Collections.newSetFromMap(new IdentityHashMap<>()))
                ? copy(failure, Collections.newSetFromMap(new IdentityHashMap<>()))
                : failure;
    }

    private static boolean needsMasking(Throwable failure, Set<Throwable> seen) {
        if (failure == null || !seen.add(failure)) {
            return false;
        }
        String text = failure.toString();
        return !text.equals(mask(text)) || needsMasking(failure.getCause(), seen);
    }

    private static Throwable copy(Throwable failure, Set<Throwable> seen) {
        if (failure == null || !seen.add(failure)) {
            return null;
        }
        Masked copy = new Masked(mask(failure.toString()), copy(failure.getCause(), seen));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** A failure's masked stand-in: prints exactly the masked text of the original. */
    private static final class Masked extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String text;

        Masked(String text, Throwable cause) {
            super(text, cause);
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
