package dev.realtimekit.it.errors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

import dev.realtimekit.ClientError;
import dev.realtimekit.ErrorFrameMapper;

/** The application's own error frames, as the README shows; binary frames keep the kit's default. */
@ApplicationScoped
public class ProblemFrames implements ErrorFrameMapper {

    /** The frame this application sends for errors. */
    public record Problem(String type, String code, String detail, JsonValue ref) {
    }

    @Override
    public Object map(ClientError error) {
        return error.reason().equals("binary") ? null : new Problem("problem", error.reason(), error.message(), error.messageId());
    }
}
