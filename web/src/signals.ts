/**
 * The traffic light ahead, from `/api/v2x/stream`: the MAP messages once (where
 * each intersection is), then the SPaT of the one chosen intersection only —
 * the whole region's SPaT is thousands of frames a second.
 */
import { useEffect, useState } from 'react';

export interface Intersection {
  key: string;
  name: string;
  lat: number;
  lon: number;
}

interface SpatEvent {
  phase: string;
  timing?: { minEndTime?: number; maxEndTime?: number; likelyTime?: number };
}
interface SpatGroup {
  signalGroup: number;
  name?: string;
  events: SpatEvent[];
}
interface SpatFrame {
  type: 'spat';
  key: string;
  signals: { timestamp: number; groups: SpatGroup[] };
}

export type LightColour = 'red' | 'amber' | 'green' | 'dark' | 'unknown';

/** What the widget shows; `stale` when no SPaT came for `STALE_MS`. */
export interface LightState {
  intersection: Intersection | undefined;
  colour: LightColour;
  flashing: boolean;
  /** Seconds until the phase changes, when the feed says. */
  changesInS: number | undefined;
  group: string | undefined;
  stale: boolean;
}

const STALE_MS = 3000;

/** J2735 MovementPhaseState to the colour a driver sees. */
export function colourOf(phase: string): { colour: LightColour; flashing: boolean } {
  switch (phase) {
    case 'stop-and-remain':
    case 'pre-movement':
      return { colour: 'red', flashing: false };
    case 'stop-then-proceed':
      return { colour: 'red', flashing: true };
    case 'permissive-movement-allowed':
    case 'protected-movement-allowed':
      return { colour: 'green', flashing: false };
    case 'permissive-clearance':
    case 'protected-clearance':
      return { colour: 'amber', flashing: false };
    case 'caution-conflicting-traffic':
      return { colour: 'amber', flashing: true };
    case 'dark':
      return { colour: 'dark', flashing: false };
    default:
      return { colour: 'unknown', flashing: false };
  }
}

const streamUrl = (query: string): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v2x/stream?${query}`;

/** Every intersection's position, from the MAP snapshot the stream sends first. */
function loadIntersections(): Promise<Intersection[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(streamUrl('kinds=map'));
    const found: Intersection[] = [];
    socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string; key?: string; map?: { name?: string; lat: number; lon: number } };
      if (frame.type === 'map' && frame.key && frame.map) found.push({ key: frame.key, name: frame.map.name ?? frame.key, lat: frame.map.lat, lon: frame.map.lon });
      if (frame.type === 'ready') {
        socket.close();
        resolve(found);
      }
    };
    socket.onerror = () => reject(new Error('/api/v2x/stream: could not connect'));
  });
}

const metresBetween = (a: [number, number], b: [number, number]): number => {
  const kx = 111_320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 111_320);
};

/**
 * The intersection ahead: the first one the route passes (within 40 m of a
 * route point), else the one nearest the car; with the compass heading of
 * travel into it when known ("northbound"…).
 */
export function chooseIntersection(all: Intersection[], at: [number, number], route: [number, number][] | undefined): { intersection: Intersection; heading?: string } | undefined {
  if (route && route.length > 1) {
    for (let i = 1; i < route.length; i++) {
      const point = route[i]!;
      const hit = all.find((x) => metresBetween([x.lon, x.lat], point) < 40);
      if (hit) {
        const previous = route[i - 1]!;
        const bearing = (Math.atan2((point[0] - previous[0]) * Math.cos((point[1] * Math.PI) / 180), point[1] - previous[1]) * 180) / Math.PI;
        const heading = ['northbound', 'eastbound', 'southbound', 'westbound'][Math.round(((bearing + 360) % 360) / 90) % 4]!;
        return { intersection: hit, heading };
      }
    }
  }
  let best: Intersection | undefined;
  let bestM = Infinity;
  for (const x of all) {
    const m = metresBetween([x.lon, x.lat], at);
    if (m < bestM) [best, bestM] = [x, m];
  }
  return best ? { intersection: best } : undefined;
}

function pickGroup(groups: SpatGroup[], heading: string | undefined): SpatGroup | undefined {
  if (heading) {
    const named = groups.filter((g) => g.name?.includes(heading));
    return named.find((g) => g.name?.includes('through')) ?? named[0] ?? groups[0];
  }
  return groups.find((g) => g.name?.includes('through')) ?? groups[0];
}

const empty: LightState = { intersection: undefined, colour: 'unknown', flashing: false, changesInS: undefined, group: undefined, stale: true };

/** The live light ahead of the car at `at` ([lon, lat]) on `route`; re-chosen when either changes. */
export function useTrafficLight(at: [number, number] | undefined, route: [number, number][] | undefined): LightState {
  const [intersections, setIntersections] = useState<Intersection[] | undefined>();
  const [state, setState] = useState<LightState>(empty);

  useEffect(() => {
    let live = true;
    loadIntersections().then(
      (all) => live && setIntersections(all),
      () => live && setIntersections([]),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!intersections || !at) return;
    const chosen = chooseIntersection(intersections, at, route);
    if (!chosen) {
      setState(empty);
      return;
    }
    const { intersection, heading } = chosen;
    setState({ ...empty, intersection });
    let last: { frame: SpatFrame; localMs: number } | undefined;
    const socket = new WebSocket(streamUrl(`kinds=spat&keys=${encodeURIComponent(intersection.key)}`));
    socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as SpatFrame | { type: string };
      if (frame.type === 'spat') last = { frame: frame as SpatFrame, localMs: performance.now() };
    };
    // Redrawn 4 times a second from the latest frame; countdown measured against the frame's own timestamp so clocks need not agree.
    const timer = setInterval(() => {
      if (!last || performance.now() - last.localMs > STALE_MS) {
        setState((previous) => ({ ...previous, intersection, stale: true, changesInS: undefined }));
        return;
      }
      const { signals } = last.frame;
      const group = pickGroup(signals.groups, heading);
      const now = group?.events[0];
      if (!group || !now) return;
      const end = now.timing?.likelyTime ?? now.timing?.minEndTime;
      const elapsedMs = performance.now() - last.localMs;
      const changesInS = end === undefined ? undefined : Math.max(0, Math.round((end - signals.timestamp - elapsedMs) / 1000));
      setState({ intersection, ...colourOf(now.phase), changesInS, group: group.name ?? `#${group.signalGroup}`, stale: false });
    }, 250);
    return () => {
      clearInterval(timer);
      socket.close();
    };
  }, [intersections, at?.[0], at?.[1], route]);

  return state;
}
