// Tests of the browser client (impl/src/main/resources/META-INF/resources/realtime-kit.js).
// Node 20's node:test only: `node --test src/test/js/` (run by `mvn test` in impl).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RealtimeClient} from '../../main/resources/META-INF/resources/realtime-kit.js';

/** A WebSocket whose server side the test plays. */
class FakeSocket {
  constructor(url, all) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    all.push(this);
  }
  send(data) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }
  close(code, reason) { this.closedWith = {code, reason}; this.readyState = 2; }
  open() { this.readyState = 1; this.onopen({}); }
  receive(frame) { this.onmessage({data: typeof frame === 'string' ? frame : JSON.stringify(frame)}); }
  closed(code, reason = '') { this.readyState = 3; this.onclose({code, reason, wasClean: code !== 1006}); }
  get query() { return new URL(this.url).searchParams; }
}

/** Timers that only run when the test says so. */
function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout: (fn, ms) => { pending.set(next, {fn, ms}); return next++; },
    clearTimeout: id => pending.delete(id),
    pending,
    /** The one pending timer with this delay, run. */
    run(ms) {
      const found = [...pending].filter(([, t]) => t.ms === ms);
      assert.equal(found.length, 1, `one timer of ${ms} ms among ${[...pending.values()].map(t => t.ms)}`);
      pending.delete(found[0][0]);
      found[0][1].fn();
    },
  };
}

const BASE = 'ws://example.test/chat/ws/';
const E = 'q7Hk2mZp';

/** A client on "general" with fake socket, timers and random; every event it emits is recorded in `seen`. */
function setup(options = {}) {
  const sockets = [];
  const timers = fakeTimers();
  const env = {sockets, timers, seen: [], randomValue: 1};
  env.client = new RealtimeClient(options.base ?? BASE, options.topic ?? 'general', {
    token: 'uuid:alice',
    WebSocket: class extends FakeSocket { constructor(url) { super(url, sockets); } },
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => env.randomValue,
    ...options,
  });
  for (const type of ['open', 'close', 'reconnecting', 'event', 'recovered', 'resync', 'error', 'subscribed',
    'unsubscribed']) {
    env.client.on(type, detail => env.seen.push([type, detail]));
  }
  env.last = () => sockets[sockets.length - 1];
  env.of = type => env.seen.filter(([t]) => t === type).map(([, d]) => d);
  /** The pending reconnect: its delay, after checking it is the only timer. */
  env.reconnectDelay = () => {
    assert.equal(timers.pending.size, 1, 'only the reconnect timer is pending');
    return [...timers.pending.values()][0].ms;
  };
  env.client.connect();
  return env;
}

/** Runs the promise callbacks queued so far. */
const flush = () => new Promise(resolve => setImmediate(resolve));

/** How a promise settled, after flush(): {state: 'pending' | 'resolved' | 'rejected', value, error}. */
function track(promise) {
  const outcome = {state: 'pending'};
  promise.then(value => Object.assign(outcome, {state: 'resolved', value}),
      error => Object.assign(outcome, {state: 'rejected', error}));
  return outcome;
}

test('connects to base + topic with the token in the query, and no since without a position', () => {
  const env = setup({topic: 'private-user-1 2', token: () => 'uuid:alice & bob'});
  assert.equal(env.sockets.length, 1);
  assert.equal(env.last().url, 'ws://example.test/chat/ws/private-user-1%202?token=uuid%3Aalice%20%26%20bob');
  assert.equal(env.last().query.get('since'), null);
  assert.equal(env.client.state, 'connecting');
  env.last().open();
  assert.equal(env.client.state, 'open');
  assert.deepEqual(env.of('open'), [{reconnected: false, recovering: false}]);
});

test('a base without a trailing slash gets one; the token function is asked at every connect', () => {
  let n = 0;
  const env = setup({base: 'wss://h/app/ws', token: () => 'tok' + ++n});
  assert.equal(env.last().url, 'wss://h/app/ws/general?token=tok1');
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  assert.equal(env.last().url, 'wss://h/app/ws/general?token=tok2');
});

