/**
 * The car as the server knows it: `/api/vehicle/{id}` (the simulated drive or
 * a real feed) and `/api/vehicle/{id}/ahead` (the light the lane matcher finds
 * ahead, with the countdown's range and the speed advice), polled twice a second.
 */
import { useEffect, useState } from 'react';
import type { Spoken } from './api.ts';

export interface VehicleState {
  id: string;
  lat: number;
  lon: number;
  headingDeg?: number;
  speedKmh?: number;
  source: 'reported' | 'nmea' | 'simulated';
}

export type CountdownDisplay =
  | { kind: 'countdown'; light: string; seconds: number; atLeast: boolean; range: { minS: number; maxS?: number; confidence: number }; text: Spoken }
  | { kind: 'state'; light: string; reason: string }
  | { kind: 'hidden'; reason: string };

export type LightAhead =
  | { found: false; reason: string }
  | {
      found: true;
      intersection: { key: string; name?: string };
      signalGroup: number;
      distanceToStopLineM: number;
      countdown: CountdownDisplay;
      advice?: { kind: 'speed'; speedKmh: number; text: Spoken } | { kind: 'no-advice'; reason: string; stop: boolean; text?: Spoken };
    };

const POLL_MS = 500;

/** The car `id` and the light ahead of it, while `active`; undefined until the car has reported. */
export function useVehicle(id: string, active: boolean): { vehicle: VehicleState | undefined; ahead: LightAhead | undefined } {
  const [vehicle, setVehicle] = useState<VehicleState>();
  const [ahead, setAhead] = useState<LightAhead>();
  useEffect(() => {
    if (!active) return;
    let live = true;
    const poll = async (): Promise<void> => {
      const response = await fetch(`/api/vehicle/${encodeURIComponent(id)}/ahead`);
      if (!live || !response.ok) return;
      const body = (await response.json()) as { vehicle: VehicleState; ahead: LightAhead };
      setVehicle(body.vehicle);
      setAhead(body.ahead);
    };
    const timer = setInterval(() => void poll().catch(() => undefined), POLL_MS);
    void poll().catch(() => undefined);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [id, active]);
  return { vehicle, ahead };
}

/** "12–18 s (80 %)": the countdown's range with its confidence, or undefined when there is none to show. */
export function rangeText(display: CountdownDisplay): string | undefined {
  if (display.kind !== 'countdown') return undefined;
  const { minS, maxS, confidence } = display.range;
  const span = maxS === undefined ? `≥ ${Math.round(minS)} s` : Math.round(minS) === Math.round(maxS) ? `${Math.round(minS)} s` : `${Math.round(minS)}–${Math.round(maxS)} s`;
  return `${span} (${Math.round(confidence * 100)} %)`;
}
