package dev.realtimekit.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.json.bind.JsonbBuilder;

import dev.realtimekit.ErrorFrameMapper;
import dev.realtimekit.EventDelivered;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.TokenValidator;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.DispatchLimits;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.dispatch.LifecycleListener;
import dev.realtimekit.impl.dispatch.TopicFrames;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.History;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.impl.websocket.HandshakeAuthenticator;

/**
 * Runs an application's {@link MessageHandler}, {@link TokenValidator} and optional
 * {@link TopicAuthorizer} and {@link ErrorFrameMapper} on simulated nodes, without an app server, for
 * the application's own unit tests. The nodes share an in-memory bus, as real nodes share Redis, and
 * drive the handler with the kit's own dispatcher: the same ordering (a connection's messages one at a
 * time, after {@code onConnect}; one order per topic on every node), the same direct-then-broadcast
 * dispatch, the same error frames, limits and handshake statuses as on Open Liberty.
 *
 * <pre>{@code
 * try (RealtimeTestKit kit = RealtimeTestKit.builder(ChatHandler::new, ChatTokenValidator::new)
 *         .topicAuthorizer(ChatTopicAuthorizer::new)
 *         .nodes(2)
 *         .start()) {
 *     SimulatedClient alice = kit.node(0).connect("general", aliceToken);
 *     SimulatedClient bob = kit.node(1).connect("general", bobToken);
 *     alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"hi\"}");
 *     bob.expectFrame("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hi\"}");
 * }
 * }</pre>
 *
 * <p>Each node gets its own instances from the suppliers, as each server has its own beans: state a
 * handler keeps in a field is per node, here as in production. Pass {@code () -> shared} to give all
 * nodes one instance.
 *
 * <p>Not simulated: CDI (build the instances yourself, with test doubles for what they inject), the
 * HTTP side of the handshake (origins, headers), heartbeats and idle timeouts, slow clients (simulated
 * clients read at once), Redis itself (see {@link #busAvailable(boolean)} for an outage), and the
 * kit's CDI lifecycle events. Thread-safe.
 */
public final class RealtimeTestKit implements AutoCloseable {

    private final List<SimulatedNode> nodes;
    private final SharedBus bus;
    private final ExecutorService threads;
    private final JsonCodec codec;

    private RealtimeTestKit(List<SimulatedNode> nodes, SharedBus bus, ExecutorService threads, JsonCodec codec) {
        this.nodes = List.copyOf(nodes);
        this.bus = bus;
        this.threads = threads;
        this.codec = codec;
    }

    /**
     * @param handler makes the handler of each node
     * @param tokenValidator makes the token validator of each node
     * @param <U> the user id type, the same for the handler and the validator (checked by the compiler)
     * @return a builder for one node with the kit's default configuration
     */
    public static <U> Builder<U> builder(Supplier<? extends MessageHandler<?, ?, U>> handler,
            Supplier<? extends TokenValidator<U>> tokenValidator) {
        return new Builder<>(handler, tokenValidator);
    }

    /** @return the nodes, in the order of their {@link SimulatedNode#index()} */
    public List<SimulatedNode> nodes() {
        return nodes;
    }

    /** @return node {@code index} (from 0) */
    public SimulatedNode node(int index) {
        return nodes.get(index);
    }

    /** Connects to node 0: see {@link SimulatedNode#connect}. */
    public SimulatedClient connect(String topic, String token) {
        return nodes.get(0).connect(topic, token);
    }

    /**
     * Makes the shared bus unavailable or available again, as when Redis goes away and comes back:
     * while unavailable, broadcasts fail (the sender gets {@code "Failed to broadcast event"}) and
     * handshakes for topics no client of the node follows yet get 503.
     */
    public void busAvailable(boolean available) {
        bus.available(available);
    }

    /** Stops every node (see {@link SimulatedNode#stop()}, onDisconnect included) and releases the kit's threads. */
    @Override
    public void close() {
        try {
            for (SimulatedNode node : nodes) {
                if (!node.isStopped()) {
                    node.stop();
                }
            }
        } finally {
            threads.shutdownNow();
            try {
                codec.close();
            } catch (Exception e) {
                // JSON-B has nothing left to release that matters to a test
            }
        }
    }

    /**
     * Configures a {@link RealtimeTestKit}. Not thread-safe; {@link #start()} may be called once.
     *
     * @param <U> the user id type
     */
    public static final class Builder<U> {

        private final Supplier<? extends MessageHandler<?, ?, U>> handler;
        private final Supplier<? extends TokenValidator<U>> tokenValidator;
        private Supplier<? extends TopicAuthorizer<U>> topicAuthorizer;
        private Supplier<? extends ErrorFrameMapper> errorFrameMapper;
        private final Map<String, String> config = new LinkedHashMap<>();
        private int nodeCount = 1;
        private Duration timeout = Duration.ofSeconds(5);
        private Type messageType;
        private BiConsumer<SimulatedNode, EventDelivered> eventDelivered;

        private Builder(Supplier<? extends MessageHandler<?, ?, U>> handler, Supplier<? extends TokenValidator<U>> tokenValidator) {
            this.handler = Objects.requireNonNull(handler, "handler");
            this.tokenValidator = Objects.requireNonNull(tokenValidator, "tokenValidator");
        }

        /** The application's topic authorizer, one per node; without one, every valid topic is allowed. */
        public Builder<U> topicAuthorizer(Supplier<? extends TopicAuthorizer<U>> topicAuthorizer) {
            this.topicAuthorizer = topicAuthorizer;
            return this;
        }

