package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JitWarmupTest {

    @Test
    void countsWhatEachCompilerThreadUsedInTheWindow() {
        // Thread 1 used 150 ticks, thread 2 was born in the window with 50, thread 3 ended and is left out.
        Map<Long, Long> before = Map.of(1L, 1000L, 3L, 500L);
        Map<Long, Long> after = Map.of(1L, 1150L, 2L, 50L);
        assertEquals(0.2, JitWarmup.compilerShare(before, after, 10, 100), 1e-9);
    }

    @Test
    void aProcessWithoutCompilerThreadsHasNoShare() {
        assertNull(JitWarmup.compilerShare(Map.of(), Map.of(), 10, 100));
    }

    @Test
    void quietWhenEveryJvmCompilesAtMostTwoPercentOfACore() {
        assertTrue(JitWarmup.quiet(List.of(0.004, 0.02)));
        assertFalse(JitWarmup.quiet(List.of(0.004, 0.021)));
        assertTrue(JitWarmup.quiet(Arrays.asList(null, 0.01)), "a process without compilers (Node) does not count");
        assertTrue(JitWarmup.quiet(Arrays.asList((Double) null)));
    }
}
