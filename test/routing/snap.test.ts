import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentSnapper, distanceM, forEachSegmentPoint } from '../../src/routing/snap.ts';
import { seededRandom, sharedMap } from '../support/maps.ts';

/** Brute force: the distance from a point to the nearest segment, by checking every one. */
function nearestByScan(map: ReturnType<typeof sharedMap>['map'], lat: number, lon: number): number {
  const cosLat = Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (let s = 0; s < map.roads.segmentCount; s++) {
    let prev: [number, number] | undefined;
    forEachSegmentPoint(map.roads, s, (latE7, lonE7) => {
      const point: [number, number] = [lonE7 / 1e7, latE7 / 1e7];
      if (prev) {
        const ax = (prev[0] - lon) * cosLat;
        const ay = prev[1] - lat;
        const bx = (point[0] - lon) * cosLat;
        const by = point[1] - lat;
        const dx = bx - ax;
        const dy = by - ay;
        const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
        const px = ax + t * dx;
        const py = ay + t * dy;
        best = Math.min(best, distanceM(lat, lon, lat + py, lon + px / cosLat));
      }
      prev = point;
    });
  }
  return best;
}

test('snaps to the same nearest road as a scan of every segment', () => {
  const { map, prepared } = sharedMap('baltimore');
  const snapper = prepared.snapper;
  const [w, s, e, n] = map.info.bbox;
  const random = seededRandom(11);
  for (let i = 0; i < 200; i++) {
    const lat = s + (n - s) * random();
    const lon = w + (e - w) * random();
    const hit = snapper.snap(lat, lon, 5000);
    const expected = nearestByScan(map, lat, lon);
    assert.ok(hit, `no road near ${lat},${lon}`);
    assert.ok(Math.abs(hit.distanceM - expected) < 0.5, `snapped ${hit.distanceM.toFixed(2)} m away, nearest is ${expected.toFixed(2)} m`);
  }
});

test('finds nothing beyond the distance limit, and rebuilds identically from its bytes', () => {
  const { map, prepared } = sharedMap('harrisburg');
  assert.equal(prepared.snapper.snap(0, 0, 1000), undefined);
  const restored = SegmentSnapper.fromBytes(map.roads, prepared.snapper.indexBytes());
  const [w, s, e, n] = map.info.bbox;
  for (let i = 0; i <= 10; i++) {
    const lat = s + ((n - s) * i) / 10;
    const lon = w + ((e - w) * (10 - i)) / 10;
    assert.deepEqual(restored.snap(lat, lon), prepared.snapper.snap(lat, lon));
  }
});
