package dev.realtimekit.it.hardening;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;

import dev.realtimekit.testsupport.RedisProcess;

/**
 * A test class whose deployment, deployed by the test itself ({@link #deployer}), uses a
 * {@code redis-server} of the class's own: started when Arquillian builds the deployment (before any
 * test runs), stopped after the class.
 */
abstract class WithOwnRedis {

    static RedisProcess redis;

    @ArquillianResource
    Deployer deployer;

    /** Starts the class's Redis. @return the MicroProfile Config line that points the kit at it */
    static String startRedis() throws Exception {
        redis = RedisProcess.start();
        return "realtime.redis.address=" + redis.address() + "\n";
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
