package dev.realtimekit.impl.websocket;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * How far one client may be behind before its frames must be written asynchronously: the bytes
 * written to it that it has not yet proven to have read.
 *
 * <p>A blocking write is much cheaper than an asynchronous one on Liberty, but it blocks for as long
 * as the socket's send buffer is full, without any timeout; a client that stops reading would hold
 * the writing thread forever. A blocking write is therefore only allowed while everything the client
 * has not proven to have read fits in the send buffer, i.e. stays within the window. The proof is a
 * WebSocket ping: its pong can only come back after the client has read everything written before
 * it, so when the pong arrives the bytes written up to the ping are confirmed. Each ping carries a
 * fresh random payload, so a client cannot confirm bytes it has not read by sending pongs of its own.
 *
 * <p>Thread-safe: the connection's single writer writes and pings, the container's read thread
 * reports pongs.
 */
final class SendWindow {

    private static final SecureRandom NONCES = new SecureRandom();
    /** Payload length of our pings: a random nonce only. */
    static final int PING_PAYLOAD = 8;
    /** A ping that is this old without its pong may be replaced (the client may not answer pings at all). */
    private static final long PING_RETRY_NANOS = 1_000_000_000L;

    /** {@link #reserve}: the frame does not fit; it must be written asynchronously. */
    static final int REFUSED = 0;
    /** {@link #reserve}: the frame fits; its bytes now count as written. */
    static final int RESERVED = 1;
    /** {@link #reserve}: the frame fits, and a ping is due after it (see {@link #pingIfDue}). */
    static final int RESERVED_PING_DUE = 2;

    private final long window;
    /** Bytes written to the client so far (frames and pings, estimated with the WebSocket header). */
    private long written;
    /** Bytes the client has proven to have read. */
    private long confirmed;
    /** The outstanding ping's nonce, or 0 when none is outstanding. */
    private long pingNonce;
    /** What the outstanding ping confirms once answered. */
    private long pingCovers;
    private long pingSentAt;

    /** @param window bytes a client may be behind; 0 never allows blocking writes */
    SendWindow(long window) {
        this.window = window;
    }

    /**
     * Reserves room for a blocking write of this many bytes, and tells in the same step whether a
     * ping will be due after it, so that the common write takes this lock once and reads no clock.
     *
     * @return {@link #REFUSED}, {@link #RESERVED} or {@link #RESERVED_PING_DUE}
     */
    synchronized int reserve(long bytes) {
        if (written + bytes - confirmed > window) {
            return REFUSED;
        }
        written += bytes;
        // The clock is read only when a ping is outstanding, to tell whether it is stale.
        return halfUsedAndPingFits() && (pingNonce == 0 || !pingFresh(System.nanoTime())) ? RESERVED_PING_DUE : RESERVED;
    }

    /** Counts bytes written to the client asynchronously. */
    synchronized void wrote(long bytes) {
        written += bytes;
    }

    /**
     * Decides whether the writer should ping now: when half the window is used, no ping is
     * outstanding (or the outstanding one is stale), and the ping itself fits in the window.
     *
     * @return the ping's payload, or null when no ping is due
     */
    synchronized ByteBuffer pingIfDue(long nowNanos) {
        if (!halfUsedAndPingFits() || pingFresh(nowNanos)) {
            return null;
        }
        return newPing(nowNanos);
    }

    /** Caller holds the lock. @return whether half the window is used and a ping still fits in it */
    private boolean halfUsedAndPingFits() {
        long behind = written - confirmed;
        return window > 0 && behind >= window / 2 && behind + frameBytes(PING_PAYLOAD) <= window;
    }

    /** Caller holds the lock. @return whether a ping is outstanding and too young to be replaced */
    private boolean pingFresh(long nowNanos) {
        return pingNonce != 0 && nowNanos - pingSentAt < PING_RETRY_NANOS;
    }

