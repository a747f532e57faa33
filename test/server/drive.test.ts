import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { TripPlanner } from '../../src/places/index.ts';
import { SignalStore, createSignalSimulator, isGo, isStop } from '../../src/signals/index.ts';
import { VehicleRegistry } from '../../src/server/vehicle.ts';
import { DriveSimulator } from '../../src/server/drive.ts';
import { nmeaSentence, parseNmeaSentence } from '../../src/server/nmea.ts';
import { buildServer } from '../../src/server/index.ts';
import { defaultDistrict, NOON } from './support.ts';

const { opened, remove } = defaultDistrict();
after(remove);

test('the simulated car drives a route on the default map to its end, stopping at reds and moving on green', () => {
  const { map, router } = opened;
  const [w, s, e, n] = map.info.bbox;
  const t0 = NOON.getTime();
  const planned = new TripPlanner(router).plan({
    start: { lat: s + (n - s) * 0.3, lon: w + (e - w) * 0.3 },
    departure: t0,
    stops: [{ id: 'end', kind: 'destination', lat: s + (n - s) * 0.5, lon: w + (e - w) * 0.45 }],
  });
  assert.ok(planned.ok);
  const store = new SignalStore();
  const truth = createSignalSimulator(map, { seed: 1 });
  for (const message of truth.maps()) store.acceptMap(message, t0);
  const vehicles = new VehicleRegistry();
  const drives = new DriveSimulator({ store, vehicles, update: (t) => store.acceptSpat(truth.spatAt(t), t) });
  const car = drives.start('car', planned.trip, t0);
  assert.ok(car);
  const phaseOf = (key: string, group: number, t: number) => truth.spatAt(t, [key]).intersections[0]?.groups.find((g) => g.signalGroup === group)?.events[0]?.phase;

  let t = t0;
  let stopsAtRed = 0;
  let waitingFor: { key: string; group: number } | undefined;
  let maxSpeedKmh = 0;
  const positions = new Set<string>();
  while (car.arrivedAtMs === undefined && t < t0 + 3_600_000) {
    t += 250;
    drives.tick(t);
    maxSpeedKmh = Math.max(maxSpeedKmh, vehicles.get('car')!.speedKmh ?? 0);
    positions.add(`${car.lat.toFixed(4)},${car.lon.toFixed(4)}`);
    const waiting = car.speedMps === 0 && car.hold?.action === 'stop';
    if (waiting && !waitingFor) {
      stopsAtRed++;
      waitingFor = { key: car.hold!.key, group: car.hold!.signalGroup };
      assert.ok(isStop(phaseOf(waitingFor.key, waitingFor.group, t)!), 'the car stands only when its light shows stop');
      assert.ok(car.hold!.distanceToStopLineM < 5, `it waits at the stop line, not ${car.hold!.distanceToStopLineM} m short`);
    }
    if (!waiting && waitingFor) {
      assert.ok(isGo(phaseOf(waitingFor.key, waitingFor.group, t)!), 'it moves off on green');
      waitingFor = undefined;
    }
  }
  assert.ok(car.arrivedAtMs !== undefined, 'it arrives');
  const end = planned.trip.stops.at(-1)!.onRoad;
  const state = vehicles.get('car')!;
  assert.ok(Math.abs(state.lat - end.lat) < 1e-4 && Math.abs(state.lon - end.lon) < 1e-4, 'at the end of the route');
  assert.equal(state.source, 'simulated');
  assert.ok(stopsAtRed > 0, 'this route meets at least one red');
  assert.ok(positions.size > 50 && maxSpeedKmh > 30, 'it really drove');
  const drivingS = (car.arrivedAtMs - t0 - car.waitedMs) / 1000;
  // Turns, starts and stops cost time the router's constant speeds do not include.
  assert.ok(drivingS >= planned.trip.drivingS * 0.98 && drivingS <= planned.trip.drivingS * 1.3, `drove ${drivingS} s, planned ${planned.trip.drivingS} s`);
});