test('backoff delays grow by the factor, are jittered by random() and capped', () => {
  const env = setup();
  const randoms = [1, 0.5, 0.25, 1, 1, 1, 1, 0.5, 1];
  const delays = [];
  for (const r of randoms) {
    env.randomValue = r;
    env.last().closed(1006); // never opened
    delays.push(env.reconnectDelay());
    env.timers.run(delays[delays.length - 1]);
  }
  // full jitter: random() * min(30000, 500 * 2^(n-1))
  assert.deepEqual(delays, [500, 500, 500, 4000, 8000, 16000, 30000, 15000, 30000]);
  assert.deepEqual(env.of('reconnecting').map(d => d.attempt), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(env.of('reconnecting').map(d => d.delay), delays);
  assert.equal(env.sockets.length, randoms.length + 1);
  assert.ok(env.of('close').every(d => d.code === 1006 && d.willReconnect === true));
});

test('the backoff options are used', () => {
  const env = setup({backoffBase: 100, backoffFactor: 3, backoffCap: 500});
  const delays = [];
  for (let i = 0; i < 4; i++) {
    env.last().closed(1006);
    delays.push(env.reconnectDelay());
    env.timers.run(delays[i]);
  }
  assert.deepEqual(delays, [100, 300, 500, 500]);
});

test('the backoff starts over after a connection stayed open stableAfter ms, not when it closes sooner', () => {
  const env = setup({stableAfter: 7000});
  for (let i = 0; i < 3; i++) { env.last().closed(1006); env.timers.run(env.reconnectDelay()); }
  env.last().open();
  env.last().closed(1006); // open, but closed before it was stable
  assert.equal(env.reconnectDelay(), 4000);
  env.timers.run(4000);
  env.last().open();
  env.timers.run(7000); // stayed open
  env.last().closed(1001, 'Ping timeout');
  assert.equal(env.reconnectDelay(), 500);
  assert.equal(env.of('reconnecting').at(-1).attempt, 1);
});

test("the backoff starts over with the path topic's position frame", () => {
  const env = setup();
  for (let i = 0; i < 3; i++) { env.last().closed(1006); env.timers.run(env.reconnectDelay()); }
  env.last().open();
  env.last().receive({type: 'subscribed', topic: 'general', epoch: E, seq: 5});
  env.last().closed(1006);
  assert.equal(env.reconnectDelay(), 500);
});

test('1012 and 1013 reconnect after a random delay of up to restartDelay, then back off', () => {
  const defaults = setup();
  defaults.last().open();
  defaults.randomValue = 0.5;
  defaults.last().closed(1012, 'Service restart');
  assert.equal(defaults.reconnectDelay(), 1000, 'by default a spread of 2 s');
  for (const code of [1012, 1013]) {
    const env = setup({restartDelay: 3000});
    env.last().open();
    env.timers.run(5000);
    env.randomValue = 0.9;
    env.last().closed(code, code === 1012 ? 'Service restart' : 'Connection expired');
    assert.equal(env.reconnectDelay(), 2700, `${code}: 0.9 of the 3 s spread`);
    assert.deepEqual(env.of('close'), [{code, reason: code === 1012 ? 'Service restart' : 'Connection expired',
      willReconnect: true}]);
    env.timers.run(2700);
    env.randomValue = 1;
    env.last().closed(1006); // the next node refused too: the backoff goes on from there
    assert.equal(env.reconnectDelay(), 1000, `${code}: then the backoff's second step`);
    env.timers.run(1000);
    env.last().open();
    env.last().closed(code); // again, before the connection was stable: no short cut
    assert.equal(env.reconnectDelay(), 2000, `${code}: a repeated ${code} backs off`);
  }
});

test('state follows the connection, and is already the new one when close is emitted', () => {
  const env = setup();
  const states = [env.client.state];
  env.client.on('close', () => states.push(env.client.state));
  env.client.on('reconnecting', () => states.push(env.client.state));
  env.last().open();
  states.push(env.client.state);
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  states.push(env.client.state);
  env.last().open();
  env.last().closed(1000);
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'reconnecting', 'connecting', 'closed']);
});

test('a connection closed with 1000 by the server is not reconnected', () => {
  const env = setup();
  env.last().open();
  env.last().closed(1000, 'bye');
  assert.deepEqual(env.of('close'), [{code: 1000, reason: 'bye', willReconnect: false}]);
  assert.equal(env.timers.pending.size, 0);
  assert.equal(env.of('reconnecting').length, 0);
  assert.equal(env.sockets.length, 1);
  assert.equal(env.client.state, 'closed');
});

test('close() closes with 1000 and never reconnects, whatever code the close event then has', () => {
  const env = setup();
  env.last().open();
  env.client.close();
  assert.deepEqual(env.last().closedWith, {code: 1000, reason: ''});
  env.last().closed(1006);
  assert.deepEqual(env.of('close'), [{code: 1006, reason: '', willReconnect: false}]);
  assert.equal(env.timers.pending.size, 0);
  assert.equal(env.sockets.length, 1);
  assert.equal(env.client.send({type: 'ping'}), false);
});

