/**
 * Hold-to-talk: while the mic button is held (pointer, or Space/Enter), the
 * microphone is downsampled to 16 kHz 16-bit PCM in an AudioWorklet and
 * streamed to `/api/conversation/{session}/voice`; the reply's WAV is played,
 * and pressing again talks over it (barge-in).
 */
import { useEffect, useRef, useState } from 'react';
import type { Turn } from './api.ts';

const RATE = 16000;

/** Batches the microphone into ~32 ms blocks of Float32 for the main thread. */
const WORKLET = `class CabinMic extends AudioWorkletProcessor {
  constructor() { super(); this.block = new Float32Array(1536); this.at = 0; }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      this.block[this.at++] = input[i];
      if (this.at === this.block.length) { this.port.postMessage(this.block.slice()); this.at = 0; }
    }
    return true;
  }
}
registerProcessor('cabin-mic', CabinMic);`;

/** Streaming downsampler to 16 kHz Int16: each output sample averages its input span (a box low-pass), the span's phase carried across blocks. */
export class Downsampler {
  private readonly step: number;
  private position = 0;
  private sum = 0;
  private count = 0;

  constructor(inputRate: number) {
    this.step = inputRate / RATE;
  }

  push(input: Float32Array): Int16Array {
    const out = new Int16Array(Math.ceil(input.length / this.step) + 1);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      this.sum += input[i]!;
      this.count++;
      this.position += 1;
      if (this.position >= this.step) {
        this.position -= this.step;
        const x = Math.max(-1, Math.min(1, this.sum / this.count));
        out[n++] = Math.round(x * 32767);
        this.sum = 0;
        this.count = 0;
      }
    }
    return out.slice(0, n);
  }
}

type VoiceEvent =
  | { type: 'ready' | 'speech-start' | 'speech-end' | 'reply-audio' | 'playback-end' | 'barge-in' }
  | { type: 'transcript'; text: string }
  | ({ type: 'turn'; transcript: string } & Turn)
  | { type: 'not-heard'; transcript: string }
  | { type: 'error'; code: string; message: string };

interface Mic {
  context: AudioContext;
  stream: MediaStream;
  node: AudioWorkletNode;
}

