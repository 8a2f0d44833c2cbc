package dev.realtimekit.impl.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every key of {@link RealtimeConfig} with its real default. */
class ConfigDocumentationTest {

    @Test
    void everyKeyIsInTheReadmeTableWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = new ArrayList<>();
        for (Field field : RealtimeConfig.class.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property == null) {
                continue;
            }
            String key = "`realtime." + property.name() + "`";
            String row = property.defaultValue().equals(ConfigProperty.UNCONFIGURED_VALUE)
                    ? "| " + key + " | (none"
                    : "| " + key + " | `" + property.defaultValue() + "` |";
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertTrue(missing.isEmpty(), "README.md lacks these configuration rows: " + missing);
    }
}
