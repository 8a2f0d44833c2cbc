package dev.realtimekit.impl.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.impl.dispatch.TestMessages.Msg;
import dev.realtimekit.impl.dispatch.TestMessages.Pong;
import dev.realtimekit.impl.dispatch.TestMessages.Said;
import dev.realtimekit.testsupport.Await;

/**
 * A handler whose behaviour per message kind is set by the test, and which records every call (with
 * its thread). Defaults: "ping" gets a direct {@link Pong}; everything else falls through to the
 * broadcast of a {@link Said} with the message's text.
 */
final class ScriptedHandler implements MessageHandler<Msg, Object, String> {

    /** One call into the handler: {@code "connect alice"}, {@code "direct hi"}, {@code "broadcast hi"}, {@code "disconnect alice"}. */
    record Call(String label, Thread thread, Object argument) {
    }

    private final Map<String, Function<Msg, CompletionStage<Optional<Object>>>> direct = new ConcurrentHashMap<>();
    private final Map<String, Function<Msg, CompletionStage<Optional<Object>>>> broadcast = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile Function<ConnectionContext<String>, CompletionStage<Void>> onConnect = ctx -> done(null);
    volatile Function<ConnectionContext<String>, CompletionStage<Void>> onDisconnect = ctx -> done(null);

    ScriptedHandler() {
        direct.put("ping", m -> done(Optional.of(new Pong(m.text()))));
    }

    static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    ScriptedHandler direct(String kind, Function<Msg, CompletionStage<Optional<Object>>> behaviour) {
        direct.put(kind, behaviour);
        return this;
    }

    ScriptedHandler broadcast(String kind, Function<Msg, CompletionStage<Optional<Object>>> behaviour) {
        broadcast.put(kind, behaviour);
        return this;
    }

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<String> ctx) {
        record("connect " + ctx.userId(), ctx);
        return onConnect.apply(ctx);
    }

    @Override
    public CompletionStage<Optional<Object>> handleDirectMessage(Msg message, ConnectionContext<String> ctx) {
        record("direct " + message.text(), message);
        return direct.getOrDefault(message.kind(), m -> done(Optional.empty())).apply(message);
    }

    @Override
    public CompletionStage<Optional<Object>> handleBroadcastMessage(Msg message, ConnectionContext<String> ctx) {
        record("broadcast " + message.text(), message);
        return broadcast.getOrDefault(message.kind(), m -> done(Optional.of(new Said(m.text())))).apply(message);
    }

    @Override
    public CompletionStage<Void> onDisconnect(ConnectionContext<String> ctx) {
        record("disconnect " + ctx.userId(), ctx);
        return onDisconnect.apply(ctx);
    }

    private void record(String label, Object argument) {
        calls.add(new Call(label, Thread.currentThread(), argument));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<String> labels() {
        return calls.stream().map(Call::label).toList();
    }

    /** @return the calls whose label starts with the prefix, e.g. {@code "broadcast "} */
    List<String> labels(String prefix) {
        return labels().stream().filter(label -> label.startsWith(prefix)).toList();
    }

    Call call(String label) {
        return calls.stream().filter(c -> c.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("No call " + label + " in " + labels()));
    }

    long count(String label) {
        return labels().stream().filter(label::equals).count();
    }

    void awaitCall(String label) {
        Await.until("handler call '" + label + "' (have " + labels() + ")", () -> labels().contains(label));
    }
}
