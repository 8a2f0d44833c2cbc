package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesInInsertionOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", "kit");
        m.put("sent", 2000L);
        m.put("rate", 200.0);
        m.put("p99", 1.2345678);
        m.put("share", 0.30000000000000004);
        m.put("bound", false);
        m.put("missing", null);
        m.put("nan", Double.NaN);
        m.put("urls", List.of("ws://a/", "ws://b/"));
        m.put("byPid", Map.of("123", 4));
        assertEquals("{\"target\":\"kit\",\"sent\":2000,\"rate\":200,\"p99\":1.23457,\"share\":0.3,\"bound\":false,"
                + "\"missing\":null,\"nan\":null,\"urls\":[\"ws://a/\",\"ws://b/\"],\"byPid\":{\"123\":4}}", Json.write(m));
    }

    @Test
    void escapesStrings() {
        assertEquals("\"say \\\"hi\\\"\\n\\\\ \\u0001\"", Json.write("say \"hi\"\n\\ \u0001"));
    }

    @Test
    void writesSmallNumbersWithoutExponents() {
        assertEquals("0.0000123457", Json.write(0.0000123456789));
        assertEquals("[-3,null]", Json.write(Arrays.asList(-3.0, null)));
    }
}
