/**
 * What the agent tests share: the default map and a real extract with their
 * agent setups (built once per process), and a fixed clock.
 */
import { DEFAULT_REGION, buildMap, generateRegion, readOsmPbf } from '../../src/map/index.ts';
import { Router, prepareRouting, type LatLon } from '../../src/routing/index.ts';
import { collectLandmarks } from '../../src/agent/geocoder.ts';
import { Agent, createAgentSetup, type AgentOptions, type AgentSetup } from '../../src/agent/dialogue.ts';
import type { AgentWorld, Vehicle } from '../../src/agent/tools.ts';
import { simulateOccupancy } from '../../src/places/index.ts';
import { readFileSync } from 'node:fs';
import { sharedExtractPath, sharedMap } from '../support/maps.ts';

/** 12:00 on a Wednesday in Shanghai (the default map's zone). */
export const NOON = new Date('2026-11-25T04:00:00Z');
/** The default map's centre, near People's Square. */
export const CENTRE: Vehicle = { lat: 31.2304, lon: 121.4737 };

let defaultSetup: AgentSetup | undefined;

/** The default map with its agent setup and a simulated parking feed at NOON. */
export function defaultWorld(): AgentSetup {
  if (!defaultSetup) {
    const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink));
    const router = new Router(map, prepareRouting(map));
    defaultSetup = createAgentSetup(map, router);
    defaultSetup.places.occupancy.ingestAll(simulateOccupancy(map, NOON, 1), NOON);
  }
  return defaultSetup;
}

let baltimoreSetup: AgentSetup | undefined;

/** The Baltimore extract, with the landmarks its PBF names. */
export function baltimoreWorld(): AgentSetup {
  if (!baltimoreSetup) {
    const { map, prepared } = sharedMap('baltimore');
    const bytes = readFileSync(sharedExtractPath('baltimore'));
    const landmarks = collectLandmarks((sink) => readOsmPbf(bytes, sink, { source: 'baltimore.osm.pbf' }));
    baltimoreSetup = createAgentSetup(map, new Router(map, prepared), { landmarks });
  }
  return baltimoreSetup;
}

/** The middle of a map's road network, on a road. */
export function mapCentre(setup: AgentSetup): LatLon {
  const [w, s, e, n] = setup.map.info.bbox;
  const hit = setup.router.snap({ lat: (s + n) / 2, lon: (w + e) / 2 }, 5000);
  if (!hit) throw new Error(`${setup.map.info.name}: no road near the centre`);
  return { lat: hit.lat, lon: hit.lon };
}

/** A tool world at `now` with `vehicle`. */
export function worldOf(setup: AgentSetup, overrides: Partial<AgentWorld> = {}): AgentWorld {
  return { ...setup, vehicle: CENTRE, now: NOON, trip: undefined, preferences: { favouriteCuisines: [] }, ...overrides };
}

/** An agent on `setup` with the embedded understanding. */
export function agentOn(setup: AgentSetup, options: Partial<AgentOptions> = {}): Agent {
  return new Agent({ setup, ...options });
}
