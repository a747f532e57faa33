/**
 * MQTT feed: subscribes to a broker's V2X topics and feeds the store.
 *
 * Topics follow `cabin/v2x/{region}/spat/...` and `cabin/v2x/{region}/map/...`
 * (one topic per roadside unit or intersection below that, e.g.
 * `cabin/v2x/sh-default/spat/0/17`); payloads are anything the decoder reads
 * (UPER bytes, model JSON). The message kind comes from the payload, not the
 * topic.
 *
 * The connection is kept with exponential backoff between attempts (mqtt.js's
 * own reconnect retries at a fixed period), subscriptions are renewed on
 * every connect (a restarted broker has forgotten them), and the connection
 * state is reported to listeners. Bad payloads are counted, never thrown.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { SignalStore } from '../store.ts';
import { decodeAny, ingestPayload, type IngestResult, type SignalDecoder } from './decode.ts';
import type { ReceivedPayload } from './replay.ts';

/** The topic filters of one region. */
export function v2xTopics(region: string): string[] {
  if (!/^[^/#+]+$/.test(region)) throw new RangeError(`MQTT feed: region "${region}" must be non-empty without '/', '+' or '#'`);
  return [`cabin/v2x/${region}/spat/#`, `cabin/v2x/${region}/map/#`];
}

/** Delays between connection attempts. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Up to this share of each delay is taken off at random, so many cars do not reconnect in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** The wait before reconnect attempt `attempt` (1 = the first retry); `random` in [0, 1). */
export function backoffDelayMs(attempt: number, backoff: Backoff, random: number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - backoff.jitter * random));
}

export type MqttFeedState =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected'; since: number }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; lastError?: string }
  | { status: 'closed' };

export interface MqttFeedStats {
  /** Payloads received. */
  messages: number;
  decoded: number;
  undecodable: number;
  /** Store listeners that threw while handling an update (the update itself was stored). */
  listenerErrors: number;
  connects: number;
  lastError?: string;
}

export interface MqttFeedOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` or `mqtts://…`. */
  url: string;
  /** Regions to subscribe to (see `v2xTopics`). */
  regions?: readonly string[];
  /** Topic filters, instead of or besides the regions'. */
  topics?: readonly string[];
  store: SignalStore;
  decode?: SignalDecoder;
  /** Epoch ms; when payloads count as received. Default Date.now. */
  clock?: () => number;
  backoff?: Partial<Backoff>;
  clientId?: string;
  /** Subscription QoS. Default 0: a late signal state is worthless, so nothing is queued. */
  qos?: 0 | 1;
  connectTimeoutMs?: number;
  /** Further mqtt.js options (credentials, TLS). */
  mqtt?: IClientOptions;
  onState?: (state: MqttFeedState) => void;
  /** Every decoded payload, e.g. to record it (`createRecorder`). */
  onPayload?: (received: ReceivedPayload) => void;
}

/** A running MQTT feed. */
export interface MqttFeed {
  state(): MqttFeedState;
  stats(): MqttFeedStats;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onState(listener: (state: MqttFeedState) => void): () => void;
  /** Disconnects and stops reconnecting. */
  close(): Promise<void>;
}

/** Connects to the broker and keeps feeding the store until closed. */
export function startMqttFeed(options: MqttFeedOptions): MqttFeed {
  const topics = [...(options.regions ?? []).flatMap(v2xTopics), ...(options.topics ?? [])];
  if (topics.length === 0) throw new RangeError('MQTT feed: no regions or topics to subscribe to');
  const decode = options.decode ?? decodeAny;
  const clock = options.clock ?? Date.now;
  const backoff: Backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const qos = options.qos ?? 0;
  const listeners = new Set<(state: MqttFeedState) => void>();
  if (options.onState) listeners.add(options.onState);
  const stats: MqttFeedStats = { messages: 0, decoded: 0, undecodable: 0, listenerErrors: 0, connects: 0 };
  let state: MqttFeedState = { status: 'connecting', attempt: 1 };
  let attempt = 1;
  let closing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: MqttFeedState): void => {
    state = next;
    for (const listener of [...listeners]) listener(next);
  };

  const client: MqttClient = connect(options.url, {
    ...options.mqtt,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    clean: true,
    reconnectPeriod: 0, // reconnects are ours, with backoff
    resubscribe: false, // subscriptions are renewed on every connect below
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  });

  client.on('connect', () => {
    attempt = 0;
    stats.connects++;
    // Connected means subscribed: only then can the feed miss nothing the broker routes.
    client.subscribe(topics, { qos }, (error) => {
      if (error) stats.lastError = `subscribe ${topics.join(', ')}: ${error.message}`;
      if (!closing && client.connected) setState({ status: 'connected', since: clock() });
    });
  });

  client.on('message', (topic, payload) => {
    stats.messages++;
    const receivedAt = clock();
    let result: IngestResult;
    try {
      result = ingestPayload(options.store, decode, payload, receivedAt);
    } catch (error) {
      // The store kept the update; a listener failed on it. Counted and surfaced, not thrown into mqtt.js.
      stats.listenerErrors++;
      stats.lastError = `store listener: ${(error as Error).message}`;
      return;
    }
    if (!result.ok) {
      stats.undecodable++;
      stats.lastError = `${topic}: ${result.error}`;
      return;
    }
    stats.decoded++;
    options.onPayload?.({ t: receivedAt, kind: result.message.kind, payload });
  });

  client.on('error', (error) => {
    stats.lastError = error.message;
  });

  client.on('close', () => {
    if (closing || retryTimer) return;
    attempt++;
    const retryInMs = backoffDelayMs(attempt, backoff, Math.random());
    setState({ status: 'reconnecting', attempt, retryInMs, ...(stats.lastError ? { lastError: stats.lastError } : {}) });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (closing) return;
      setState({ status: 'connecting', attempt });
      client.reconnect();
    }, retryInMs);
  });

  return {
    state: () => state,
    stats: () => ({ ...stats }),
    onState: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close: async () => {
      if (closing) return;
      closing = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await client.endAsync(true);
      setState({ status: 'closed' });
    },
  };
}