    /**
     * The writer is about to write a frame asynchronously because it does not fit in the window: when
     * no ping is outstanding (or the outstanding one is stale), a ping now lets its pong reopen the
     * window. Without it a client pushed past the window (a burst, e.g. join notices) would stay on
     * asynchronous writes until the next keep-alive ping. The ping is a blocking write too: it is only
     * allowed while everything unconfirmed plus the ping fits in twice the window, which the socket
     * takes without blocking: Liberty leaves the send buffer to the kernel, and Linux took at least
     * 42 KB before a write blocked even with a 1,500-byte MTU and a client that shrank its receive
     * buffer to 2 KiB (docs/benchmarks.md, run 24), against 16 KiB for the default window.
     *
     * @return the ping's payload, or null when none should be sent
     */
    synchronized ByteBuffer pingWhenFull(long nowNanos) {
        long behind = written - confirmed;
        if (window == 0 || behind + frameBytes(PING_PAYLOAD) > 2 * window) {
            return null;
        }
        if (pingFresh(nowNanos)) {
            return null;
        }
        return newPing(nowNanos);
    }

    /**
     * A keep-alive ping (see {@code realtime.ping-interval-ms}): it carries a nonce like the window's
     * pings and replaces an outstanding one, so its pong confirms everything written before it and
     * reopens the window of a client that caught up, however far behind it once was.
     *
     * @return the ping's payload
     */
    synchronized ByteBuffer keepAlivePing(long nowNanos) {
        return newPing(nowNanos);
    }

    private ByteBuffer newPing(long nowNanos) {
        long nonce;
        do {
            nonce = NONCES.nextLong();
        } while (nonce == 0);
        pingNonce = nonce;
        pingCovers = written;
        pingSentAt = nowNanos;
        written += frameBytes(PING_PAYLOAD);
        return ByteBuffer.allocate(PING_PAYLOAD).putLong(0, nonce);
    }

    /** A pong arrived; it confirms the bytes written before our ping only if it echoes that ping. */
    synchronized void pong(ByteBuffer payload) {
        if (pingNonce == 0 || payload == null || payload.remaining() != PING_PAYLOAD
                || payload.getLong(payload.position()) != pingNonce) {
            return;
        }
        confirmed = Math.max(confirmed, pingCovers);
        pingNonce = 0;
    }

    /**
     * @return whether a frame of this many bytes does not fit in the window now but will once the
     *     outstanding ping, sent less than {@code maxWaitNanos} ago, is answered: worth waiting for
     *     that pong (a frame larger than the window, or one the pong would not make room for, is not)
     */
    synchronized boolean awaitingPong(long bytes, long nowNanos, long maxWaitNanos) {
        return window > 0 && pingNonce != 0 && nowNanos - pingSentAt < maxWaitNanos
                && written + bytes - confirmed > window && written + bytes - pingCovers <= window;
    }

    /** @return whether a frame of this many bytes fits in the window now */
    synchronized boolean fits(long bytes) {
        return written + bytes - confirmed <= window;
    }

    /** @return the bytes written and not yet confirmed */
    synchronized long behind() {
        return written - confirmed;
    }

    /** @return the size on the wire of a server frame with this payload length (no mask) */
    static long frameBytes(long payloadBytes) {
        return payloadBytes + (payloadBytes < 126 ? 2 : payloadBytes < 65_536 ? 4 : 10);
    }

    /**
     * The last text each thread measured, in a slot chosen by the thread's id: a fan-out hands the
     * same text to every subscriber of a topic in a row. One slot for all threads was evicted by every
     * other fan-out running at the same time, and each subscriber's text was then measured again
     * (10% of a node's samples under W3 once fan-outs overlapped on both cores). Each slot holds
     * one text, so this keeps at most {@value #MEASURED_SLOTS} recent texts reachable.
     */
    private static final int MEASURED_SLOTS = 64;
    private static final AtomicReferenceArray<Measured> LAST_MEASURED = new AtomicReferenceArray<>(MEASURED_SLOTS);

    private record Measured(String text, long bytes) {
    }

    /** @return the size on the wire of a text frame, measured once for a text written to many clients in a row */
    static long textFrameBytes(String text) {
        int slot = (int) Thread.currentThread().getId() & (MEASURED_SLOTS - 1);
        Measured last = LAST_MEASURED.getAcquire(slot);
        if (last != null && last.text() == text) {
            return last.bytes();
        }
        long bytes = frameBytes(utf8Length(text));
        LAST_MEASURED.setRelease(slot, new Measured(text, bytes));
        return bytes;
    }

    /** @return the UTF-8 length of a text, without encoding it */
    static long utf8Length(String text) {
        int length = text.length();
        long bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 2; // 4 bytes for the pair, counted over its two chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    @Override
    public synchronized String toString() {
        return (written - confirmed) + "/" + window + " bytes behind" + (pingNonce != 0 ? ", ping outstanding" : "");
    }
}
