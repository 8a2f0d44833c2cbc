package dev.realtimekit.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.realtimekit.it.cluster.SampleCluster;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * The sample page and the kit's browser client ({@code /chat/realtime-kit.js}) in a real browser: headless
 * Chromium from the system ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}), two pages on two
 * sample nodes (cluster.sh) sharing a redis-server of the test's own, with history on for {@code general}.
 * Node 1 is restarted under page 1; page 2 says five things while page 1 is disconnected; page 1
 * reconnects by itself and shows those five exactly once, in order, as a replay followed by its recovery
 * notice. Screenshots of both pages go to {@code target/browser-it/}, whatever the outcome.
 */
class BrowserRecoveryIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String ROOM = "general";
    private static final Path SCREENSHOTS = Path.of("target", "browser-it");
    /** Anything a page does in answer to a click or to a message on the other node. */
    private static final Duration QUICK = Duration.ofSeconds(30);
    /** Until the stopping node closes page 1's connection: Liberty's quiesce drops it at once; a drain takes up to 10 s. */
    private static final Duration DRAINED = Duration.ofSeconds(60);
    /** After the node serves again: the client's backoff, up to 30 s between attempts by then. */
    private static final Duration RECONNECTED = Duration.ofSeconds(90);
    private static final Duration RESTART = Duration.ofMinutes(5);

    private static RedisProcess redis;
    private static SampleCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertTrue(Files.isExecutable(Path.of(binary)),
                    binary + " is missing: apt-get install -y --no-install-recommends chromium chromium-driver (as .ci/run does)");
        }
        redis = RedisProcess.start();
        cluster = SampleCluster.start("browser-it", Map.of("REDIS_URL", redis.address(),
                "REALTIME_HISTORY_TOPICS", ROOM));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        SampleCluster.stop(cluster, redis);
    }

    @Test
    void aPageWhoseNodeRestartedShowsWhatItMissedOnceInOrderWithARecoveryNotice() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        AtomicReference<Future<?>> restart = new AtomicReference<>();
        Page one = null;
        Page two = null;
        for (String page : List.of("page-1", "page-2")) {
            Files.deleteIfExists(SCREENSHOTS.resolve(page + ".png")); // none of an earlier run's may stay
        }
        try {
            one = Page.open("page-1", cluster.node(0));
            two = Page.open("page-2", cluster.node(1));
            recoverAcrossARestartOfNode1(one, two, background, restart);
        } finally {
            Page.close(one);
            Page.close(two);
            try {
                Future<?> running = restart.get();
                if (running != null && !running.isDone()) {
                    running.get(RESTART.toSeconds(), TimeUnit.SECONDS); // never stop the cluster mid-restart
                }
            } catch (Exception e) {
                System.err.println("restart of node 1: " + e); // the cluster is stopped anyway
            } finally {
                background.shutdownNow();
            }
        }
    }

    private static void recoverAcrossARestartOfNode1(Page one, Page two, ExecutorService background,
            AtomicReference<Future<?>> restartHolder) throws Exception {
        one.join("alice");
        two.join("bob");

        List<String> expected = new ArrayList<>();
        one.say("hello from alice");
        expected.add("alice: hello from alice");
        one.awaitMessages(expected);
        two.awaitMessages(expected);
        two.say("hello from bob");
        expected.add("bob: hello from bob");
        two.awaitMessages(expected);
        one.awaitMessages(expected);

        // Node 1 stops (page 1's connection closes) and starts again; node 2 carries on meanwhile.
        Future<?> restart = background.submit(() -> {
            cluster.restartNode(0);
            return null;
        });
        restartHolder.set(restart);
        one.await("page 1 to lose its connection when node 1 stops", DRAINED, driver -> {
            if (restart.isDone()) {
                throw new IllegalStateException("node 1 restarted (or failed to) without page 1 noticing: "
                        + one.status() + "\n" + one.report());
            }
            return !"open".equals(one.state()) && one.has("li.notice[data-kind=lost]") ? true : null;
        });
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String text = "missed " + i;
            two.say(text);
            expected.add("bob: " + text);
            missed.add("bob: " + text);
            two.awaitMessages(expected); // published: the page got it back through Redis
        }
        assertNotEquals("open", one.state(), "page 2 said all five while page 1 was disconnected: " + one.status());

        restart.get(RESTART.toSeconds(), TimeUnit.SECONDS);
        one.await("page 1 to reconnect by itself and show its recovery notice", RECONNECTED,
                driver -> "open".equals(one.state()) && one.has("li.notice[data-kind=recovered]") ? true : null);
        assertEquals(expected, one.messages(), "page 1: the earlier messages, then each missed one once, in order");

        // The replay came before the recovery notice and after the notice of the lost connection,
        // so it was recovered, not received live; the notice counts what came in between.
        List<LogLine> log = one.log();
        int lost = indexOfNotice(log, "lost");
        int recovered = indexOfNotice(log, "recovered");
        assertEquals(1, log.stream().filter(l -> "recovered".equals(l.kind())).count(), "one recovery notice: " + log);
        List<LogLine> between = log.subList(lost + 1, recovered);
        assertEquals(missed, between.stream().filter(LogLine::message).map(LogLine::text).toList(),
                "the missed messages are the replay, between the lost and the recovered notices: " + log);
        assertEquals(between.stream().filter(l -> l.seq() != null).count(), replayedCount(log.get(recovered).text()),
                "the notice counts the events replayed: " + log);
        long previous = 0;
        for (LogLine line : log) {
            if (line.message()) {
                assertTrue(line.seq() != null && line.seq() > previous, "numbered, increasing, none twice: " + log);
                previous = line.seq();
            }
        }

        one.say("alice is back");
        expected.add("alice: alice is back");
        two.awaitMessages(expected);
        one.awaitMessages(expected);
        assertEquals(1, one.count("li.notice[data-kind=recovered]"), "still one recovery notice");
        assertEquals(0, two.count("li.notice"), "page 2's connection was never interrupted: " + two.log());
    }

    private static int indexOfNotice(List<LogLine> log, String kind) {
        for (int i = 0; i < log.size(); i++) {
            if (kind.equals(log.get(i).kind())) {
                return i;
            }
        }
        throw new AssertionError("no " + kind + " notice in " + log);
    }

    /** @return N of "Reconnected: N missed events recovered (messages and notices)" (0 for "nothing missed") */
    private static long replayedCount(String notice) {
        if (notice.endsWith("nothing missed")) {
            return 0;
        }
        Matcher m = Pattern.compile("(\\d+) missed events? recovered \\(messages and notices\\)$").matcher(notice);
        assertTrue(m.find(), "a recovery notice with a count: " + notice);
        return Long.parseLong(m.group(1));
    }

    /** One line of a page's {@code #log}: its class, its notice kind and seq when it has them, its text. */
    record LogLine(String cls, String kind, Long seq, String text) {
        boolean message() {
            return List.of(cls.split(" ")).contains("message");
        }
    }

    /** One browser (its own ChromeDriver session and profile) showing the sample page of one node. */
    private static final class Page {

        private final String name;
        private final WebDriver driver;

        private Page(String name, WebDriver driver) {
            this.name = name;
            this.driver = driver;
        }

        static Page open(String name, URL node) {
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort()
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,800");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            Page page = new Page(name, new ChromeDriver(service, options));
            page.driver.get(node.toString());
            return page;
        }

        /** Joins the room through the page's form and waits until the page says it is connected. */
        void join(String user) {
            WebElement input = driver.findElement(By.id("name"));
            input.clear();
            input.sendKeys(user);
            new Select(driver.findElement(By.id("room"))).selectByValue(ROOM);
            driver.findElement(By.id("connect")).click();
            await("the page to connect to " + ROOM, QUICK,
                    d -> "open".equals(state()) && status().contains("connected to " + ROOM) ? true : null);
        }

        /** Sends one chat line through the page's form; the page clears the field once the client sent it. */
        void say(String text) {
            WebElement field = driver.findElement(By.id("text"));
            field.sendKeys(text);
            driver.findElement(By.id("send")).click();
            await("the page to send \"" + text + "\"", QUICK, d -> field.getDomProperty("value").isEmpty() ? true : null);
        }

        /** Waits until the page shows exactly these chat lines ("user: text"), in this order. */
        void awaitMessages(List<String> expected) {
            List<String> copy = List.copyOf(expected);
            await("the messages " + copy, QUICK, d -> copy.equals(messages()) ? true : null);
        }

        /** @return {@code data-state} of {@code #status}: offline, connecting, open, reconnecting */
        String state() {
            return driver.findElement(By.id("status")).getDomAttribute("data-state");
        }

        String status() {
            WebElement status = driver.findElement(By.id("status"));
            return status.getDomAttribute("data-state") + " \"" + status.getText() + "\"";
        }

        boolean has(String css) {
            return count(css) > 0;
        }

        int count(String css) {
            return driver.findElements(By.cssSelector("#log " + css)).size();
        }

        /** @return the chat lines ({@code li.message}) as "user: text", in the page's order */
        List<String> messages() {
            return log().stream().filter(LogLine::message).map(LogLine::text).toList();
        }

        /** @return every line of {@code #log}, read in one go */
        @SuppressWarnings("unchecked")
        List<LogLine> log() {
            Object lines = ((JavascriptExecutor) driver).executeScript(
                    "return [...document.querySelectorAll('#log > li')].map(li => {"
                            + " const user = li.querySelector('.user');"
                            + " const text = li.lastChild ? li.lastChild.textContent : '';"
                            + " return [li.className, li.dataset.kind || null, li.dataset.seq || null,"
                            + "   li.classList.contains('message') ? (user ? user.textContent : '') + text : li.textContent]; })");
            List<LogLine> result = new ArrayList<>();
            for (Object line : (List<Object>) lines) {
                List<Object> l = (List<Object>) line;
                result.add(new LogLine((String) l.get(0), (String) l.get(1), l.get(2) == null ? null : Long.valueOf((String) l.get(2)),
                        (String) l.get(3)));
            }
            return result;
        }

        /**
         * Waits for a condition with a deadline; on timeout fails with the page's status, {@code #log} and
         * browser console.
         */
        <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
            try {
                return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition);
            } catch (TimeoutException e) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + report(), e);
            }
        }

        String report() {
            StringBuilder text = new StringBuilder();
            try {
                text.append("#status: ").append(status()).append("\n#log:\n").append(driver.findElement(By.id("log")).getText());
            } catch (RuntimeException e) {
                text.append("(page not readable: ").append(e).append(')');
            }
            try {
                List<LogEntry> console = driver.manage().logs().get(LogType.BROWSER).getAll();
                text.append("\nconsole:\n").append(console.stream().map(LogEntry::toString).collect(Collectors.joining("\n")));
            } catch (RuntimeException e) {
                text.append("\n(no console log: ").append(e).append(')');
            }
            return text.toString();
        }

        /** Writes the screenshot, then ends the browser; either may fail without hiding the test's outcome. */
        static void close(Page page) {
            if (page == null) {
                return;
            }
            try {
                Files.createDirectories(SCREENSHOTS);
                Files.write(SCREENSHOTS.resolve(page.name + ".png"), ((TakesScreenshot) page.driver).getScreenshotAs(OutputType.BYTES));
            } catch (Exception e) {
                System.err.println(page.name + ": no screenshot: " + e);
            } finally {
                page.driver.quit();
            }
        }
    }
}
