package dev.realtimekit.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** A java.util.logging handler that keeps every record it gets, from any thread. */
public final class CapturingHandler extends Handler {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** @return the records so far, oldest first (a live view) */
    public List<LogRecord> records() {
        return records;
    }

    /** Forgets the records so far. */
    public void clear() {
        records.clear();
    }
}
