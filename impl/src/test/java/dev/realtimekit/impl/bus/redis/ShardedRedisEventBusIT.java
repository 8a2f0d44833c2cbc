package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.testsupport.RedisClusterProcess;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Sharded pub/sub on a real three-master Redis Cluster: with {@code realtime.redis.sharded=true} the
 * nodes use SSUBSCRIBE/SPUBLISH, so each channel lives on the shard that owns its slot.
 */
class ShardedRedisEventBusIT {

    private static RedisClusterProcess cluster;
    private static Path yaml;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisClusterProcess.start();
        yaml = Files.createTempFile("redisson-cluster-", ".yaml");
        Files.writeString(yaml, cluster.redissonYaml());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Files.deleteIfExists(yaml);
        cluster.close();
    }

    @Test
    void eventsCrossNodesThroughShardChannelsSpreadOverTheShards() throws Exception {
        String prefix = "sharded:";
        try (Node a = new Node(RealtimeConfigs.redisFile(yaml.toString(), prefix, true));
                Node b = new Node(RealtimeConfigs.redisFile(yaml.toString(), prefix, true))) {
            int topics = 30;
            for (int i = 0; i < topics; i++) {
                b.subscribe("room-" + i);
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < topics; i++) {
                a.publish("room-" + i, "hello-" + i);
                expected.add("room-" + i + "|hello-" + i);
            }
            assertEquals(expected, new HashSet<>(b.next(topics)));

            // Every channel is a shard channel on exactly one master, and the masters share them.
            List<String> shardChannels = new ArrayList<>();
            int mastersWithChannels = 0;
            for (RedisProcess node : cluster.nodes()) {
                String out = node.cli("PUBSUB", "SHARDCHANNELS", prefix + "*");
                List<String> own = out.isEmpty() ? List.of() : List.of(out.split("\n"));
                shardChannels.addAll(own);
                mastersWithChannels += own.isEmpty() ? 0 : 1;
                assertEquals("", node.cli("PUBSUB", "CHANNELS", prefix + "*"), "no classic channels are used");
            }
            assertEquals(topics, shardChannels.size());
            assertEquals(topics, new HashSet<>(shardChannels).size());
            assertEquals(3, mastersWithChannels, "30 channels hash to slots on all three masters");
        }
    }
}
