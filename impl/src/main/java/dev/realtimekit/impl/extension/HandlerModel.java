package dev.realtimekit.impl.extension;

import java.lang.reflect.Type;

import jakarta.enterprise.inject.spi.Bean;

/**
 * What the extension found at deployment: the application's beans and the handler's type arguments.
 *
 * @param handler the {@code MessageHandler} bean
 * @param handlerType its {@code MessageHandler<C, E, U>} bean type
 * @param messageType {@code C}, the type client frames are decoded to
 * @param userType {@code U}
 * @param validator the {@code TokenValidator} bean
 * @param validatorType its {@code TokenValidator<U>} bean type
 * @param authorizer the {@code TopicAuthorizer} bean, or null when the application has none
 * @param authorizerType its {@code TopicAuthorizer<U>} bean type, or null
 * @param errorFrameMapper the {@code ErrorFrameMapper} bean, or null when the application has none
 */
public record HandlerModel(Bean<?> handler, Type handlerType, Type messageType, Type userType,
        Bean<?> validator, Type validatorType, Bean<?> authorizer, Type authorizerType, Bean<?> errorFrameMapper) {
}
