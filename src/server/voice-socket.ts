/**
 * `GET /api/conversation/{vehicle:driver}/voice` (WebSocket): the voice
 * pipeline for one conversation, spoken over a socket.
 *
 * Client → server:
 * - binary frames: microphone audio, mono 16-bit little-endian PCM at 16 kHz,
 *   at most `maxChunkBytes` each (default 64 KiB, 2 s);
 * - text frames, small JSON: `{"type":"start"}` / `{"type":"stop"}` (push-to-talk
 *   pressed / released) and `{"type":"played"}` (the last reply finished playing).
 *
 * Server → client, JSON text frames: `ready`, `speech-start`, `speech-end`,
 * `transcript`, `turn` (speech, cards, expecting — what the typed turn route
 * answers), `not-heard`, `reply-audio` (announces the next binary frame),
 * `barge-in` (stop playing now), `playback-end`, `error` (`code`, `message`).
 * Reply audio is one binary frame per reply: a complete WAV file (mono 16-bit,
 * the synthesiser's rate), playable as it is by `decodeAudioData`.
 *
 * A bad frame is answered with an `error` event and the socket stays usable.
 * Missing engines are one `error` event (`engines-missing`, naming the apt
 * packages), then the socket closes with 1011.
 *
 * `?handsFree=false` makes only push-to-talk start utterances; by default the
 * voice activity detector does too.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { CabinMap } from '../map/index.ts';
import type { LatLon } from '../routing/index.ts';
import {
  APT_INSTALL_HINT,
  DEBIAN_EN_US_MODEL,
  EngineUnavailableError,
  EspeakSynthesizer,
  createCarRecognizer,
  createVoicePipeline,
  encodeWav,
  type SpeechRecognizer,
  type SpeechSynthesizer,
  type TurnTaker,
} from '../voice/index.ts';
import type { ApiCatalogue } from './api.ts';
import { ConversationParams, takeTurn, vehicleOfSession, type ConversationSessions, type TripHook } from './conversation.ts';
import type { Metrics } from './metrics.ts';
import type { VehicleRegistry } from './vehicle.ts';

/** The engines a voice socket speaks with. */
export interface VoiceEngines {
  recognizer: SpeechRecognizer;
  synthesizer: SpeechSynthesizer;
}

/** What the voice socket needs from the server. */
export interface VoiceSocketDeps {
  sessions: ConversationSessions;
  vehicles: VehicleRegistry;
  parkedAt: LatLon;
  now: () => Date;
  map: CabinMap;
  metrics?: Metrics;
  catalogue?: ApiCatalogue;
  /** Makes the engines, once per server, on the first connection. Default: the car-biased pocketsphinx model for `map` and espeak-ng; throws EngineUnavailableError when they are not installed. */
  engines?: () => VoiceEngines;
  /** Told when a spoken turn starts, changes or ends the vehicle's trip, as the typed turn route does. */
  onTrip?: TripHook;
  /** The largest binary frame. Default 64 KiB (2 s of audio). */
  maxChunkBytes?: number;
}

/** The rate of the audio clients send. */
export const VOICE_SAMPLE_RATE = 16000;
const MAX_CONTROL_BYTES = 1024;

const VoiceQuery = z.object({ handsFree: z.enum(['true', 'false']).default('true') });
const ControlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('played') }).strict(),
]);

/** The offline engines for `map`, or EngineUnavailableError naming what to install. */
export function offlineVoiceEngines(map: CabinMap): VoiceEngines {
  const missing = ['pocketsphinx_continuous', 'espeak-ng'].filter((binary) => !onPath(binary));
  missing.push(...Object.values(DEBIAN_EN_US_MODEL).filter((path) => !existsSync(path)));
  if (missing.length > 0) throw new EngineUnavailableError('offline', `voice engines are not installed (missing ${missing.join(', ')}): ${APT_INSTALL_HINT}`);
  return { recognizer: createCarRecognizer(map).recognizer, synthesizer: new EspeakSynthesizer() };
}

