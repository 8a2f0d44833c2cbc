package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

/**
 * A {@link Session} (and its {@link RemoteEndpoint.Async} and {@link RemoteEndpoint.Basic}) built with
 * {@link Proxy}: it records every text passed to either {@code sendText}, in order, which of them were
 * blocking writes, every ping and every close. By default the test completes each asynchronous write
 * itself ({@link #completeWrite()}); {@link #completeWritesOn} makes the fake complete them on an
 * executor instead ({@code Runnable::run}: inline, inside {@code sendText}). Blocking writes return at
 * once; it fails when a blocking write starts while another write is in flight.
 */
final class FakeSession {

    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final List<String> blockingTexts = new CopyOnWriteArrayList<>();
    private final List<ByteBuffer> pings = new CopyOnWriteArrayList<>();
    private volatile IOException blockingFailure;
    private volatile Runnable onBlockingWrite = () -> {
    };
    private final Queue<SendHandler> pendingWrites = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Executor completer;
    private volatile boolean open = true;
    private volatile long sendTimeout = -1;
    final Session session;

    FakeSession() {
        RemoteEndpoint.Async remote = proxy(RemoteEndpoint.Async.class, (proxy, method, args) -> switch (method.getName()) {
            case "setSendTimeout" -> {
                sendTimeout = (Long) args[0];
                yield null;
            }
            case "sendText" -> {
                if (args.length != 2 || !(args[1] instanceof SendHandler handler)) {
                    throw new UnsupportedOperationException("only sendText(String, SendHandler) is expected");
                }
                sendText((String) args[0], handler);
                yield null;
            }
            case "sendPing" -> {
                assertEquals(0, inFlight.get(), "a ping while a write is in flight");
                ByteBuffer payload = (ByteBuffer) args[0];
                pings.add(payload.duplicate());
                yield null;
            }
            default -> objectMethod("Async", proxy, method.getName(), args);
        });
        RemoteEndpoint.Basic basic = proxy(RemoteEndpoint.Basic.class, (proxy, method, args) -> switch (method.getName()) {
            case "sendText" -> {
                if (args.length != 1) {
                    throw new UnsupportedOperationException("only sendText(String) is expected");
                }
                sendBlocking((String) args[0]);
                yield null;
            }
            case "sendPing" -> throw new UnsupportedOperationException(
                    "pings go through the asynchronous remote: Liberty's blocking sendPing can wait for ever on a closing link");
            default -> objectMethod("Basic", proxy, method.getName(), args);
        });
        session = proxy(Session.class, (proxy, method, args) -> switch (method.getName()) {
            case "getAsyncRemote" -> remote;
            case "getBasicRemote" -> basic;
            case "getId" -> "fake-session";
            case "isOpen" -> open;
            case "close" -> {
                onClose.run();
                closes.add(args == null ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "") : (CloseReason) args[0]);
                open = false;
                yield null;
            }
            case "setMaxTextMessageBufferSize", "setMaxIdleTimeout" -> null;
            case "addMessageHandler" -> {
                handlers.put((Class<?>) args[0], (jakarta.websocket.MessageHandler) args[1]);
                onHandlerAdded.accept((Class<?>) args[0]);
                yield null;
            }
            default -> objectMethod("Session", proxy, method.getName(), args);
        });
    }

    private final java.util.Map<Class<?>, jakarta.websocket.MessageHandler> handlers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Class<?>> onHandlerAdded = type -> {
    };

    /** Runs the action whenever a message handler is added (as a container that delivers at once would). */
    void onHandlerAdded(java.util.function.Consumer<Class<?>> action) {
        onHandlerAdded = action;
    }

    /** Delivers a text message to the session's text handler, as the container's read thread would. */
    @SuppressWarnings("unchecked")
    void receive(String text) {
        jakarta.websocket.MessageHandler handler = handlers.get(String.class);
        if (handler instanceof jakarta.websocket.MessageHandler.Partial<?> partial) {
            ((jakarta.websocket.MessageHandler.Partial<String>) partial).onMessage(text, true);
        } else {
            ((jakarta.websocket.MessageHandler.Whole<String>) handler).onMessage(text);
        }
    }

    private void sendText(String text, SendHandler handler) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        texts.add(text);
        Executor executor = completer;
        if (executor == null) {
            pendingWrites.add(handler);
        } else {
            executor.execute(() -> finish(handler, new SendResult()));
        }
    }

    private void sendBlocking(String text) throws IOException {
        assertEquals(0, inFlight.get(), "a blocking write while another write is in flight");
        IOException failure = blockingFailure;
        if (failure != null) {
            throw failure;
        }
        texts.add(text);
        blockingTexts.add(text);
        onBlockingWrite.run();
    }

    /** Runs this inside every later blocking write, on the writing thread. */
    void onBlockingWrite(Runnable action) {
        onBlockingWrite = action;
    }

    private volatile Runnable onClose = () -> {
    };

    /** Runs the action inside every close, before it is recorded (Liberty's close can take seconds). */
    void onClose(Runnable action) {
        onClose = action;
    }

    /** From now on blocking writes throw this (null: they succeed). */
    void failBlockingWritesWith(IOException failure) {
        blockingFailure = failure;
    }

    /** @return the texts written with blocking writes, in order */
    List<String> blockingTexts() {
        return List.copyOf(blockingTexts);
    }

    /** @return the payloads of the pings sent, in order */
    List<ByteBuffer> pings() {
        return List.copyOf(pings);
    }

    private void finish(SendHandler handler, SendResult result) {
        inFlight.decrementAndGet();
        handler.onResult(result);
    }

    /** From now on the fake completes every write on this executor; null: the test does. */
    void completeWritesOn(Executor executor) {
        completer = executor;
    }

    /** Completes the oldest write in flight successfully. */
    void completeWrite() {
        finish(nextPendingWrite(), new SendResult());
    }

    /** Completes the oldest write in flight successfully, and then reports that completion a second time. */
    void completeWriteTwice() {
        SendHandler handler = nextPendingWrite();
        finish(handler, new SendResult());
        handler.onResult(new SendResult());
    }

    /** Completes the oldest write in flight with a failure. */
    void failWrite(Throwable failure) {
        finish(nextPendingWrite(), new SendResult(failure));
    }

    private SendHandler nextPendingWrite() {
        SendHandler handler = pendingWrites.poll();
        assertNotNull(handler, "no write in flight");
        return handler;
    }

    int pendingWrites() {
        return pendingWrites.size();
    }

    /** @return the texts passed to sendText, in order */
    List<String> texts() {
        return List.copyOf(texts);
    }

    List<CloseReason> closes() {
        return List.copyOf(closes);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    long sendTimeout() {
        return sendTimeout;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(FakeSession.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object objectMethod(String name, Object proxy, String method, Object[] args) {
        return switch (method) {
            case "toString" -> "Fake" + name;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(name + "." + method + " is not expected");
        };
    }
}