test('close() while waiting to reconnect cancels the reconnect', () => {
  const env = setup();
  env.last().closed(1006);
  assert.equal(env.timers.pending.size, 1);
  env.client.close();
  assert.equal(env.timers.pending.size, 0);
  assert.deepEqual(env.of('close').at(-1), {code: 1000, reason: '', willReconnect: false});
  assert.equal(env.client.state, 'closed');
  assert.equal(env.sockets.length, 1);
});

test('shouldReconnect decides which codes are reconnected', () => {
  const env = setup({shouldReconnect: code => code < 4000});
  env.last().open();
  env.last().closed(4001, 'kicked');
  assert.deepEqual(env.of('close'), [{code: 4001, reason: 'kicked', willReconnect: false}]);
  assert.equal(env.timers.pending.size, 0);
});

test('connect() again after close() opens a new connection', () => {
  const env = setup();
  env.last().open();
  env.client.close();
  env.client.connect(); // before the old socket's close event
  assert.equal(env.sockets.length, 2);
  env.sockets[0].closed(1000); // late: ignored
  env.last().open();
  assert.equal(env.client.state, 'open');
  assert.equal(env.of('close').length, 1);
});

test('send() writes JSON (strings as they are) only while open', () => {
  const env = setup();
  assert.equal(env.client.send({type: 'ping'}), false);
  env.last().open();
  assert.equal(env.client.send({type: 'send', room: 'general', text: 'hi'}), true);
  assert.equal(env.client.send('{"type":"ping"}'), true);
  assert.deepEqual(env.last().sent, [{type: 'send', room: 'general', text: 'hi'}, {type: 'ping'}]);
});

test('the handshake carries since=<epoch>:<seq> of the last event seen on the path topic', () => {
  const env = setup();
  env.last().open();
  env.last().receive({type: 'subscribed', topic: 'general', epoch: E, seq: 41});
  assert.deepEqual(env.client.position('general'), {epoch: E, seq: 41});
  env.last().receive({type: 'event', topic: 'general', epoch: E, seq: 42, event: {type: 'message', text: 'a'}});
  env.last().receive({type: 'event', topic: 'general', epoch: E, seq: 43, event: {type: 'message', text: 'b'}});
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  assert.equal(env.last().query.get('since'), `${E}:43`);
  assert.ok(env.last().url.includes(`&since=${E}:43`), env.last().url);
  env.last().open();
  assert.deepEqual(env.of('open').at(-1), {reconnected: true, recovering: true});
});

test('positions given to the constructor are used on the first handshake', () => {
  const env = setup({positions: {general: {epoch: E, seq: 9}, random: {epoch: 'R1', seq: 3}}});
  assert.equal(env.last().query.get('since'), `${E}:9`);
  env.client.subscribe('random');
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random', since: 'R1:3'}]);
});

test('subscribe sends the control frame and resolves on subscribed; re-sent with since after a reconnect', async () => {
  const env = setup();
  env.last().open();
  const first = track(env.client.subscribe('random'));
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random'}]);
  env.last().receive({type: 'subscribed', topic: 'random', epoch: 'R1', seq: 7});
  await flush();
  assert.deepEqual(first, {state: 'resolved', value: {type: 'subscribed', topic: 'random', epoch: 'R1', seq: 7}});
  env.last().receive({type: 'event', topic: 'random', epoch: 'R1', seq: 8, event: {type: 'joined', user: 'bob'}});
  assert.deepEqual(env.of('event'), [{topic: 'random', event: {type: 'joined', user: 'bob'}, epoch: 'R1', seq: 8}]);
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  assert.equal(env.last().query.get('since'), null, 'the path topic has no position');
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random', since: 'R1:8'}]);
  env.last().receive({type: 'recovered', topic: 'random', epoch: 'R1', seq: 8, replayed: 0});
  assert.deepEqual(env.of('recovered'), [{topic: 'random', epoch: 'R1', seq: 8, replayed: 0}]);
});

test('a subscribe made while disconnected is sent on open and resolved by its answer', async () => {
  const env = setup();
  const pending = track(env.client.subscribe('random'));
  assert.deepEqual(env.client.topics, ['random']);
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random'}]);
  env.last().closed(1006); // unanswered: waits for the next connection
  await flush();
  assert.equal(pending.state, 'pending');
  env.timers.run(env.reconnectDelay());
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random'}]);
  env.last().receive({type: 'subscribed', topic: 'random'});
  await flush();
  assert.deepEqual(pending, {state: 'resolved', value: {type: 'subscribed', topic: 'random'}});
  assert.deepEqual(env.of('subscribed'), [{type: 'subscribed', topic: 'random'}]);
});