test('parses NMEA RMC and GGA sentences and rejects a bad checksum', () => {
  const rmc = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A');
  assert.ok(rmc.ok);
  assert.equal(rmc.fix.lat.toFixed(5), (48 + 7.038 / 60).toFixed(5));
  assert.equal(rmc.fix.lon.toFixed(5), (11 + 31 / 60).toFixed(5));
  assert.equal(rmc.fix.speedKmh, 41.48);
  assert.equal(rmc.fix.headingDeg, 84.4);
  assert.equal(rmc.fix.at, '1994-03-23T12:35:19.000Z');
  const gga = parseNmeaSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47');
  assert.ok(gga.ok);
  assert.equal(gga.fix.sentence, 'GGA');
  const south = parseNmeaSentence(nmeaSentence('GNRMC,040000.00,A,3112.0000,S,12128.0000,W,0.0,,251126,,,A'));
  assert.ok(south.ok && south.fix.lat === -31.2 && Math.abs(south.fix.lon + 121 - -28 / 60) < 1e-9);
  const bad = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6B');
  assert.ok(!bad.ok);
  assert.match(bad.error, /bad checksum: \*6B given, \*6A computed/);
  const noFix = parseNmeaSentence(nmeaSentence('GPRMC,123519,V,,,,,,,230394,,'));
  assert.ok(!noFix.ok && /no fix/.test(noFix.error));
});

test('a confirmed trip starts the simulated car; /ahead answers; an NMEA feed takes over', async (t) => {
  let clock = NOON.getTime();
  const app = buildServer(opened, { now: () => new Date(clock) });
  t.after(() => app.close());
  const turn = (text: string) => app.inject({ method: 'POST', url: '/api/conversation/car1:driver/turn', payload: { text } });
  assert.equal((await turn('take me to Oak Road')).json().expecting, 'confirmation');
  assert.equal((await turn('yes')).statusCode, 200);
  const first = (await app.inject('/api/vehicle/car1')).json();
  assert.equal(first.source, 'simulated');
  clock += 20_000;
  const later = (await app.inject('/api/vehicle/car1')).json();
  assert.ok(later.lat !== first.lat || later.lon !== first.lon, 'the car moved');

  const ahead = await app.inject('/api/vehicle/car1/ahead');
  assert.equal(ahead.statusCode, 200);
  const body = ahead.json();
  assert.equal(body.vehicle.id, 'car1');
  if (body.ahead.found) {
    assert.equal(typeof body.ahead.signalGroup, 'number');
    assert.ok(['countdown', 'state', 'hidden'].includes(body.ahead.countdown.kind));
  } else assert.match(body.ahead.reason, /^no-/);
  assert.equal((await app.inject('/api/vehicle/nobody/ahead')).statusCode, 404);

  const lines = [nmeaSentence('GNRMC,040100.00,A,3112.0000,N,12128.0000,E,10.0,90.0,251126,,,A'), '$GPGGA,broken*00'].join('\r\n');
  const fed = await app.inject({ method: 'POST', url: '/api/vehicle/car1/nmea', payload: lines, headers: { 'content-type': 'text/plain' } });
  assert.equal(fed.statusCode, 200);
  assert.equal(fed.json().accepted, 1);
  assert.match(fed.json().rejected[0].error, /bad checksum/);
  assert.equal(fed.json().totals.rejected, 1);
  clock += 20_000;
  const real = (await app.inject('/api/vehicle/car1')).json();
  assert.equal(real.source, 'nmea');
  assert.equal(real.lat, 31.2);
  assert.equal(real.speedKmh, 18.52);

  const allBad = await app.inject({ method: 'POST', url: '/api/vehicle/car1/nmea', payload: '$GPRMC,1*00', headers: { 'content-type': 'text/plain' } });
  assert.equal(allBad.statusCode, 400);
  assert.match(allBad.json().error, /line 1: .*checksum/);

  const stream = [JSON.stringify({ lat: 31.21, lon: 121.47 }), JSON.stringify({ lat: 31.22, lon: 121.47, speedKmh: 30 })].join('\n');
  const streamed = await app.inject({ method: 'POST', url: '/api/vehicle/car1', payload: stream, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(streamed.statusCode, 200);
  assert.equal(streamed.json().accepted, 2);
  assert.equal(streamed.json().state.lat, 31.22);
});
