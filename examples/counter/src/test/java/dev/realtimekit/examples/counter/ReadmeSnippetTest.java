package dev.realtimekit.examples.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Not part of the example: the repository's check that the README's "Use it in your application"
 * shows this very pom.xml and server.xml, and that the versions the example pins are the ones the kit
 * is built with (parent pom and BOM). The build compiles and tests this example, so a snippet that
 * passes here is one that builds.
 */
class ReadmeSnippetTest {

    private static final Path ROOT = Path.of(System.getProperty("repository.root", "../.."));

    private static String read(Path path) throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** @return the README's section "Use it in your application", up to the next level-2 heading */
    private static String section() throws IOException {
        String readme = read(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Use it in your application\n");
        assertTrue(start >= 0, "README.md has a section \"## Use it in your application\"");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<String> xmlBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher block = Pattern.compile("(?s)\n```xml\n(.*?)\n```\n").matcher(markdown);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    private static String only(List<String> blocks, String containing) {
        List<String> matching = blocks.stream().filter(b -> b.contains(containing)).toList();
        assertEquals(1, matching.size(), "exactly one xml block in the README's section contains " + containing);
        return matching.get(0);
    }

    private static String indent(String text, String by) {
        return text.lines().map(line -> line.isEmpty() ? line : by + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** @return the text of the first element {@code <name>} (no attributes) after {@code after}, trimmed */
    private static String element(String xml, String after, String name) {
        int from = xml.indexOf(after);
        assertTrue(from >= 0, after + " not found");
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(xml);
        assertTrue(m.find(from), "<" + name + "> after " + after);
        return m.group(1).trim();
    }

    @Test
    void theReadmesPomSnippetIsTheExamplesPomFromPropertiesToBuild() throws IOException {
        String snippet = only(xmlBlocks(section()), "<dependencyManagement>");
        assertTrue(snippet.startsWith("<properties>") && snippet.endsWith("</build>"),
                "the snippet runs from <properties> to </build>:\n" + snippet);
        String pom = read(Path.of("pom.xml"));
        assertTrue(pom.contains("\n" + indent(snippet, "  ") + "\n"),
                "examples/counter/pom.xml contains the README's snippet, indented by two spaces, character for character");
    }

    @Test
    void theReadmesFeatureListIsTheExamplesServerXml() throws IOException {
        String snippet = only(xmlBlocks(section()), "<featureManager>");
        String serverXml = read(Path.of("src/main/liberty/config/server.xml"));
        Matcher features = Pattern.compile("(?s)\n(    <featureManager>.*?</featureManager>)\n").matcher(serverXml);
        assertTrue(features.find(), "the example's server.xml has a featureManager");
        String example = features.group(1).lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        // The README may add optional features after the example's, each marked optional.
        String required = snippet.lines().filter(line -> !line.contains("optional")).reduce((a, b) -> a + "\n" + b).orElseThrow();
        assertEquals(example, required, "the README's required features are the example server.xml's");
    }

    @Test
    void theExamplePinsTheVersionsTheKitIsBuiltWith() throws IOException {
        String parent = read(ROOT.resolve("pom.xml"));
        String bom = read(ROOT.resolve("bom/pom.xml"));
        String pom = read(Path.of("pom.xml"));
        String kitVersion = element(parent, "<artifactId>realtime-kit-parent</artifactId>", "version");

        assertEquals(kitVersion, element(bom, "<artifactId>realtime-kit-bom</artifactId>", "version"), "BOM version");
        assertEquals(element(parent, "<properties>", "redisson.version"), element(bom, "<properties>", "redisson.version"),
                "the BOM's Redisson is the one the kit is built and tested with");
        assertTrue(parent.contains("<module>bom</module>"), "the BOM is in the reactor");

        assertEquals(kitVersion, element(pom, "<properties>", "realtime-kit.version"), "the example uses this kit");
        assertEquals(element(parent, "<properties>", "jakartaee.version"),
                element(pom, "<artifactId>jakarta.jakartaee-api</artifactId>", "version"), "Jakarta EE API");
        assertEquals(element(parent, "<properties>", "liberty-plugin.version"),
                element(pom, "<artifactId>liberty-maven-plugin</artifactId>", "version"), "liberty-maven-plugin");
        assertEquals(element(parent, "<properties>", "openliberty.version"),
                element(pom, "<artifactId>openliberty-runtime</artifactId>", "version"), "Open Liberty");
        assertEquals(element(parent, "<properties>", "maven.compiler.release"),
                element(pom, "<properties>", "maven.compiler.release"), "compiler release");
    }

    @Test
    void theReadmesTestingKitExampleIsTheCounterHandlerTestsCode() throws IOException {
        String readme = read(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n### Testing your handler without a server\n");
        assertTrue(start >= 0, "README.md has a section \"### Testing your handler without a server\"");
        Matcher block = Pattern.compile("(?s)\n```java\n(.*?)\n```\n").matcher(readme);
        assertTrue(block.find(start), "the section has a java block");
        String test = read(Path.of("src/test/java/dev/realtimekit/examples/counter/CounterHandlerTest.java"));
        assertTrue(trimmed(test).contains(trimmed(block.group(1))),
                "CounterHandlerTest.java contains the README's example, line for line (indentation aside):\n" + block.group(1));
    }

    private static String trimmed(String code) {
        return code.lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