test('subscribing the path topic is refused locally', async () => {
  const env = setup();
  env.last().open();
  await assert.rejects(env.client.subscribe('general'), /connection topic/);
  await assert.rejects(env.client.unsubscribe('general'), /connection topic/);
  assert.deepEqual(env.last().sent, []);
});

test('unsubscribe resolves on unsubscribed, and the topic is not re-sent after a reconnect', async () => {
  const env = setup();
  env.last().open();
  env.client.subscribe('random');
  env.client.subscribe('other');
  env.last().receive({type: 'subscribed', topic: 'random', epoch: 'R1', seq: 2});
  env.last().receive({type: 'subscribed', topic: 'other'});
  const done = track(env.client.unsubscribe('random'));
  assert.deepEqual(env.last().sent.at(-1), {type: 'unsubscribe', topic: 'random'});
  env.last().receive({type: 'unsubscribed', topic: 'random'});
  await flush();
  assert.deepEqual(done, {state: 'resolved', value: {type: 'unsubscribed', topic: 'random'}});
  assert.equal(env.of('unsubscribed').length, 1);
  assert.equal(env.client.position('random'), undefined);
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'other'}]);
});

test('unsubscribing a topic not subscribed yet rejects that subscribe and sends nothing', async () => {
  const env = setup();
  const pending = track(env.client.subscribe('random'));
  const done = track(env.client.unsubscribe('random'));
  await flush();
  assert.equal(pending.state, 'rejected');
  assert.match(pending.error.message, /unsubscribed before subscribed/);
  assert.deepEqual(done, {state: 'resolved', value: null});
  env.last().open();
  assert.deepEqual(env.last().sent, []);
  assert.deepEqual(env.client.topics, []);
});

test('a replayed duplicate is dropped; the same seq of a new epoch is not', () => {
  const env = setup();
  env.last().open();
  env.last().receive({type: 'subscribed', topic: 'general', epoch: E, seq: 41});
  env.last().receive({type: 'event', topic: 'general', epoch: E, seq: 42, event: {n: 42}});
  env.last().receive({type: 'event', topic: 'general', epoch: E, seq: 43, event: {n: 43}});
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  env.last().open();
  for (const seq of [42, 43, 44]) env.last().receive({type: 'event', topic: 'general', epoch: E, seq, event: {n: seq}});
  env.last().receive({type: 'recovered', topic: 'general', epoch: E, seq: 44, replayed: 3});
  env.last().receive({type: 'event', topic: 'general', epoch: E, seq: 44, event: {n: 44}}); // once more
  env.last().receive({type: 'event', topic: 'general', epoch: 'other', seq: 44, event: {n: 'x'}});
  assert.deepEqual(env.of('event').map(d => [d.epoch, d.seq, d.event.n]),
      [[E, 42, 42], [E, 43, 43], [E, 44, 44], ['other', 44, 'x']]);
  assert.deepEqual(env.of('recovered'), [{topic: 'general', epoch: E, seq: 44, replayed: 3}]);
  assert.deepEqual(env.client.position('general'), {epoch: 'other', seq: 44});
});

test('resync sets the position to its epoch and seq, at a reconnect and mid-stream', () => {
  const env = setup({positions: {general: {epoch: E, seq: 10}}});
  env.last().open();
  env.last().receive({type: 'resync', topic: 'general', epoch: 'New1', seq: 100, reason: 'epoch-changed'});
  assert.deepEqual(env.of('resync'), [{topic: 'general', epoch: 'New1', seq: 100, reason: 'epoch-changed'}]);
  assert.deepEqual(env.client.position('general'), {epoch: 'New1', seq: 100});
  env.last().receive({type: 'event', topic: 'general', epoch: 'New1', seq: 100, event: {n: 100}}); // not after it
  env.last().receive({type: 'event', topic: 'general', epoch: 'New1', seq: 101, event: {n: 101}});
  env.last().receive({type: 'resync', topic: 'general', epoch: 'New1', seq: 150, reason: 'unavailable'});
  env.last().receive({type: 'event', topic: 'general', epoch: 'New1', seq: 151, event: {n: 151}});
  assert.deepEqual(env.of('event').map(d => d.seq), [101, 151]);
  assert.equal(env.of('resync').at(-1).reason, 'unavailable');
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  assert.equal(env.last().query.get('since'), 'New1:151');
});

