package dev.realtimekit.it.deployment;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ClientError;
import dev.realtimekit.ErrorFrameMapper;

/** One of two error frame mappers in one application: a deployment problem. */
@ApplicationScoped
public class SecondErrorFrameMapper implements ErrorFrameMapper {

    @Override
    public Object map(ClientError error) {
        return null;
    }
}
