package dev.realtimekit.sample.api;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.realtimekit.HandlerException;

/**
 * Every error of the REST API is a plain-text reason phrase, as the kit's handshake refusals are: the
 * API's own answers, and what Jakarta REST answers by itself (unknown path 404, another method 405
 * with {@code Allow}, another content type 415), whose default bodies come from the server. Anything
 * else thrown is a 500, logged here and never shown.
 */
@Provider
public class PlainErrors implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(PlainErrors.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof WebApplicationException web && web.getResponse() != null) {
            Response original = web.getResponse();
            Response.ResponseBuilder answer = Response.status(original.getStatus());
            String allow = original.getHeaderString(HttpHeaders.ALLOW);
            if (allow != null) {
                answer.header(HttpHeaders.ALLOW, allow);
            }
            return plain(answer, original.getStatus());
        }
        LOG.log(Level.WARNING, "The chat API failed", exception);
        return status(500);
    }

    /** @return an answer with this status and its reason phrase as plain text (401: with the Bearer challenge) */
    static Response status(int status) {
        return plain(Response.status(status), status);
    }

    private static Response plain(Response.ResponseBuilder answer, int status) {
        if (status == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"chat\"");
        }
        return answer.type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(HandlerException.reasonPhrase(status)).build();
    }
}
