package dev.realtimekit.impl.runtime;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.bind.JsonbBuilder;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import dev.realtimekit.ErrorFrameMapper;
import dev.realtimekit.EventDelivered;
import dev.realtimekit.HistoryGap;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.TokenValidator;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.EventBuses;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.DispatchLimits;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.dispatch.Drain;
import dev.realtimekit.impl.dispatch.Stages;
import dev.realtimekit.impl.dispatch.TopicFrames;
import dev.realtimekit.impl.extension.HandlerModel;
import dev.realtimekit.impl.extension.RealtimeExtension;
import dev.realtimekit.impl.health.NodeHealth;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.MeteredEventBus;
import dev.realtimekit.impl.metrics.MetricsBackends;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.History;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * The kit's running parts for one web application, wired once: the application's beans, the codec,
 * the event bus, the topic registry and the dispatcher. Started on first use (by the servlet
 * initializer). It drains ({@link #drain}) when the application stops (called by the initializer's
 * context listener, before the container closes anything) or when an operator asks (JMX,
 * {@link DrainControl}); on shutdown it then closes whatever is left (1012), waits for their
 * onDisconnect up to {@code realtime.shutdown-timeout-ms}, and stops the bus.
 */
@ApplicationScoped
public class RealtimeRuntime {

    @Inject
    RealtimeExtension extension;

    @Inject
    BeanManager beanManager;

    @Inject
    @ConfigProperties
    RealtimeConfig config;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = "java:comp/DefaultContextService")
    ContextService contextService;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threadFactory;

    /** The application's work, on managed threads that already carry its context; see {@link #applicationExecutor}. */
    private ApplicationThreads applicationThreads;

    /** For the kit's last work when server stop has shut the managed executor down first. */
    private final StoppingThreads stoppingThreads = new StoppingThreads();

    private CreationalContext<?> references;
    private String handlerName;
    private TokenValidator<Object> tokenValidator;
    private TopicAuthorizer<Object> topicAuthorizer;
    private JsonCodec codec;
    private volatile EventBus bus;
    /** The bus under {@link #bus}'s metrics: Redis or in-JVM. */
    private volatile EventBus chosenBus;
    private RealtimeMetrics metrics = RealtimeMetrics.NONE;
    private TopicRegistry registry;
    private volatile Dispatcher<Object, Object, Object> dispatcher;
    private volatile boolean stopping;
    /** Set once the bus confirmed its first subscription (the node's channel for direct frames). */
    private volatile boolean started;
    private volatile BooleanSupplier heartbeatRunning = () -> true;
    private Drain<Connection<Object>> drain;
    private NodeHealth health;
    private volatile boolean directRetryLogged;
    private static final long DIRECT_RETRY_SECONDS = 2;

    @PostConstruct
    @SuppressWarnings("unchecked")
    void start() {
        JdkDelayScheduler.startWithoutApplicationLoader(); // before the bus or a handshake first needs it
        applicationThreads = new ApplicationThreads(threadFactory, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                managedExecutor());
        HandlerModel model = extension.model();
        references = beanManager.createCreationalContext(null);
        MessageHandler<Object, Object, Object> handler = (MessageHandler<Object, Object, Object>) beanManager
                .getReference(model.handler(), model.handlerType(), references);
        tokenValidator = (TokenValidator<Object>) beanManager.getReference(model.validator(), model.validatorType(), references);
        topicAuthorizer = model.authorizer() == null ? null
                : (TopicAuthorizer<Object>) beanManager.getReference(model.authorizer(), model.authorizerType(), references);
        handlerName = model.handler().getBeanClass().getName();
        codec = new JsonCodec(JsonbBuilder.create());
        boolean redis = config.redisEnabled();
        metrics = MetricsBackends.create(beanManager, config.path(),
                () -> dispatcher == null ? 0 : dispatcher.openConnections(),
                redis ? () -> bus == null ? 0 : bus.status().subscriptions() : null,
                redis ? () -> bus == null ? 0 : bus.status().deafSubscriptions() : null);
        chosenBus = EventBuses.create(config, metrics);
        bus = new MeteredEventBus(chosenBus, metrics);
        CdiLifecycleEvents lifecycleEvents = new CdiLifecycleEvents(beanManager.getEvent(), executor);
        registry = new TopicRegistry(bus, metrics, deliveryEvents(), new History(config.history(), bus::readHistory,
                applicationExecutor(), config.sendQueueCapacity(), gapEvents(lifecycleEvents)));
        bus.start(registry);
        dispatcher = new Dispatcher<>(handler, handlerName, model.messageType(), codec, registry, bus,
                applicationExecutor(), DispatchLimits.of(config), lifecycleEvents,
                TopicFrames.Options.of(config, topicAuthorizer), metrics,
                model.errorFrameMapper() == null ? null : (ErrorFrameMapper) beanManager.getReference(model.errorFrameMapper(),
                        ErrorFrameMapper.class, references));
        Executor closing = applicationExecutor();
        drain = new Drain<>(dispatcher::connections,
                connection -> dispatcher.close(connection, Drain.SERVICE_RESTART, Drain.REASON),
                Drain.Delays.on(closing), new Random());
        health = new NodeHealth(bus::status, () -> started, drain::isDraining, () -> stopping,
                () -> heartbeatRunning.getAsBoolean(), dispatcher::openConnections);
        startDirectDelivery();
    }

    /**
     * Subscribes this node to frames for users and connections; while the bus cannot (Redis down at
     * startup), tries again every few seconds, so that such frames reach this node once it can.
     */
    private void startDirectDelivery() {
        dispatcher.startDirectDelivery().whenComplete((ignored, failure) -> {
            if (failure == null) {
                started = true;
            } else if (!stopping) {
                if (!directRetryLogged) {
                    directRetryLogged = true; // once, not every few seconds while Redis stays away
                    Messages.directDeliveryRetry(DIRECT_RETRY_SECONDS, Stages.unwrap(failure));
                }
                scheduler.schedule(this::startDirectDelivery, DIRECT_RETRY_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    /**
     * The {@link HistoryGap} CDI event, for {@code @Observes} and {@code @ObservesAsync} as the lifecycle
     * events, fired on the executor with the application's context: a gap is found on the thread that
     * delivers the topic's events, under its lock.
     */
    private Consumer<History.Gap> gapEvents(CdiLifecycleEvents events) {
        Executor application = applicationExecutor();
        return gap -> {
            HistoryGap fired = new HistoryGap(gap.topic(), gap.position().epoch(), gap.position().seq(),
                    gap.resyncReason() == null, gap.resyncReason(), gap.filled());
            application.execute(() -> events.fire(fired));
        };
    }

    /**
     * Fires {@link EventDelivered} for each event delivered on this node, with the application's
     * context (the delivering thread may be Redisson's); null, costing nothing per event, when the
     * application observes no such event.
     */
    private BiConsumer<String, String> deliveryEvents() {
        if (beanManager.resolveObserverMethods(new EventDelivered("", "")).isEmpty()) {
            return null;
        }
        Event<EventDelivered> event = beanManager.getEvent().select(EventDelivered.class);
        AtomicBoolean failedBefore = new AtomicBoolean();
        BiConsumer<String, String> fire = (topic, json) -> {
            try {
                event.fire(new EventDelivered(topic, json));
            } catch (RuntimeException e) {
                Messages.deliveryObserverFailed(topic, e, !failedBefore.getAndSet(true));
            }
        };
        @SuppressWarnings("unchecked")
        BiConsumer<String, String> contextual = contextService.createContextualProxy(fire, BiConsumer.class);
        return contextual;
    }

    /**
     * Where the application's work runs: the kit's few managed threads ({@link ApplicationThreads}),
     * which carry the application's context from the start, whatever thread submits; the managed
     * executor ({@link #managedExecutor}) when they are all busy.
     */
    public Executor applicationExecutor() {
        return applicationThreads;
    }

    /**
     * The managed executor, entered with the application's context captured now (at startup). Work is
     * often scheduled from threads the container does not manage (Redisson's, or whichever thread
     * completed a handler's stage); submitted from there, the managed executor would capture their
     * empty context and handler code would run without java:comp.
     */
    private Executor managedExecutor() {
        Executor submit = command -> {
            try {
                executor.execute(command);
            } catch (RejectedExecutionException refused) {
                // Server stop shuts the managed executor down before the application stops: the drain
                // and onDisconnect still run, on the kit's own threads, in the application's context
                // (entered on this thread by the proxy below, and captured here).
                stoppingThreads.execute(contextService.createContextualProxy(command, Runnable.class));
            }
        };
        return contextService.createContextualProxy(submit, Executor.class);
    }

    /**
     * Starts draining (once; later calls return the same drain): readiness DOWN and handshakes refused
     * from now on, every connection closed with 1012 in randomly delayed batches over
     * {@code realtime.drain-window-ms}.
     *
     * @param trigger what asked for it, for the log
     * @return a stage that completes when the drained connections' onDisconnect calls have finished
     */
    public CompletableFuture<Void> drain(String trigger) {
        return drain.start(trigger, config.drainWindowMs());
    }

    /** @return whether the node drains or drained: new handshakes are refused */
    public boolean draining() {
        return drain.isDraining() || stopping;
    }

    /**
     * The application stops: drains (or finishes the drain under way) and waits for it, at most the
     * drain window plus {@code realtime.shutdown-timeout-ms}, so that stopping never hangs.
     */
    public void drainForStop() {
        stopping = true;
        try {
            drain("application stop").get(config.drainWindowMs() + config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Messages.shutdownIncomplete(dispatcher.openConnections(), config.drainWindowMs() + config.shutdownTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Messages.unexpected("draining at application stop", e.getCause());
        }
    }

    /** @param running whether the connection heartbeat's periodic task still runs (for liveness) */
    public void watchHeartbeat(BooleanSupplier running) {
        this.heartbeatRunning = running;
    }

    /** @return this node's health, which the MicroProfile Health checks report */
    public NodeHealth health() {
        return health;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        try {
            // Normally nothing is left: the drain at application stop closed everything already.
            dispatcher.closeAll(Drain.SERVICE_RESTART, Drain.REASON).get(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Messages.shutdownIncomplete(dispatcher.openConnections(), config.shutdownTimeoutMs());
        } catch (Exception e) {
            Messages.unexpected("closing connections at shutdown", e);
        } finally {
            applicationThreads.close();
            stoppingThreads.close();
            metrics.close();
            bus.close();
            try {
                codec.close();
            } catch (Exception e) {
                Messages.unexpected("closing JSON-B", e);
            }
            references.release();
        }
    }

    public RealtimeConfig config() {
        return config;
    }

    public String handlerName() {
        return handlerName;
    }

    public TokenValidator<Object> tokenValidator() {
        return tokenValidator;
    }

    /** @return the application's topic authorizer, or null when it has none */
    public TopicAuthorizer<Object> topicAuthorizer() {
        return topicAuthorizer;
    }

    /** @return the managed executor, for the kit's own work */
    public ManagedExecutorService executor() {
        return executor;
    }

    /** @return the managed scheduled executor, for the kit's periodic work */
    public ManagedScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** @return the kit's JSON-B codec, for the application's own publishes */
    public JsonCodec codec() {
        return codec;
    }

    public EventBus bus() {
        return bus;
    }

    /** @return the bus the configuration chose (Redis or in-JVM), without the metrics around {@link #bus()} */
    public EventBus chosenBus() {
        return chosenBus;
    }

    public TopicRegistry registry() {
        return registry;
    }

    /** @return where the kit's counters and timers go ({@link RealtimeMetrics#NONE} without a metrics feature) */
    public RealtimeMetrics metrics() {
        return metrics;
    }

    public Dispatcher<Object, Object, Object> dispatcher() {
        return dispatcher;
    }
}
