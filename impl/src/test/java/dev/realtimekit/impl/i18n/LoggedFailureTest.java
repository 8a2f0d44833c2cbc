package dev.realtimekit.impl.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

class LoggedFailureTest {

    @Test
    void credentialsAreMaskedUpToTheLastAtOfTheAddressAndNothingElseChanges() {
        assertEquals("to: redis://***@10.0.0.1:6379, then rediss://***@h:6380 and redis://h:1",
                LoggedFailure.mask("to: redis://user:p@ss@10.0.0.1:6379, then rediss://:x@h:6380 and redis://h:1"));
        assertEquals("RedisConnection@1a2b [redisClient=[addr=redis://127.0.0.1:6379,127.0.0.1/127.0.0.1:6379]]",
                LoggedFailure.mask("RedisConnection@1a2b [redisClient=[addr=redis://127.0.0.1:6379,127.0.0.1/127.0.0.1:6379]]"));
    }

    @Test
    void theTextNamesTheCausesAWrapperDoesNotAlreadyRepeat() {
        IOException root = new IOException("refused by redis://:pw@h:1");
        Throwable failure = new IOException("connection lost", new CompletionException(root));
        assertEquals("java.io.IOException: connection lost (cause: java.util.concurrent.CompletionException:"
                + " java.io.IOException: refused by redis://***@h:1)", LoggedFailure.text(failure));
    }

    @Test
    void aFailureWithNothingToMaskIsLoggedAsItIs() {
        Throwable failure = new IllegalStateException("boom", new IOException("redis://h:1 refused"));
        assertSame(failure, LoggedFailure.forLog(failure));
    }

    @Test
    void theMaskedCopyPrintsLikeTheOriginalWithoutTheCredentials() {
        IOException root = new IOException("refused by redis://:pw@h:1");
        Throwable failure = new CompletionException(root);
        Throwable copy = LoggedFailure.forLog(failure);
        StringWriter original = new StringWriter();
        failure.printStackTrace(new PrintWriter(original));
        StringWriter masked = new StringWriter();
        copy.printStackTrace(new PrintWriter(masked));
        assertEquals(original.toString().replace("redis://:pw@", "redis://***@"), masked.toString());
        assertTrue(masked.toString().contains("Caused by: java.io.IOException: refused by redis://***@h:1"), masked.toString());
    }
}
