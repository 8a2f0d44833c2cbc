package dev.realtimekit.it.support;

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Builds the archives the tests deploy: the sample WAR exactly as Maven packaged it, and small WARs
 * made of the real api and impl jars (taken from that WAR) plus a test's own classes.
 */
public final class Deployments {

    public static final String BEANS_XML = """
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated"/>
            """;

    private Deployments() {
    }

    /** @return the sample WAR built by this module ({@code target/realtime-kit-sample.war}); context root /chat */
    public static WebArchive sample() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, sampleFile());
    }

    /**
     * @param properties MicroProfile Config lines, e.g. {@code realtime.rate-limit-per-second=0}
     * @return the sample WAR with this configuration in its {@code META-INF/microprofile-config.properties}
     */
    public static WebArchive sample(String properties) {
        return sample().addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }

    /**
     * @param name the archive name; its base name becomes the context root
     * @return a WAR with the kit's api and impl jars, a beans.xml and the given classes
     */
    public static WebArchive kit(String name, Class<?>... classes) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name)
                .addAsWebInfResource(new StringAsset(BEANS_XML), "beans.xml")
                .addClasses(classes);
        kitLibraries().forEach(war::addAsLibrary);
        return war;
    }

    /**
     * @param name the archive name; its base name becomes the context root
     * @param properties MicroProfile Config lines, e.g. {@code realtime.redis.address=...}
     * @return as {@link #kit}, with Redisson (every library of the sample WAR) and this configuration
     */
    public static WebArchive kitWithRedisson(String name, String properties, Class<?>... classes) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name)
                .addAsWebInfResource(new StringAsset(BEANS_XML), "beans.xml")
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties")
                .addClasses(classes);
        libraries("/WEB-INF/lib/").forEach(war::addAsLibrary);
        return war;
    }

    /** @return the realtime-kit-api and realtime-kit-impl jars from the packaged sample WAR */
    public static List<JavaArchive> kitLibraries() {
        List<JavaArchive> libraries = libraries("/WEB-INF/lib/realtime-kit-");
        if (libraries.size() != 2) {
            throw new IllegalStateException("Expected the api and impl jars in the sample WAR, found " + libraries.size());
        }
        return libraries;
    }

    /** @return the jars of the packaged sample WAR whose path starts with {@code prefix} */
    private static List<JavaArchive> libraries(String prefix) {
        WebArchive sample = sample();
        List<JavaArchive> libraries = new ArrayList<>();
        for (ArchivePath path : sample.getContent().keySet()) {
            String name = path.get();
            if (name.startsWith(prefix) && name.endsWith(".jar")) {
                Node node = sample.get(path);
                try (InputStream in = node.getAsset().openStream()) {
                    String fileName = name.substring(name.lastIndexOf('/') + 1);
                    libraries.add(ShrinkWrap.create(ZipImporter.class, fileName).importFrom(in).as(JavaArchive.class));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("Cannot read " + name + " from the sample WAR", e);
                }
            }
        }
        return libraries;
    }

    private static File sampleFile() {
        File war = new File(System.getProperty("sample.war", "target/realtime-kit-sample.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("The sample WAR " + war + " is missing: run mvn verify (it is built in the package phase)");
        }
        return war;
    }
}
