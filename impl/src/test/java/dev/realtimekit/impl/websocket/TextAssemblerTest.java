package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TextAssemblerTest {

    private final List<String> messages = new ArrayList<>();
    private int tooBig;
    private final TextAssembler assembler = new TextAssembler(10, messages::add, () -> tooBig++);

    @Test
    void wholeAndFragmentedMessagesWithinTheLimitAreHandedOnWhole() {
        assembler.onMessage("{\"a\":1}", true);
        assembler.onMessage("{\"b\"", false);
        assembler.onMessage(":2}", true);

        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), messages);
        assertEquals(0, tooBig);
    }

    @Test
    void aFragmentedMessageBeyondTheLimitIsRefusedOnceAndItsRestDropped() {
        assembler.onMessage("12345", false);
        assembler.onMessage("67890", false);
        assembler.onMessage("1", false); // 11 bytes: too big
        assembler.onMessage("more", false);
        assembler.onMessage("end", true);
        assembler.onMessage("next", true);

        assertEquals(1, tooBig);
        assertEquals(List.of("next"), messages, "the next message is handled again");
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        assembler.onMessage("ééééé", false); // 10 bytes
        assembler.onMessage("é", true);      // 12

        assertEquals(1, tooBig);
        assertEquals(List.of(), messages);
    }
}
