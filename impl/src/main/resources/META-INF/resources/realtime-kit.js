/**
 * Realtime Kit browser client: one WebSocket to `<base><topic>`, reconnected with backoff, topics followed
 * with the kit's subscribe frames, and the position (epoch, seq) of every history topic handed back on
 * reconnect so the server can replay what was missed. No dependencies; an ES module.
 *
 * Served by every application that has the kit's jar in WEB-INF/lib at `/<context-root>/realtime-kit.js`.
 * @module realtime-kit
 */

const OPEN = 1;
const CONTROL = new Set(['subscribed', 'unsubscribed', 'recovered', 'resync']);

/**
 * @typedef {object} Position
 * @property {string} epoch opaque; changes when the topic's history was lost
 * @property {number} seq the last event processed
 */

/**
 * @typedef {object} RealtimeOptions
 * @property {string|(() => string)} [token] sent as the `token` query parameter; a function is asked at every connect
 * @property {Object<string, Position>} [positions] positions to start from (e.g. kept across a page reload)
 * @property {number} [backoffBase=500] ms; the n-th reconnect in a row waits random() * min(cap, base * factor^(n-1))
 * @property {number} [backoffFactor=2]
 * @property {number} [backoffCap=30000] ms
 * @property {number} [restartDelay=2000] ms; after 1012 (Service restart) or 1013 the first reconnect waits random() * this
 * @property {number} [stableAfter=5000] ms open (or the path topic's position frame) after which the backoff starts over
 * @property {(code: number, reason: string) => boolean} [shouldReconnect] default: every code but 1000
 * @property {typeof WebSocket} [WebSocket] for tests; default the global one
 * @property {(fn: () => void, ms: number) => any} [setTimeout] for tests
 * @property {(handle: any) => void} [clearTimeout] for tests
 * @property {() => number} [random] for tests; default Math.random
 */

/**
 * A connection to one path topic, plus the topics followed over it.
 *
 * Events (`addEventListener(type, e => e.detail)` or `on(type, detail => ...)`):
 * - `open` `{reconnected, recovering}`: the socket opened; `recovering` when `since` was sent for the path topic
 * - `close` `{code, reason, willReconnect}`
 * - `reconnecting` `{attempt, delay}`: the next try starts in `delay` ms (`attempt` counts from 1)
 * - `event` `{topic, event, epoch, seq}` (history topics) or `{topic, event}` (topics without history)
 * - `recovered` `{topic, epoch, seq, replayed}`: the missed events were replayed (they came just before)
 * - `resync` `{topic, epoch, seq, reason}`: missed events are lost; reload the topic's state
 * - `subscribed` / `unsubscribed` / `error`: the server's frame, parsed
 */
export class RealtimeClient extends EventTarget {
  #base; #topic; #opts; #ws = null; #state = 'idle'; #closing = false;
  #attempt = 0; #timer = null; #stableTimer = null; #opened = false; #everOpened = false;
  #sentSince = false;
  /** @type {Map<string, Position>} */ #positions = new Map();
  /** @type {Set<string>} */ #topics = new Set();
  /** @type {Map<string, Array<{resolve: Function, reject: Function}>>} */ #waiting = new Map();
  /** @type {Map<string, Array<{kind: string, since: boolean, settle: Array}>>} */ #inflight = new Map();