/** The mic button and what it heard; `onTurn` gets each spoken turn like a typed one. */
export function VoiceButton({ session, label, onTurn, onError }: { session: string; label: string; onTurn: (heard: string, turn: Turn) => void; onError: (message: string) => void }): React.JSX.Element {
  const [pressed, setPressed] = useState(false);
  const [heard, setHeard] = useState<string>();
  const [state, setState] = useState<'idle' | 'listening' | 'thinking' | 'speaking'>('idle');
  const socket = useRef<WebSocket | undefined>(undefined);
  const mic = useRef<Promise<Mic> | undefined>(undefined);
  const holding = useRef(false);
  const playing = useRef<AudioBufferSourceNode | undefined>(undefined);
  const expectAudio = useRef(false);
  const handlers = useRef({ onTurn, onError });
  handlers.current = { onTurn, onError };

  useEffect(
    () => () => {
      socket.current?.close();
      void mic.current?.then((m) => {
        m.stream.getTracks().forEach((track) => track.stop());
        void m.context.close();
      });
    },
    [],
  );

  const stopPlaying = (): void => {
    try {
      playing.current?.stop();
    } catch {
      // Already stopped: nothing to do.
    }
    playing.current = undefined;
  };

  const play = async (wav: ArrayBuffer): Promise<void> => {
    const { context } = await openMic();
    const buffer = await context.decodeAudioData(wav);
    stopPlaying();
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    source.onended = () => {
      if (playing.current !== source) return;
      playing.current = undefined;
      setState('idle');
      socket.current?.send(JSON.stringify({ type: 'played' }));
    };
    playing.current = source;
    setState('speaking');
    source.start();
  };

  const openSocket = (): Promise<WebSocket> => {
    const open = socket.current;
    if (open && open.readyState <= WebSocket.OPEN) {
      return open.readyState === WebSocket.OPEN ? Promise.resolve(open) : new Promise((resolve) => open.addEventListener('open', () => resolve(open), { once: true }));
    }
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/conversation/${session}/voice?handsFree=false`;
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket.current = ws;
    ws.addEventListener('message', (message: MessageEvent<string | ArrayBuffer>) => {
      if (typeof message.data !== 'string') {
        if (expectAudio.current) void play(message.data).catch((e: Error) => handlers.current.onError(e.message));
        expectAudio.current = false;
        return;
      }
      const event = JSON.parse(message.data) as VoiceEvent;
      switch (event.type) {
        case 'transcript':
          setHeard(event.text);
          setState('thinking');
          break;
        case 'turn':
          handlers.current.onTurn(event.transcript, event);
          break;
        case 'not-heard':
          setHeard('');
          break;
        case 'reply-audio':
          expectAudio.current = true;
          break;
        case 'barge-in':
          stopPlaying();
          break;
        case 'error':
          handlers.current.onError(event.message);
          setState('idle');
          break;
        default:
          break;
      }
    });
    ws.addEventListener('close', (e) => {
      if (socket.current === ws) socket.current = undefined;
      if (e.code !== 1000 && e.code !== 1005) setState('idle');
    });
    return new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(ws), { once: true });
      ws.addEventListener('error', () => reject(new Error(`${url}: the voice socket did not open`)), { once: true });
    });
  };

  const openMic = (): Promise<Mic> => {
    mic.current ??= (async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      const context = new AudioContext();
      const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
      await context.audioWorklet.addModule(url);
      URL.revokeObjectURL(url);
      const node = new AudioWorkletNode(context, 'cabin-mic');
      const downsampler = new Downsampler(context.sampleRate);
      node.port.onmessage = (message: MessageEvent<Float32Array>) => {
        const pcm = downsampler.push(message.data);
        if (holding.current && socket.current?.readyState === WebSocket.OPEN && pcm.length > 0) socket.current.send(pcm.buffer);
      };
      context.createMediaStreamSource(stream).connect(node);
      return { context, stream, node };
    })();
    mic.current.catch(() => {
      mic.current = undefined;
    });
    return mic.current;
  };

  const press = async (): Promise<void> => {
    if (holding.current) return;
    holding.current = true;
    setPressed(true);
    stopPlaying();
    try {
      const [ws, m] = await Promise.all([openSocket(), openMic()]);
      await m.context.resume();
      if (!holding.current) return;
      ws.send(JSON.stringify({ type: 'start' }));
      setHeard(undefined);
      setState('listening');
    } catch (e) {
      holding.current = false;
      setPressed(false);
      setState('idle');
      handlers.current.onError(e instanceof Error ? e.message : String(e));
    }
  };

  const release = (): void => {
    if (!holding.current) return;
    holding.current = false;
    setPressed(false);
    if (socket.current?.readyState === WebSocket.OPEN) {
      socket.current.send(JSON.stringify({ type: 'stop' }));
      setState('thinking');
    }
  };

  return (
    <>
      <button
        type="button"
        className={`big mic${pressed ? ' pressed' : ''}`}
        aria-label={label}
        aria-pressed={pressed}
        title={label}
        data-testid="mic"
        data-state={state}
        onPointerDown={(e) => {
          e.preventDefault();
          e.currentTarget.setPointerCapture(e.pointerId);
          void press();
        }}
        onPointerUp={release}
        onPointerCancel={release}
        onKeyDown={(e) => {
          if (e.key !== ' ' && e.key !== 'Enter') return;
          e.preventDefault();
          if (!e.repeat) void press();
        }}
        onKeyUp={(e) => {
          if (e.key !== ' ' && e.key !== 'Enter') return;
          e.preventDefault();
          release();
        }}
        onBlur={release}
      >
        <MicIcon />
      </button>
      {heard !== undefined && (
        <output className="heard" data-testid="voice-transcript" aria-live="polite">
          {heard === '' ? '…' : heard}
        </output>
      )}
    </>
  );
}

/** Drawn, not an emoji: the car's screen may have no emoji font. */
function MicIcon(): React.JSX.Element {
  return (
    <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
    </svg>
  );
}