function onPath(binary: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Registers the voice socket; @fastify/websocket must already be registered on `app` or a parent. */
export function registerVoiceSocket(app: FastifyInstance, deps: VoiceSocketDeps): void {
  const { sessions, vehicles, now } = deps;
  const maxChunkBytes = deps.maxChunkBytes ?? 64 * 1024;
  let engines: VoiceEngines | undefined;
  const openEngines = (): VoiceEngines => (engines ??= (deps.engines ?? (() => offlineVoiceEngines(deps.map)))());

  deps.catalogue?.describe({
    method: 'get',
    path: '/api/conversation/{sessionId}/voice',
    summary: 'WebSocket: stream 16 kHz mono 16-bit PCM, get transcripts, turns (JSON) and spoken replies (binary WAV)',
    tag: 'conversation',
    params: ConversationParams,
    query: VoiceQuery,
  });

  app.get('/api/conversation/:sessionId/voice', { websocket: true }, (socket, request) => {
    const params = ConversationParams.safeParse(request.params);
    const query = VoiceQuery.safeParse(request.query);
    if (!params.success || !query.success) {
      const issues = [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])];
      socket.close(1008, issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 120));
      return;
    }
    const { sessionId } = params.data;
    const send = (event: Record<string, unknown>): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    };
    const fail = (code: string, message: string): void => send({ type: 'error', code, message });

    let opened: VoiceEngines;
    try {
      opened = openEngines();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      fail(error instanceof EngineUnavailableError ? 'engines-missing' : 'engines-failed', message.includes('apt-get') ? message : `${message}: ${APT_INSTALL_HINT}`);
      socket.close(1011, 'voice engines unavailable');
      return;
    }

    // The session is looked up per turn, so a voice turn keeps it alive like a typed one.
    const assistant: TurnTaker = {
      async turn(text, input) {
        const answer = await takeTurn(sessions.open(sessionId, now().getTime()), sessionId, text, input, deps.onTrip);
        deps.metrics?.agentTurns.inc({ path: answer.path, outcome: 'answered' });
        return answer;
      },
    };
    const vehicleId = vehicleOfSession(sessionId);
    // Playback is the client's: it ends when the client says `played`, or a second after the audio would have.
    let played: (() => void) | undefined;
    const pipeline = createVoicePipeline({
      ...opened,
      assistant,
      now,
      vehicle: () => {
        const at: { lat: number; lon: number; headingDeg?: number | undefined; speedKmh?: number | undefined } = vehicles.get(vehicleId) ?? deps.parkedAt;
        return {
          lat: at.lat,
          lon: at.lon,
          ...(at.headingDeg !== undefined ? { headingDeg: at.headingDeg } : {}),
          ...(at.speedKmh !== undefined ? { speedKmh: at.speedKmh } : {}),
        };
      },
      sampleRate: VOICE_SAMPLE_RATE,
      handsFree: query.data.handsFree === 'true',
      player: (pcm, sampleRate, signal) =>
        new Promise<void>((resolve) => {
          const durationMs = Math.round((pcm.length * 1000) / sampleRate);
          send({ type: 'reply-audio', format: 'wav', sampleRate, durationMs });
          if (socket.readyState === socket.OPEN) socket.send(encodeWav(pcm, sampleRate));
          const timer = setTimeout(done, durationMs + 1000);
          timer.unref();
          signal.addEventListener('abort', done, { once: true });
          played = done;
          function done(): void {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            if (played === done) played = undefined;
            resolve();
          }
        }),
    });
    pipeline.on('speech-start', ({ sample }) => send({ type: 'speech-start', sample }));
    pipeline.on('speech-end', ({ segment }) => send({ type: 'speech-end', startMs: Math.round(segment.startMs), endMs: Math.round(segment.endMs) }));
    pipeline.on('transcript', (t) => send({ type: 'transcript', text: t.text.trim(), ...(t.confidence !== undefined ? { confidence: t.confidence } : {}) }));
    pipeline.on('turn', (voiceTurn) => {
      const { turn, transcript, timings } = voiceTurn;
      if (!turn) return send({ type: 'not-heard', transcript });
      send({ type: 'turn', sessionId, transcript, speech: turn.speech, cards: turn.cards, expecting: turn.expecting, toolCalls: turn.toolCalls, timings });
    });
    pipeline.on('barge-in', ({ sample }) => send({ type: 'barge-in', sample }));
    pipeline.on('playback-end', ({ interrupted }) => send({ type: 'playback-end', interrupted }));
    pipeline.on('error', (error) => {
      if (error instanceof EngineUnavailableError) fail('engines-missing', error.message);
      else {
        deps.metrics?.agentTurns.inc({ path: 'embedded', outcome: 'error' });
        request.log.error(error);
        fail('turn-failed', 'the spoken turn failed; see the server log');
      }
    });

    socket.on('message', (data, isBinary) => onMessage(socket, toBuffer(data), isBinary));
    socket.on('close', () => {
      pipeline.stopPlayback();
      pipeline.removeAllListeners();
    });
    send({ type: 'ready', sessionId, sampleRate: VOICE_SAMPLE_RATE, replyAudio: 'wav', maxChunkBytes, handsFree: query.data.handsFree === 'true' });

    function onMessage(_socket: WebSocket, bytes: Buffer, isBinary: boolean): void {
      if (isBinary) {
        if (bytes.length > maxChunkBytes) return fail('too-large', `audio frame of ${bytes.length} bytes is over the ${maxChunkBytes}-byte limit; send smaller chunks`);
        if (bytes.length % 2 !== 0) return fail('bad-frame', `audio frame of ${bytes.length} bytes is not whole 16-bit samples (expected an even byte count)`);
        const chunk = new Int16Array(bytes.length / 2);
        // Little-endian, as WAV and every platform the cockpit runs on.
        for (let i = 0; i < chunk.length; i++) chunk[i] = bytes.readInt16LE(2 * i);
        pipeline.pushAudio(chunk);
        return;
      }
      if (bytes.length > MAX_CONTROL_BYTES) return fail('too-large', `control message of ${bytes.length} bytes is over the ${MAX_CONTROL_BYTES}-byte limit`);
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        return fail('bad-json', `control message is not JSON: ${(error as Error).message}`);
      }
      const message = ControlMessage.safeParse(json);
      if (!message.success) return fail('bad-message', `control message: expected {"type":"start"}, {"type":"stop"} or {"type":"played"} (${message.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')})`);
      switch (message.data.type) {
        case 'start':
          return pipeline.startListening();
        case 'stop':
          return pipeline.stopListening();
        case 'played':
          return played?.();
        default: {
          const never: never = message.data;
          return never;
        }
      }
    }
  });
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
