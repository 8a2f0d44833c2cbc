package dev.realtimekit.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.RedisClusterProcess;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Two Liberty nodes on a three-master Redis Cluster with {@code realtime.redis.sharded=true}
 * (a Redisson YAML file given to cluster.sh as REDIS_CONFIG): events cross nodes over shard channels.
 */
class ShardedClusterIT {

    private static RedisClusterProcess redis;
    private static SampleCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisClusterProcess.start();
        Path yaml = Path.of("target", "redisson-cluster.yaml").toAbsolutePath();
        Files.writeString(yaml, redis.redissonYaml());
        cluster = SampleCluster.start("sharded-cluster-it",
                Map.of("REDIS_CONFIG", yaml.toString(), "REALTIME_REDIS_SHARDED", "true"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        SampleCluster.stop(cluster, redis);
    }

    @Test
    void broadcastsCrossNodesOverShardChannels() throws Exception {
        try (WsClient alice = WsClient.connect(cluster.node(0), "general", UUID.randomUUID() + ":alice").ignoring(ChatFrames.NOTICES);
                WsClient bob = WsClient.connect(cluster.node(1), "general", UUID.randomUUID() + ":bob").ignoring(ChatFrames.NOTICES);
                WsClient carol = WsClient.connect(cluster.node(1), "random", UUID.randomUUID() + ":carol").ignoring(ChatFrames.NOTICES)) {
            alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"sharded\"}");
            String expected = "{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"sharded\"}";
            alice.expect(expected);
            bob.expect(expected);
            carol.expectNothingBeforePong();

            long shardSubscribers = 0;
            for (RedisProcess node : redis.nodes()) {
                String[] lines = node.cli("PUBSUB", "SHARDNUMSUB", "realtime:general").split("\n");
                shardSubscribers += Long.parseLong(lines[lines.length - 1].trim());
                assertEquals("", node.cli("PUBSUB", "CHANNELS", "realtime:*"), "no classic pub/sub channels");
            }
            assertEquals(2, shardSubscribers, "both nodes subscribed to the shard channel of 'general'");
        }
    }
}
