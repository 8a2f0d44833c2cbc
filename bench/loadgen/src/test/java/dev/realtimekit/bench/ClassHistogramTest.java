package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000         800000  [B (java.base@17.0.15)
               2:           100           4000  java.lang.String (java.base@17.0.15)
               3:             5            200  com.example.Gone
            Total          1105         804200
            """;

    private static final String AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         21000        1600000  [B (java.base@17.0.15)
               2:           100           4000  java.lang.String (java.base@17.0.15)
               3:         10000         320000  com.ibm.ws.genericbnf.internal.HeaderElement
               4:            10            400  com.example.Twice
               5:            10            400  com.example.Twice
            Total         31120        1924800
            """;

    @Test
    void growthIsSortedByBytesAndLeavesOutWhatDidNotGrow() {
        List<ClassHistogram.Growth> grown = ClassHistogram.parse(AFTER).grownSince(ClassHistogram.parse(BEFORE), 10);

        assertEquals(List.of(new ClassHistogram.Growth("[B", 20000, 800000),
                new ClassHistogram.Growth("com.ibm.ws.genericbnf.internal.HeaderElement", 10000, 320000),
                new ClassHistogram.Growth("com.example.Twice", 20, 800)), grown);
    }

    @Test
    void theTableIsPerConnection() {
        String table = ClassHistogram.describe(List.of(new ClassHistogram.Growth("[B", 20000, 800000)), 10000);
        assertTrue(table.contains("80.0") && table.contains("2.00") && table.contains("[B"), table);
    }

    @Test
    void theLimitKeepsTheBiggest() {
        assertEquals(1, ClassHistogram.parse(AFTER).grownSince(ClassHistogram.parse(BEFORE), 1).size());
    }
}
