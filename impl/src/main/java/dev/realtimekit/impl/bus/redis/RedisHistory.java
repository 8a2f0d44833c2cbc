package dev.realtimekit.impl.bus.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.OptionalOptions;
import org.redisson.client.codec.StringCodec;

import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.HistorySettings;
import dev.realtimekit.impl.history.NumberedEvents;
import dev.realtimekit.impl.history.Position;

/**
 * History topics in Redis: per topic a hash {@code <prefix>history:{<topic>}:meta} (the numbering's
 * epoch and last number) and a stream {@code <prefix>history:{<topic>}:log} (the last events, entry
 * id {@code <seq>-0}, fields {@code t} publish time in ms and {@code p} the bus payload). Numbering,
 * keeping and publishing are one Lua script, so every subscriber sees events in number order and the
 * history holds exactly what was published. Both keys share a hash tag, so they live on one shard.
 *
 * <p>The hash and the stream vanish together when Redis loses its data; the next publish or read
 * then starts a new epoch (and a new stream), which is how clients learn that their position is gone.
 */
final class RedisHistory {

    /**
     * Both scripts start here: the topic's epoch, or a new one (ARGV[1]) with numbering from 0 and an
     * empty stream, when Redis holds none (never numbered, expired, or lost with Redis's data).
     */
    private static final String EPOCH = """
            local epoch = redis.call('HGET', KEYS[1], 'epoch')
            if not epoch then
              epoch = ARGV[1]
              redis.call('DEL', KEYS[2])
              redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
            end
            """;

    /** KEYS: meta, log; ARGV: new epoch, size, now ms, payload, log ttl ms, meta ttl ms, channel, stamp. */
    private static final String PUBLISH = EPOCH + """
            local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
            redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', 't', ARGV[3], 'p', ARGV[4])
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('PUBLISH', ARGV[7], ARGV[8] .. '\\MARKER' .. epoch .. ':' .. seq .. ':' .. ARGV[4])
            return seq
            """.replace("MARKER", Integer.toString(NumberedEvents.MARKER.charAt(0))); // Lua's decimal escape

    /** KEYS: meta, log; ARGV: new epoch, first entry id or '' (position only), count, meta ttl ms. */
    private static final String READ = EPOCH + """
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            local result = {epoch, redis.call('HGET', KEYS[1], 'seq')}
            if ARGV[2] ~= '' then
              for _, entry in ipairs(redis.call('XRANGE', KEYS[2], ARGV[2], '+', 'COUNT', ARGV[3])) do
                local t, p = '0', ''
                local fields = entry[2]
                for i = 1, #fields, 2 do
                  if fields[i] == 't' then t = fields[i + 1] elseif fields[i] == 'p' then p = fields[i + 1] end
                end
                table.insert(result, entry[1])
                table.insert(result, t)
                table.insert(result, p)
              end
            end
            return result
            """;

    private final String prefix;
    private final HistorySettings settings;

    RedisHistory(String prefix, HistorySettings settings) {
        this.prefix = prefix;
        this.settings = settings;
    }

    boolean enabled(String topic) {
        return settings.any() && settings.enabled(topic);
    }

    /** Adds the publish of one numbered event to a batch (its channel is {@code channel}). */
    void publish(RBatch batch, String topic, String channel, String payload) {
        batch.getScript(StringCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, PUBLISH, RScript.ReturnType.INTEGER,
                keys(topic), publishArgs(channel, payload));
    }

    /**
     * Publishes one numbered event, never retried (as {@code RedisEventBus#publishChannel}: a script
     * whose answer timed out may still run in a stalled Redis, and running it again would publish and
     * number the event twice).
     */
    CompletionStage<Object> publish(RedissonClient client, String topic, String channel, String payload, Duration timeout) {
        return client.getScript(OptionalOptions.defaults().codec(StringCodec.INSTANCE).retryAttempts(0).timeout(timeout))
                .evalAsync(RScript.Mode.READ_WRITE, PUBLISH, RScript.ReturnType.INTEGER, keys(topic), publishArgs(channel, payload));
    }

    private Object[] publishArgs(String channel, String payload) {
        String stamp = PublishTime.stamp("");
        return new Object[] {Position.newEpoch(), Integer.toString(settings.size()),
                Long.toString(System.currentTimeMillis()), payload, Long.toString(settings.ttlMs()),
                Long.toString(settings.numberingKeptMs()), channel, stamp};
    }

    /** Reads the position and the events kept after {@code afterSeq} ({@link Long#MAX_VALUE}: position only). */
    CompletionStage<HistoryPage> read(RedissonClient client, String topic, long afterSeq) {
        String firstId = afterSeq == Long.MAX_VALUE ? "" : (afterSeq + 1) + "-0";
        CompletionStage<List<Object>> read = client.getScript(StringCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE,
                READ, RScript.ReturnType.MULTI, keys(topic), Position.newEpoch(), firstId,
                Integer.toString(settings.size()), Long.toString(settings.numberingKeptMs()));
        return read.thenApply(RedisHistory::page);
    }

    private List<Object> keys(String topic) {
        String base = prefix + "history:{" + topic + "}:";
        return List.of(base + "meta", base + "log");
    }

    static HistoryPage page(List<Object> result) {
        String epoch = String.valueOf(result.get(0));
        long last = Long.parseLong(String.valueOf(result.get(1)));
        List<HistoryPage.Entry> entries = new ArrayList<>();
        for (int i = 2; i + 2 < result.size(); i += 3) {
            String id = String.valueOf(result.get(i));
            long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
            entries.add(new HistoryPage.Entry(seq, Long.parseLong(String.valueOf(result.get(i + 1))),
                    String.valueOf(result.get(i + 2))));
        }
        return new HistoryPage(epoch, last, entries);
    }
}
