package dev.realtimekit.examples.counter;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.realtimekit.test.RealtimeTestKit;
import dev.realtimekit.test.SimulatedClient;

/** The counter's protocol on the testing kit's simulated nodes: no server, no Redis. */
class CounterHandlerTest {

    @Test
    void anIncrementReachesEverySubscriberAndAGetOnlyItsSender() {
        try (RealtimeTestKit kit = RealtimeTestKit.builder(CounterHandler::new, NameTokenValidator::new).start()) {
            SimulatedClient ann = kit.connect("clicks", "ann");
            SimulatedClient bob = kit.connect("clicks", "bob");
            ann.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":0}");
            bob.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":0}");

            ann.send("{\"type\":\"increment\"}");
            ann.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}");
            bob.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}");

            bob.send("{\"type\":\"get\"}");
            bob.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}");
            ann.expectNoFrame(Duration.ofMillis(200));

            ann.send("{\"type\":\"reset\"}");
            ann.expectFrame("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
        }
    }

    /**
     * Without Redis (here: no CDI, so no kit client) the counters are in each node's memory, and each
     * node counts only its own clients' increments: the pitfall the handler's comment and the README's
     * "State across nodes" describe, and why the handler keeps them in Redis when the kit uses it
     * (CounterClusterIT: two real nodes agree).
     */
    @Test
    void withoutRedisEachNodeCountsOnlyItsOwnClients() {
        try (RealtimeTestKit kit = RealtimeTestKit.builder(CounterHandler::new, NameTokenValidator::new)
                .nodes(2)
                .start()) {
            SimulatedClient ann = kit.node(0).connect("clicks", "ann");
            SimulatedClient bob = kit.node(1).connect("clicks", "bob");
            ann.nextFrame();
            bob.nextFrame();

            ann.send("{\"type\":\"increment\"}");
            bob.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}");
            bob.send("{\"type\":\"increment\"}");
            ann.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}"); // node 0's own
            ann.expectFrame("{\"type\":\"count\",\"topic\":\"clicks\",\"value\":1}"); // node 1's, not 2
        }
    }
}
