package dev.realtimekit.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of the test's own: three masters started with {@code --cluster-enabled yes} and
 * joined with {@code redis-cli --cluster create}.
 */
public final class RedisClusterProcess implements AutoCloseable {

    private final List<RedisProcess> nodes = new ArrayList<>();

    private RedisClusterProcess() {
    }

    public static RedisClusterProcess start() throws Exception {
        RedisClusterProcess cluster = new RedisClusterProcess();
        try {
            for (int i = 0; i < 3; i++) {
                cluster.nodes.add(RedisProcess.start(List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")));
            }
            List<String> create = new ArrayList<>(List.of(RedisBinaries.cli().toString(), "--cluster", "create"));
            for (RedisProcess node : cluster.nodes) {
                create.add("127.0.0.1:" + node.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            RedisProcess.run(create, Duration.ofSeconds(60));
            cluster.awaitHealthy();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** @return the Redisson YAML that points a client at this cluster */
    public String redissonYaml() {
        StringBuilder yaml = new StringBuilder("clusterServersConfig:\n  nodeAddresses:\n");
        for (RedisProcess node : nodes) {
            yaml.append("  - \"").append(node.address()).append("\"\n");
        }
        yaml.append("  subscriptionsPerConnection: 1000\n  subscriptionConnectionPoolSize: 20\n");
        return yaml.toString();
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (RedisProcess node : nodes) {
            while (!node.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Redis cluster did not become healthy: " + node.cli("CLUSTER", "INFO"));
                }
                Thread.sleep(100); // poll interval while the cluster converges
            }
        }
    }

    @Override
    public void close() throws java.io.IOException {
        java.io.IOException failure = null;
        for (RedisProcess node : nodes) {
            try {
                node.close();
            } catch (java.io.IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
