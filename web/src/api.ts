/** The shapes the cockpit reads from Cabin's HTTP API (see src/agent/tools.ts for the source of truth). */

export type Lang = 'en' | 'zh';
export interface Spoken {
  en: string;
  zh: string;
}
export interface CardReason {
  code: string;
  en: string;
  zh: string;
}
interface Target {
  id: string;
  name: Spoken;
  lat: number;
  lon: number;
}
export interface ParkingCard extends Target {
  kind: 'parking';
  distanceM: number;
  walkM: number;
  price?: { free: true } | { free: false; perHour: number; currency: string; text: Spoken };
  freeSpaces?: number;
  reasons: CardReason[];
}
export interface FoodCard extends Target {
  kind: 'food';
  distanceM: number;
  detourMinutes?: number;
  hours: 'open' | 'closed' | 'unknown';
  reasons: CardReason[];
}
export interface PlaceCard extends Target {
  kind: 'place';
  placeKind: string;
  distanceM?: number;
}
export interface TripCard {
  kind: 'trip';
  destination: Spoken;
  distanceM: number;
  durationS: number;
  arrival: string;
  coordinates: [number, number][];
  /** The trip's stops in order, the destination last. */
  stops?: { id: string; name: Spoken; kind: string; arrival: string; lat: number; lon: number }[];
  reasons: CardReason[];
}
export interface StatusCard {
  kind: 'status';
  destination: Spoken;
  arrival: string;
  remainingDistanceM: number;
  remainingS: number;
  nextTurn?: { instruction: Spoken; distanceM: number; location: [number, number] };
}
export interface TrafficLightCard {
  kind: 'traffic-light';
  live: boolean;
  phase?: string;
  changesInS?: number;
  adviceKmh?: number;
  reasons: CardReason[];
}
export interface PreferencesCard {
  kind: 'preferences';
}
export type Card = ParkingCard | FoodCard | PlaceCard | TripCard | StatusCard | TrafficLightCard | PreferencesCard;

export interface Turn {
  speech: { text: string; language: Lang };
  cards: Card[];
  expecting: string;
}

export interface MapInfo {
  info: { name: string; nameZh?: string; bbox: [number, number, number, number] };
}

export interface RouteStep {
  maneuver: { type: string; location: [number, number] };
  distanceM: number;
  instruction: Spoken;
}
export interface RouteJson {
  legs: { steps: RouteStep[] }[];
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(`${response.url}: ${response.status} ${body.error ?? response.statusText}`);
  }
  return (await response.json()) as T;
}

/** One turn of the conversation of `sessionId` (`vehicle:driver`). */
export async function sendTurn(sessionId: string, text: string): Promise<Turn> {
  const response = await fetch(`/api/conversation/${sessionId}/turn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return json<Turn>(response);
}

export const fetchMapInfo = async (): Promise<MapInfo> => json<MapInfo>(await fetch('/api/map'));

/** The route from the trip's start to its end, for the turn-by-turn instructions the trip card leaves out. */
export async function fetchRoute(from: [number, number], to: [number, number], lang: Lang): Promise<RouteJson> {
  const latLon = ([lon, lat]: [number, number]): string => `${lat.toFixed(7)},${lon.toFixed(7)}`;
  return json<RouteJson>(await fetch(`/api/route?from=${latLon(from)}&to=${latLon(to)}&lang=${lang}`));
}
