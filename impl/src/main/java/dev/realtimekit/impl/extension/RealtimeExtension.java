package dev.realtimekit.impl.extension;

import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperties;

import dev.realtimekit.ErrorFrameMapper;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.TokenValidator;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.bus.EventBuses;
import dev.realtimekit.impl.bus.redis.ApplicationRedisClient;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.health.HealthChecks;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.MetricsBackends;

/**
 * Finds the application's {@link MessageHandler}, {@link TokenValidator} and optional
 * {@link TopicAuthorizer} beans and validates them together with the configuration, reporting every
 * problem at once so that one failed deployment shows everything to fix.
 */
public class RealtimeExtension implements Extension {

    private static final Set<Class<? extends Annotation>> UNSUPPORTED_SCOPES =
            Set.of(RequestScoped.class, SessionScoped.class, ConversationScoped.class);

    private final List<Bean<?>> handlers = new ArrayList<>();
    private final List<Bean<?>> validators = new ArrayList<>();
    private final List<Bean<?>> authorizers = new ArrayList<>();
    private final List<Bean<?>> errorFrameMappers = new ArrayList<>();
    private volatile HandlerModel model;

    /**
     * Adds the kit's beans for optional features the application sees: the health checks with
     * MicroProfile Health ({@link HealthChecks}), the registry holder with MicroProfile Metrics
     * ({@link MetricsBackends}), the application's view of the kit's Redisson client when the kit
     * uses Redis ({@link ApplicationRedisClient}).
     */
    void addOptionalBeans(@Observes BeforeBeanDiscovery event) {
        if (HealthChecks.available()) {
            HealthChecks.register(event);
        }
        if (MetricsBackends.microProfileMetricsVisible()) {
            MetricsBackends.register(event);
        }
        if (EventBuses.redissonAvailable() && redisConfigured()) {
            ApplicationRedisClient.register(event);
        }
    }

    /** @return whether the configuration names a Redis (read directly: the config bean does not exist yet) */
    private static boolean redisConfigured() {
        Config config = ConfigProvider.getConfig();
        return config.getOptionalValue("realtime.redis.address", String.class).isPresent()
                || config.getOptionalValue("realtime.redis.config", String.class).isPresent();
    }

    /** Collects the beans that implement one of the kit's application-side interfaces. */
    void collect(@Observes ProcessBean<?> event) {
        Bean<?> bean = event.getBean();
        if (typeOf(bean, MessageHandler.class) != null) {
            handlers.add(bean);
        }
        if (typeOf(bean, TokenValidator.class) != null) {
            validators.add(bean);
        }
        if (typeOf(bean, TopicAuthorizer.class) != null) {
            authorizers.add(bean);
        }
        if (bean.getTypes().contains(ErrorFrameMapper.class)) {
            errorFrameMappers.add(bean);
        }
    }

