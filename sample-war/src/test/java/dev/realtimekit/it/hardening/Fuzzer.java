package dev.realtimekit.it.hardening;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.realtimekit.it.support.ErrorBodies;
import dev.realtimekit.it.support.RawWebSocket;

/**
 * One hostile client: sends {@code cases} fuzz cases to the endpoint, each followed by a chat ping
 * that must be answered with a pong unless the server closed the connection, in which case it
 * records the close code against the case and connects again. Everything the server sends is
 * checked: broadcasts, join and leave notices, pongs and error frames without internals, nothing else.
 */
final class Fuzzer implements Callable<Void> {

    /** Close codes the README documents for a client's bad frames, plus 1000 answering the client's own close. */
    static final Set<Integer> DOCUMENTED_CLOSE_CODES = Set.of(1000, 1002, 1003, 1007, 1008, 1009);

    static final String PING = "{\"type\":\"ping\"}";
    static final String PONG = "{\"type\":\"pong\"}";
    private static final Pattern BROADCAST = Pattern.compile("\\{\"type\":\"message\",\"room\":\"general\",\"user\":\"[^\"]*\",\"text\":.*\\}",
            Pattern.DOTALL);
    /** The join and leave notices of the other connections in the room (fuzzers reconnect, so there are many). */
    private static final Pattern NOTICE = Pattern.compile("\\{\"type\":\"(joined|left)\",\"room\":\"general\",\"user\":\"[^\"]*\"\\}");
    /** An error frame; its message is a JSON string, escapes included (a handler may quote what the client sent). */
    private static final Pattern ERROR_FRAME = Pattern.compile("\\{\"type\":\"error\",\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}");
    private static final long ANSWER_MS = 15_000;
    /**
     * The reason Liberty 25 itself puts in the 1002 close of a protocol violation (bad opcode, mask,
     * fragmentation): its message id and the start of the endpoint's class name. It is sent before the
     * endpoint hears of the error, so the kit cannot replace it (tried: closing from onError changes
     * nothing). Any other reason must be free of internals.
     */
    private static final Pattern LIBERTY_PROTOCOL_ERROR = Pattern.compile(
            "CWWKH00\\d\\dE: Exception occurred while reading an incoming WebSocket message in ServerEndpoint class [\\w.]*");

    /** What all fuzzers saw, for the assertions and the report. */
    static final class Findings {
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        final AtomicLong frames = new AtomicLong();

        void count(String outcome) {
            outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private final URI uri;
    private final FuzzCases cases;
    private final int count;
    private final Findings findings;
    private RawWebSocket socket;

    Fuzzer(URI uri, long seed, int count, Findings findings) {
        this.uri = uri;
        this.cases = new FuzzCases(new Random(seed));
        this.count = count;
        this.findings = findings;
    }

    @Override
    public Void call() throws Exception {
        socket = RawWebSocket.connect(uri);
        try {
            for (int i = 0; i < count && findings.problems.size() < 20; i++) {
                run(cases.next());
            }
        } finally {
            socket.close(); // dropped without a close frame: the server must clean up by itself
        }
        return null;
    }

    private void run(FuzzCases.Case fuzzCase) throws Exception {
        try {
            for (FuzzCases.Frame frame : fuzzCase.frames()) {
                socket.send(frame.fin(), frame.rsv(), frame.opcode(), frame.payload(), frame.masked());
                findings.frames.incrementAndGet();
            }
            if (!fuzzCase.endsConnection()) {
                socket.send(RawWebSocket.TEXT, PING.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException closedWhileSending) {
            // the server closed the connection; its close frame (if any) tells why
        }
        awaitPongOrEnding(fuzzCase);
    }

    /** Reads until the pong to this case's ping arrives, or the server ends the connection. */
    private void awaitPongOrEnding(FuzzCases.Case fuzzCase) throws Exception {
        long deadline = System.currentTimeMillis() + ANSWER_MS;
        while (System.currentTimeMillis() < deadline) {
            String text = socket.nextText(50);
            if (text != null) {
                check(text, fuzzCase);
                if (text.equals(PONG) && !fuzzCase.endsConnection()) {
                    findings.count(fuzzCase.kind() + " -> still open");
                    return;
                }
            } else if (socket.ended()) {
                for (String rest = socket.nextText(0); rest != null; rest = socket.nextText(0)) {
                    check(rest, fuzzCase);
                }
                ended(fuzzCase, socket.awaitEnding(0));
                socket.close();
                socket = RawWebSocket.connect(uri);
                return;
            }
        }
        findings.problems.add(fuzzCase.kind() + ": neither a pong nor a close within " + ANSWER_MS + " ms (connection deaf)");
        socket.close();
        socket = RawWebSocket.connect(uri);
    }

    private void ended(FuzzCases.Case fuzzCase, RawWebSocket.Ending ending) {
        String code = ending.code() == RawWebSocket.Ending.NO_CLOSE_FRAME ? "dropped" : String.valueOf(ending.code());
        if (ending.code() == 1002 && LIBERTY_PROTOCOL_ERROR.matcher(ending.reason()).matches()) {
            findings.count(fuzzCase.kind() + " -> 1002 with Liberty's CWWKH reason");
            return;
        }
        findings.count(fuzzCase.kind() + " -> " + code);
        checkNoInternals(ending.reason(), "close reason after " + fuzzCase.kind());
        if (ending.code() != RawWebSocket.Ending.NO_CLOSE_FRAME && !DOCUMENTED_CLOSE_CODES.contains(ending.code())) {
            findings.problems.add(fuzzCase.kind() + ": closed with undocumented code " + ending.code() + " " + ending.reason());
        }
    }

    private void check(String text, FuzzCases.Case fuzzCase) {
        if (text.equals(PONG) || BROADCAST.matcher(text).matches() || NOTICE.matcher(text).matches()) {
            return;
        }
        var error = ERROR_FRAME.matcher(text);
        if (error.matches()) {
            findings.count(fuzzCase.kind() + " -> error \"" + error.group(1) + "\"");
            checkNoInternals(text, "frame after " + fuzzCase.kind());
        } else {
            findings.problems.add(fuzzCase.kind() + ": unexpected frame " + abbreviate(text));
        }
    }

    private void checkNoInternals(String text, String what) {
        try {
            ErrorBodies.assertNoInternals(text, what);
        } catch (AssertionError e) {
            findings.problems.add(e.getMessage());
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
    }

    static List<String> sorted(Map<String, AtomicLong> outcomes) {
        return outcomes.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + ": " + e.getValue()).toList();
    }
}