        /** The application's error frame mapper, one per node; without one, the kit's default frames. */
        public Builder<U> errorFrameMapper(Supplier<? extends ErrorFrameMapper> errorFrameMapper) {
            this.errorFrameMapper = errorFrameMapper;
            return this;
        }

        /**
         * Sets a configuration key as MicroProfile Config would, e.g.
         * {@code config("realtime.rate-limit-per-second", "0")}; every node gets the same configuration.
         * The {@code realtime.redis.*} keys do not apply: the nodes share an in-memory bus.
         */
        public Builder<U> config(String key, String value) {
            config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How many nodes share the bus (default 1). */
        public Builder<U> nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one node, not " + count);
            }
            this.nodeCount = count;
            return this;
        }

        /** How long the simulated clients' expectations wait (default 5 s). */
        public Builder<U> timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The type client frames are decoded to ({@code C}), for a handler whose class does not give it
         * (a lambda, a generic class); otherwise it is read from the handler's class, as the kit does.
         */
        public Builder<U> messageType(Type messageType) {
            this.messageType = messageType;
            return this;
        }

        /**
         * Observes every event delivered on each node's topics, as an application's observer of
         * {@link EventDelivered} does on each server: called on the delivering thread, in the topic's
         * order, right after the event's frames were queued to the node's connections (so a client may
         * see the frame before the observer has run).
         */
        public Builder<U> onEventDelivered(BiConsumer<SimulatedNode, EventDelivered> observer) {
            this.eventDelivered = observer;
            return this;
        }

        /**
         * Starts the nodes, each subscribed to its frames for users and connections.
         *
         * @throws IllegalArgumentException for an unknown key, a value the kit refuses (every problem
         *     named), a Redis key, or a handler whose client message type cannot be read from its class
         */
        public RealtimeTestKit start() {
            RealtimeConfig settings = RealtimeConfig.of(config);
            List<String> problems = new ArrayList<>(settings.problems());
            config.keySet().stream().filter(key -> key.startsWith("realtime.redis."))
                    .forEach(key -> problems.add(key + " does not apply: the simulated nodes share an in-memory bus"));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid configuration: " + String.join("; ", problems));
            }
            AtomicInteger threadCount = new AtomicInteger();
            ExecutorService threads = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "realtime-test-" + threadCount.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            JsonCodec codec = new JsonCodec(JsonbBuilder.create());
            SharedBus bus = new SharedBus(settings.history());
            List<SimulatedNode> nodes = new ArrayList<>();
            try {
                for (int index = 0; index < nodeCount; index++) {
                    nodes.add(startNode(index, settings, bus, codec, threads));
                }
            } catch (RuntimeException | Error e) {
                // A supplier or the configuration failed: nothing may be left running.
                threads.shutdownNow();
                throw e;
            }
            return new RealtimeTestKit(nodes, bus, threads, codec);
        }

        /** One node: its own instances from the suppliers, its registry and dispatcher on its view of the bus. */
        @SuppressWarnings("unchecked")
        private SimulatedNode startNode(int index, RealtimeConfig settings, SharedBus bus, JsonCodec codec,
                ExecutorService threads) {
            MessageHandler<Object, Object, Object> nodeHandler =
                    (MessageHandler<Object, Object, Object>) Objects.requireNonNull(handler.get(), "the handler supplier gave null");
            Type clientMessages = messageType != null ? messageType : clientMessageType(nodeHandler);
            TopicAuthorizer<Object> authorizer = topicAuthorizer == null ? null : (TopicAuthorizer<Object>) topicAuthorizer.get();
            EventBus nodeBus = bus.join();
            SimulatedNode[] self = new SimulatedNode[1];
            BiConsumer<String, String> delivered = eventDelivered == null ? null
                    : (topic, json) -> eventDelivered.accept(self[0], new EventDelivered(topic, json));
            TopicRegistry registry = new TopicRegistry(nodeBus, RealtimeMetrics.NONE, delivered, new History(settings.history(),
                    nodeBus::readHistory, threads, settings.sendQueueCapacity(), gap -> {
                    }));
            nodeBus.start(registry);
            Dispatcher<Object, Object, Object> dispatcher = new Dispatcher<>(nodeHandler, nodeHandler.getClass().getName(),
                    clientMessages, codec, registry, nodeBus, threads, DispatchLimits.of(settings), LifecycleListener.NONE,
                    TopicFrames.Options.of(settings, authorizer),
                    RealtimeMetrics.NONE, errorFrameMapper == null ? null : errorFrameMapper.get());
            HandshakeAuthenticator authenticator = new HandshakeAuthenticator(
                    (TokenValidator<Object>) tokenValidator.get(), authorizer, settings.authTimeoutMs());
            self[0] = new SimulatedNode(index, settings, nodeBus, dispatcher, authenticator, codec, threads, timeout);
            dispatcher.startDirectDelivery(); // completes at once on the in-memory bus
            return self[0];
        }

        private static Type clientMessageType(MessageHandler<?, ?, ?> handler) {
            Type[] arguments = HandlerTypes.arguments(handler.getClass(), MessageHandler.class);
            if (arguments == null) {
                throw new IllegalArgumentException(handler.getClass().getName() + " does not give MessageHandler concrete type "
                        + "arguments (a lambda or a generic class): name the client message type with messageType(...)");
            }
            return arguments[0];
        }
    }
}