    /**
     * Validates what was collected and the configuration; every problem becomes a deployment problem.
     * Runs late so that MicroProfile Config has registered its {@code @ConfigProperties} classes.
     */
    void validate(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 500) AfterDeploymentValidation event,
            BeanManager beanManager) {
        List<String> problems = new ArrayList<>();
        RealtimeConfig config = config(beanManager, problems);
        String path = config != null ? config.path() : RealtimeConfig.DEFAULT_PATH;

        ParameterizedType handlerType = null;
        Type userType = null;
        if (handlers.isEmpty()) {
            problems.add(Messages.noHandler());
        } else if (handlers.size() > 1) {
            problems.add(Messages.tooManyHandlers(path, names(handlers)));
        } else {
            Bean<?> handler = handlers.get(0);
            handlerType = typeOf(handler, MessageHandler.class);
            if (!isConcrete(handlerType)) {
                problems.add(Messages.unresolvedTypeArguments(handler.getBeanClass().getName(), handlerType.getTypeName()));
                handlerType = null;
            } else {
                userType = handlerType.getActualTypeArguments()[2];
            }
        }
        String handlerName = handlers.size() == 1 ? handlers.get(0).getBeanClass().getName() : "(none)";

        if (validators.isEmpty()) {
            problems.add(Messages.noTokenValidator(handlerName));
        } else if (validators.size() > 1) {
            problems.add(Messages.tooMany("TokenValidator", names(validators)));
        } else {
            checkUserType(validators.get(0), TokenValidator.class, userType, handlerName, problems);
        }
        if (authorizers.size() > 1) {
            problems.add(Messages.tooMany("TopicAuthorizer", names(authorizers)));
        } else if (authorizers.size() == 1) {
            checkUserType(authorizers.get(0), TopicAuthorizer.class, userType, handlerName, problems);
        }
        if (errorFrameMappers.size() > 1) {
            problems.add(Messages.tooMany("ErrorFrameMapper", names(errorFrameMappers)));
        }
        for (List<Bean<?>> beans : List.of(handlers, validators, authorizers, errorFrameMappers)) {
            for (Bean<?> bean : beans) {
                if (UNSUPPORTED_SCOPES.contains(bean.getScope())) {
                    problems.add(Messages.unsupportedScope(bean.getBeanClass().getName(), bean.getScope().getSimpleName()));
                }
            }
        }

        if (!problems.isEmpty()) {
            // Each problem once, as a log line of its own; the server gets one exception that names their
            // ids. Given one exception per problem, Liberty logged each of them three times or more, with
            // this method's stack trace, which says nothing to the application's developer.
            problems.forEach(Messages::deploymentProblem);
            DeploymentException failed = new DeploymentException(Messages.deploymentFailed(problems));
            failed.setStackTrace(new StackTraceElement[0]);
            event.addDeploymentProblem(failed);
            return;
        }
        Bean<?> authorizer = authorizers.isEmpty() ? null : authorizers.get(0);
        model = new HandlerModel(handlers.get(0), handlerType, handlerType.getActualTypeArguments()[0], userType,
                validators.get(0), typeOf(validators.get(0), TokenValidator.class),
                authorizer, authorizer == null ? null : typeOf(authorizer, TopicAuthorizer.class),
                errorFrameMappers.isEmpty() ? null : errorFrameMappers.get(0));
    }

    /** @return what the deployment provides; only after a successful validation */
    public HandlerModel model() {
        if (model == null) {
            throw new IllegalStateException("The realtime deployment was not validated");
        }
        return model;
    }

    private static RealtimeConfig config(BeanManager beanManager, List<String> problems) {
        try {
            RealtimeConfig config = beanManager.createInstance()
                    .select(RealtimeConfig.class, ConfigProperties.Literal.NO_PREFIX).get();
            config.problems().forEach(problem -> problems.add(Messages.invalidConfig(problem)));
            if (config.redisEnabled()) {
                if (!EventBuses.redissonAvailable()) {
                    problems.add(Messages.redissonMissing());
                } else if (config.redisConfigFile().isPresent() && config.problems().isEmpty()) {
                    RedisConfigCheck.parse(config.redisConfigFile().get(), problems);
                }
            }
            return config;
        } catch (RuntimeException e) {
            problems.add(Messages.invalidConfig(String.valueOf(e.getMessage())));
            return null;
        }
    }

    private static void checkUserType(Bean<?> bean, Class<?> kind, Type expected, String handlerName, List<String> problems) {
        ParameterizedType type = typeOf(bean, kind);
        if (!isConcrete(type)) {
            problems.add(Messages.unresolvedTypeArguments(bean.getBeanClass().getName(), type.getTypeName()));
            return;
        }
        Type found = type.getActualTypeArguments()[0];
        if (expected != null && !found.getTypeName().equals(expected.getTypeName())) {
            problems.add(Messages.userTypeMismatch(bean.getBeanClass().getName(), kind.getSimpleName(),
                    found.getTypeName(), expected.getTypeName(), handlerName));
        }
    }

    /** @return the bean's parameterized type whose raw type is {@code kind} (raw types count, with no arguments), or null */
    static ParameterizedType typeOf(Bean<?> bean, Class<?> kind) {
        for (Type type : bean.getTypes()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == kind) {
                return parameterized;
            }
        }
        for (Type type : bean.getTypes()) {
            if (type == kind) {
                return new RawType(kind);
            }
        }
        return null;
    }

    private static boolean isConcrete(ParameterizedType type) {
        if (type instanceof RawType) {
            return false;
        }
        for (Type argument : type.getActualTypeArguments()) {
            if (argument instanceof TypeVariable<?> || argument instanceof WildcardType) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(List<Bean<?>> beans) {
        return beans.stream().map(bean -> bean.getBeanClass().getName()).sorted().toList();
    }

    /** A raw use of a generic interface, reported as having no usable type arguments. */
    private record RawType(Class<?> kind) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[0];
        }

        @Override
        public Type getRawType() {
            return kind;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public String getTypeName() {
            return kind.getName() + " (raw)";
        }
    }
}
