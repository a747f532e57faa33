/**
 * HTTP/WebSocket push endpoint for signal data, as a Fastify plugin:
 *
 * - `POST /api/v2x/spat`, `POST /api/v2x/map`: one message per request, as
 *   model JSON (`Content-Type: application/json`) or as encoded bytes for the
 *   decoders (`application/octet-stream`, e.g. UPER). Answers
 *   `{ accepted, dropped }` (dropped by reason: out-of-order, partial, …),
 *   or 400 with `{ error }` naming what was wrong with the payload.
 * - `GET /api/v2x/stream` (WebSocket): every change to the store as one JSON
 *   text frame, `{"type":"spat","key":"0/7","receivedAt":…,"signals":{…}}` or
 *   `{"type":"map","key":…,"receivedAt":…,"map":{…}}`. On connect it first
 *   sends what the store holds, then `{"type":"ready","snapshot":n}`.
 *   `?kinds=spat` or `?kinds=map` and `?keys=0/7,0/8` narrow the stream.
 *   A client that cannot keep up (more than `maxBufferedBytes` unsent) misses
 *   updates rather than growing the server's memory; misses are counted.
 * - `GET /api/v2x/stats`: the store's accepted/dropped counts and the stream's.
 *
 * Registers @fastify/websocket itself unless the parent already has.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { SignalStore, StoreChange } from '../store.ts';
import { decodeAny, ingestPayload, type SignalDecoder } from './decode.ts';
import type { ReceivedPayload } from './replay.ts';

export interface V2xPushOptions {
  store: SignalStore;
  decode?: SignalDecoder;
  /** Epoch ms; when pushed payloads count as received. Default Date.now. */
  clock?: () => number;
  /** Largest request body. Default 8 MiB: a gateway may batch a whole region's SPaT (~3 kB per intersection). */
  bodyLimit?: number;
  /** A stream client with more than this unsent misses updates. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Every accepted payload, e.g. to record it (`createRecorder`). */
  onPayload?: (received: ReceivedPayload) => void;
}

const StreamQuery = z.object({
  kinds: z
    .string()
    .regex(/^(spat|map)(,(spat|map))*$/, 'expected spat, map or spat,map')
    .transform((text) => new Set(text.split(',')))
    .optional(),
  keys: z
    .string()
    .regex(/^\d+\/\d+(,\d+\/\d+)*$/, 'expected intersection keys REGION/ID separated by commas')
    .transform((text) => new Set(text.split(',')))
    .optional(),
});

interface StreamClient {
  socket: WebSocket;
  kinds: Set<string> | undefined;
  keys: Set<string> | undefined;
}

/** The V2X push routes; register with `app.register(v2xPush, { store })`. */
export async function v2xPush(app: FastifyInstance, options: V2xPushOptions): Promise<void> {
  const { store } = options;
  const decode = options.decode ?? decodeAny;
  const clock = options.clock ?? Date.now;
  const bodyLimit = options.bodyLimit ?? 8 * 1024 * 1024;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const stream = { clients: 0, sent: 0, missed: 0 };

  if (!app.hasDecorator('websocketServer')) await app.register(websocket);

  // Bodies reach the decoders as received: JSON as text, anything binary as bytes.
  for (const type of ['application/json', 'application/octet-stream']) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  }
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  for (const kind of ['spat', 'map'] as const) {
    app.post(`/api/v2x/${kind}`, async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
        return reply.status(415).send({ error: 'send application/json (model JSON) or application/octet-stream (encoded bytes)' });
      }
      const receivedAt = clock();
      const result = ingestPayload(store, decode, body, receivedAt, kind);
      if (!result.ok) {
        return reply.status(400).send({ error: `${request.url}: ${result.reason === 'wrong-kind' ? result.error : `undecodable payload: ${result.error}`}` });
      }
      options.onPayload?.({ t: receivedAt, kind, payload: body });
      return result.outcome;
    });
  }

  const clients = new Set<StreamClient>();
  const send = (client: StreamClient, frame: string): void => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > maxBufferedBytes) {
      stream.missed++;
      return;
    }
    client.socket.send(frame);
    stream.sent++;
  };
  const unsubscribe = store.onChange((change) => {
    if (clients.size === 0) return;
    let frame: string | undefined; // serialised once, for every client that wants it
    for (const client of clients) {
      if (!wants(client, change)) continue;
      frame ??= frameOf(change);
      send(client, frame);
    }
  });
  app.addHook('onClose', async () => {
    unsubscribe();
  });

  app.get('/api/v2x/stream', { websocket: true }, (socket, request) => {
    const parsed = StreamQuery.safeParse(request.query);
    if (!parsed.success) {
      socket.close(1008, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 120));
      return;
    }
    const client: StreamClient = { socket, kinds: parsed.data.kinds, keys: parsed.data.keys };
    let snapshot = 0;
    for (const change of store.snapshot()) {
      if (!wants(client, change)) continue;
      send(client, frameOf(change));
      snapshot++;
    }
    send(client, JSON.stringify({ type: 'ready', snapshot }));
    clients.add(client);
    stream.clients = clients.size;
    socket.on('close', () => {
      clients.delete(client);
      stream.clients = clients.size;
    });
  });

  app.get('/api/v2x/stats', async () => ({ store: store.stats(), stream }));
}

function wants(client: StreamClient, change: StoreChange): boolean {
  return (!client.kinds || client.kinds.has(change.kind)) && (!client.keys || client.keys.has(change.key));
}

function frameOf(change: StoreChange): string {
  return change.kind === 'spat'
    ? JSON.stringify({ type: 'spat', key: change.key, receivedAt: change.receivedAt, signals: change.signals })
    : JSON.stringify({ type: 'map', key: change.key, receivedAt: change.receivedAt, map: change.map });
}