  /**
   * @param {string} base e.g. `ws://host/chat/ws/` (a missing trailing slash is added)
   * @param {string} topic the path topic
   * @param {RealtimeOptions} [options]
   */
  constructor(base, topic, options = {}) {
    super();
    this.#base = base.endsWith('/') ? base : base + '/';
    this.#topic = topic;
    this.#opts = {
      backoffBase: 500, backoffFactor: 2, backoffCap: 30000, restartDelay: 2000, stableAfter: 5000,
      shouldReconnect: code => code !== 1000, WebSocket: globalThis.WebSocket,
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: h => globalThis.clearTimeout(h),
      random: Math.random, ...options,
    };
    for (const [t, p] of Object.entries(options.positions || {})) this.#positions.set(t, {epoch: p.epoch, seq: p.seq});
  }

  /** The connection's path topic. */
  get topic() { return this.#topic; }

  /** `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  get state() { return this.#state; }

  /** Topics followed with subscribe frames (re-sent after every reconnect). */
  get topics() { return [...this.#topics]; }

  /**
   * @param {string} topic
   * @returns {Position|undefined} the position of the last event processed on a history topic
   */
  position(topic) {
    const p = this.#positions.get(topic);
    return p && {...p};
  }

  /** @returns {Object<string, Position>} every known position, e.g. to keep it across a page reload */
  get positions() { return Object.fromEntries([...this.#positions].map(([t, p]) => [t, {...p}])); }

  /** Opens the connection (again after `close()`). @returns {this} */
  connect() {
    if (this.#ws && this.#closing) this.#onClose(1000, ''); // close() not finished yet: this socket is done
    if (this.#ws || this.#timer !== null) return this;
    this.#closing = false;
    this.#attempt = 0;
    this.#open(false);
    return this;
  }

  /**
   * Sends a message (an object is sent as JSON, a string as it is).
   * @returns {boolean} false when the connection is not open (nothing is queued)
   */
  send(message) {
    if (!this.#ws || this.#ws.readyState !== OPEN) return false;
    this.#ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  /**
   * Follows a topic over this connection, now and after every reconnect (from its position when known).
   * @param {string} topic
   * @returns {Promise<object>} the `subscribed` (or `recovered` / `resync`) frame; rejected with an Error whose
   *   `frame` is the error frame (`status` 403, 404, ...), or when the client closes first
   */
  subscribe(topic) {
    if (topic === this.#topic) return Promise.reject(new Error('already the connection topic: ' + topic));
    return new Promise((resolve, reject) => {
      this.#topics.add(topic);
      const waiter = {resolve, reject};
      if (this.#isOpen()) this.#sendSubscribe(topic, [waiter]);
      else this.#list(this.#waiting, topic).push(waiter);
    });
  }

  /**
   * Stops following a topic.
   * @param {string} topic
   * @returns {Promise<object|null>} the `unsubscribed` frame, or null when not connected
   */
  unsubscribe(topic) {
    if (topic === this.#topic) return Promise.reject(new Error('cannot unsubscribe the connection topic: ' + topic));
    this.#topics.delete(topic);
    this.#positions.delete(topic);
    for (const w of this.#waiting.get(topic) || []) w.reject(new Error('unsubscribed before subscribed: ' + topic));
    this.#waiting.delete(topic);
    if (!this.#isOpen()) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#list(this.#inflight, topic).push({kind: 'unsubscribe', since: false, settle: [{resolve, reject}]});
      this.#ws.send(JSON.stringify({type: 'unsubscribe', topic}));
    });
  }

  /**
   * Closes the connection for good (until `connect()`); pending subscribes are rejected.
   * @param {number} [code=1000]
   * @param {string} [reason]
   */
  close(code = 1000, reason = '') {
    this.#closing = true;
    this.#cancelTimers();
    if (this.#ws) {
      this.#ws.close(code, reason); // its close event finishes the job
    } else if (this.#state !== 'closed' && this.#state !== 'idle') {
      this.#finish();
      this.#emit('close', {code, reason, willReconnect: false});
    }
  }

  /**
   * Adds a listener that receives the event's detail.
   * @param {string} type
   * @param {(detail: any) => void} fn
   * @returns {() => void} removes the listener
   */
  on(type, fn) {
    const listener = e => fn(e.detail);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  #open(retry) {
    const token = typeof this.#opts.token === 'function' ? this.#opts.token() : this.#opts.token;
    const position = this.#positions.get(this.#topic);
    const query = [];
    if (token != null) query.push('token=' + encodeURIComponent(token));
    this.#sentSince = Boolean(position);
    if (this.#sentSince) query.push('since=' + position.epoch + ':' + position.seq);
    const url = this.#base + encodeURIComponent(this.#topic) + (query.length ? '?' + query.join('&') : '');
    this.#state = 'connecting';
    this.#opened = false;
    let ws;
    try {
      ws = new this.#opts.WebSocket(url);
    } catch (e) {
      this.#state = 'idle';
      if (!retry) throw e;
      this.#onClose(1006, String(e && e.message)); // counts as a failed attempt
      return;
    }
    this.#ws = ws;
    ws.onopen = () => ws === this.#ws && this.#onOpen();
    ws.onmessage = e => ws === this.#ws && this.#onMessage(e.data);
    ws.onclose = e => ws === this.#ws && this.#onClose(e.code, e.reason || '');
  }

  #onOpen() {
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#state = 'open';
    this.#opened = true;
    this.#stableTimer = this.#opts.setTimeout(() => { this.#stableTimer = null; this.#attempt = 0; }, this.#opts.stableAfter);
    this.#emit('open', {reconnected, recovering: this.#sentSince});
    for (const topic of this.#topics) {
      const waiting = this.#waiting.get(topic) || [];
      this.#waiting.delete(topic);
      this.#sendSubscribe(topic, waiting);
    }
  }

  #onMessage(data) {
    let frame;
    try { frame = JSON.parse(data); } catch { frame = data; }
    const kit = frame !== null && typeof frame === 'object' && !Array.isArray(frame)
        && (frame.type === 'error' || ((frame.type === 'event' || CONTROL.has(frame.type)) && typeof frame.topic === 'string'));
    if (!kit) { this.#emit('event', {topic: this.#topic, event: frame}); return; }
    const {type, topic} = frame;
    if (type === 'event') {
      if (typeof frame.epoch !== 'string' || typeof frame.seq !== 'number') {
        this.#emit('event', {topic, event: frame.event});
        return;
      }
      const known = this.#positions.get(topic);
      if (known && known.epoch === frame.epoch && frame.seq <= known.seq) return; // a duplicate
      this.#positions.set(topic, {epoch: frame.epoch, seq: frame.seq});
      this.#emit('event', {topic, event: frame.event, epoch: frame.epoch, seq: frame.seq});
    } else if (type === 'error') {
      if (typeof frame.topic === 'string') this.#refused(frame);
      this.#emit('error', frame);
    } else if (type === 'unsubscribed') {
      this.#settle(topic, 'unsubscribe', frame);
      this.#emit('unsubscribed', frame);
    } else {
      this.#onPosition(frame);
    }
  }

  /** subscribed, recovered or resync: the position frame of a subscription (or a resync mid-stream). */
  #onPosition(frame) {
    const {type, topic, epoch, seq} = frame;
    const hasPosition = typeof epoch === 'string' && typeof seq === 'number';
    if (hasPosition) this.#positions.set(topic, {epoch, seq});
    else if (type === 'resync') this.#positions.delete(topic); // the topic keeps no history (reason no-history)
    if (topic === this.#topic && hasPosition) this.#attempt = 0;
    this.#settle(topic, 'subscribe', frame);
    if (type === 'recovered') this.#emit('recovered', {topic, epoch, seq, replayed: frame.replayed});
    else if (type === 'resync') this.#emit('resync', {topic, epoch, seq, reason: frame.reason});
    else this.#emit('subscribed', frame);
  }

  /** An error frame about a topic: refuses the oldest subscribe (or unsubscribe) of it in flight. */
  #refused(frame) {
    const {topic} = frame;
    const list = this.#inflight.get(topic) || [];
    const i = list.findIndex(r => r.kind === 'subscribe');
    const request = i >= 0 ? list.splice(i, 1)[0] : list.shift();
    if (!request) return;
    if (request.kind === 'subscribe' && !list.some(r => r.kind === 'subscribe')) this.#topics.delete(topic);
    const error = Object.assign(new Error(frame.message || 'refused'), {frame, status: frame.status});
    for (const w of request.settle) w.reject(error);
  }

  #settle(topic, kind, frame) {
    const list = this.#inflight.get(topic) || [];
    const i = list.findIndex(r => r.kind === kind);
    if (i >= 0) for (const w of list.splice(i, 1)[0].settle) w.resolve(frame);
  }

  #sendSubscribe(topic, settle) {
    const position = this.#positions.get(topic);
    const frame = {type: 'subscribe', topic};
    if (position) frame.since = position.epoch + ':' + position.seq;
    this.#list(this.#inflight, topic).push({kind: 'subscribe', since: Boolean(position), settle});
    this.#ws.send(JSON.stringify(frame));
  }

  #onClose(code, reason) {
    this.#ws = null;
    this.#cancelTimers();
    // Requests the closed socket never answered: subscribes wait for the next connection, unsubscribes are done.
    for (const [topic, list] of this.#inflight) {
      for (const request of list) {
        if (request.kind === 'unsubscribe') request.settle.forEach(w => w.resolve(null));
        else if (this.#topics.has(topic)) this.#list(this.#waiting, topic).push(...request.settle);
        else request.settle.forEach(w => w.reject(new Error('unsubscribed before subscribed: ' + topic)));
      }
    }
    this.#inflight.clear();
    const willReconnect = !this.#closing && Boolean(this.#opts.shouldReconnect(code, reason));
    if (willReconnect) this.#state = 'reconnecting';
    else this.#finish();
    this.#emit('close', {code, reason, willReconnect});
    if (!willReconnect) return;
    const attempt = ++this.#attempt;
    const o = this.#opts;
    const delay = attempt === 1 && (code === 1012 || code === 1013)
        ? o.random() * o.restartDelay
        : o.random() * Math.min(o.backoffCap, o.backoffBase * o.backoffFactor ** (attempt - 1));
    this.#timer = o.setTimeout(() => { this.#timer = null; this.#open(true); }, delay);
    this.#emit('reconnecting', {attempt, delay});
  }

  /** Closed for good: whoever waits for a subscribe hears so. */
  #finish() {
    this.#state = 'closed';
    const error = new Error('connection closed');
    for (const list of this.#waiting.values()) list.forEach(w => w.reject(error));
    this.#waiting.clear();
  }

  #cancelTimers() {
    if (this.#timer !== null) this.#opts.clearTimeout(this.#timer);
    if (this.#stableTimer !== null) this.#opts.clearTimeout(this.#stableTimer);
    this.#timer = this.#stableTimer = null;
  }

  #isOpen() { return this.#ws !== null && this.#ws.readyState === OPEN && this.#opened; }

  #list(map, key) {
    if (!map.has(key)) map.set(key, []);
    return map.get(key);
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, {detail})); }
}