test('a resync answers a subscribe with since', async () => {
  const env = setup({positions: {random: {epoch: 'R1', seq: 3}}});
  env.last().open();
  const answer = track(env.client.subscribe('random'));
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random', since: 'R1:3'}]);
  env.last().receive({type: 'resync', topic: 'random', epoch: 'R2', seq: 0, reason: 'expired'});
  await flush();
  assert.equal(answer.state, 'resolved');
  assert.equal(answer.value.type, 'resync');
  assert.deepEqual(env.client.position('random'), {epoch: 'R2', seq: 0});
});

test('error frames surface as events; one with a topic rejects that subscribe, which is then forgotten', async () => {
  const env = setup();
  env.last().open();
  const refused = track(env.client.subscribe('private-user-2'));
  const other = track(env.client.subscribe('random'));
  env.last().receive({type: 'error', message: 'Rate limit exceeded'}); // about a message: rejects nothing
  env.last().receive({type: 'error', message: 'Forbidden', topic: 'private-user-2', status: 403});
  await flush();
  assert.equal(refused.state, 'rejected');
  assert.deepEqual([refused.error.status, refused.error.message, refused.error.frame.topic],
      [403, 'Forbidden', 'private-user-2']);
  assert.equal(other.state, 'pending', 'the other topic still waits for its answer');
  assert.deepEqual(env.of('error'), [{type: 'error', message: 'Rate limit exceeded'},
    {type: 'error', message: 'Forbidden', topic: 'private-user-2', status: 403}]);
  assert.deepEqual(env.client.topics, ['random']);
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  env.last().open();
  assert.deepEqual(env.last().sent, [{type: 'subscribe', topic: 'random'}]);
});

test('a resync without a position (the topic keeps no history) forgets the position: the next handshake has no since', () => {
  const env = setup({positions: {general: {epoch: E, seq: 5}}});
  assert.equal(env.last().query.get('since'), `${E}:5`);
  env.last().open();
  env.last().receive({type: 'resync', topic: 'general', reason: 'no-history'});
  assert.deepEqual(env.of('resync'), [{topic: 'general', epoch: undefined, seq: undefined, reason: 'no-history'}]);
  assert.equal(env.client.position('general'), undefined);
  env.last().closed(1006);
  env.timers.run(env.reconnectDelay());
  assert.equal(env.last().query.get('since'), null);
});

test('handshakes keep their since however many fail in a row', () => {
  const env = setup({positions: {general: {epoch: E, seq: 5}}});
  const since = [env.last().query.get('since')];
  for (let i = 0; i < 6; i++) {
    env.last().closed(1006);
    env.timers.run(env.reconnectDelay());
    since.push(env.last().query.get('since'));
  }
  assert.deepEqual(since, Array(7).fill(`${E}:5`));
});

test('pending subscribes are rejected when the client closes', async () => {
  const env = setup();
  const pending = track(env.client.subscribe('random'));
  env.client.close();
  env.last().closed(1000);
  await flush();
  assert.equal(pending.state, 'rejected');
  assert.match(pending.error.message, /connection closed/);
});

test('bare frames are application events of the path topic; wrapped ones carry their topic', () => {
  const env = setup();
  env.last().open();
  const frames = [
    {type: 'message', room: 'general', user: 'bob', text: 'hi'},
    {type: 'pong'},
    {type: 'subscribed', text: 'no topic: the application\'s'},
    {type: 'event', name: 'no topic either'},
    [1, 2],
    {type: 'event', topic: 'random', event: {type: 'joined', room: 'random', user: 'carol'}},
    {type: 'event', topic: 'general', epoch: E, seq: 1, event: {type: 'left', room: 'general', user: 'dan'}},
  ];
  for (const f of frames) env.last().receive(f);
  assert.deepEqual(env.of('event'), [
    {topic: 'general', event: frames[0]},
    {topic: 'general', event: frames[1]},
    {topic: 'general', event: frames[2]},
    {topic: 'general', event: frames[3]},
    {topic: 'general', event: [1, 2]},
    {topic: 'random', event: {type: 'joined', room: 'random', user: 'carol'}},
    {topic: 'general', event: {type: 'left', room: 'general', user: 'dan'}, epoch: E, seq: 1},
  ]);
  assert.equal(env.of('subscribed').length, 0);
  assert.deepEqual(env.client.positions, {general: {epoch: E, seq: 1}});
});

test('addEventListener receives CustomEvents with the detail', () => {
  const env = setup();
  const got = [];
  env.client.addEventListener('event', e => got.push(e.detail));
  env.last().open();
  env.last().receive({type: 'pong'});
  assert.deepEqual(got, [{topic: 'general', event: {type: 'pong'}}]);
});
