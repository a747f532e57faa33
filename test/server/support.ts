import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_REGION, generateRegion } from '../../src/map/index.ts';
import { compileMap, openMap } from '../../src/cli/maps.ts';
import type { OpenMap } from '../../src/cli/maps.ts';

/** The default district compiled into a temporary map file; `remove` deletes it. */
export function defaultDistrict(): { opened: OpenMap; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cabin-server-'));
  const path = join(dir, 'default.cabin');
  compileMap({ ...DEFAULT_REGION, bbox: [0, 0, 0, 0] }, (sink) => generateRegion(sink), path);
  return { opened: openMap(path), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Noon in Shanghai, the default district's time zone. */
export const NOON = new Date('2026-11-25T04:00:00Z');
