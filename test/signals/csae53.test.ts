import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  decodeCsaeFrame,
  decodeCsaeMessage,
  encodeCsaeFrame,
  intervalConfidence,
  lightPhase,
  openRsuEnvelope,
  spatToModel,
  wrapRsuEnvelope,
  type CsaeFrame,
  type MapData,
  type SPAT,
  type TimeChangeDetails,
} from '../../src/signals/csae53/index.ts';
import {
  MapData as MapDataCodec,
  PhaseState as PhaseStateCodec,
  SPAT as SpatCodec,
  TimeChangeDetails as TimeChangeDetailsCodec,
} from '../../src/signals/csae53/schema.ts';
import type { Codec } from '../../src/signals/csae53/per.ts';
import { BitWriter } from '../../src/signals/uper.ts';
import { MOVEMENT_PHASES, type MapMessage, type SpatMessage } from '../../src/signals/model.ts';

// --- The real samples -------------------------------------------------------------

const SAMPLES_URL = new URL('../../../shared/data/v2x/csae53/v2x-samples-zh.txt', import.meta.url);
// The file is GB 2312/GBK text, as published.
const SAMPLES = new TextDecoder('gbk').decode(readFileSync(SAMPLES_URL));
const LABELS = ['SPAT发送的消息', 'SPAT解析', 'BSM样例', 'BSM解析', 'RSM样例', 'RSM解析', 'RSI样例', 'RSI解析', 'MAP样例', 'MAP解析'];

/** The text after `label：` up to the next label (or the end of the file). */
function sampleSection(label: string): string {
  const start = SAMPLES.indexOf(`${label}：`);
  assert.ok(start >= 0, `sample '${label}' is in the file`);
  const from = start + label.length + 1;
  const ends = LABELS.map((other) => SAMPLES.indexOf(`\n${other}：`, from)).filter((at) => at >= 0);
  return SAMPLES.slice(from, Math.min(SAMPLES.length, ...ends));
}

const sampleBytes = (label: string) => Uint8Array.from(Buffer.from(sampleSection(label).trim(), 'hex'));
const SPAT_SENT = sampleBytes('SPAT发送的消息');
const MAP_SENT = sampleBytes('MAP样例');
const TRANSPORT_PREFIX_OCTETS = 18;
const SPAT_FRAME = SPAT_SENT.subarray(TRANSPORT_PREFIX_OCTETS);
const MAP_FRAME = MAP_SENT.subarray(TRANSPORT_PREFIX_OCTETS);
// A reception time near the recordings (their prefixes say November 2020): it gives the year.
const NOW = new Date('2020-11-26T13:00:00Z');

function decodeRaw(bytes: Uint8Array | string): CsaeFrame {
  const result = decodeCsaeMessage(bytes);
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

function decodedSpat(bytes: Uint8Array | string): SPAT {
  const frame = decodeRaw(bytes);
  assert.equal(frame.type, 'spatFrame');
  return frame.value as SPAT;
}

function decodedMap(bytes: Uint8Array | string): MapData {
  const frame = decodeRaw(bytes);
  assert.equal(frame.type, 'mapFrame');
  return frame.value as MapData;
}

// --- ASN.1 value notation, as the samples print it ----------------------------

type Scalar = { kind: 'number'; value: number } | { kind: 'bits'; octets: number[]; unused: number };
interface Block {
  kind: 'block';
  type: string;
  /** False when the file ends inside it (the MapData notation is cut short). */
  closed: boolean;
  entries: { name: string | undefined; value: Scalar | Block }[];
}

/** Parses the value notation of one message (`SPAT ::= { msgCnt: 109 … }`). */
function parseValueNotation(text: string): Block {
  const lines = text.split('\n');
  // A last line without its newline may be cut in the middle of a number.
  if (!text.endsWith('\n')) lines.pop();
  const stack: Block[] = [];
  let root: Block | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === '}') {
      const block = stack.pop();
      assert.ok(block, 'a closing brace closes a block');
      block.closed = true;
      continue;
    }
    const opening = /^(?:([\w-]+): )?([\w-]+) ::= \{$/.exec(line);
    if (opening) {
      const block: Block = { kind: 'block', type: opening[2]!, closed: false, entries: [] };
      if (stack.length === 0) root = block;
      else stack.at(-1)!.entries.push({ name: opening[1], value: block });
      stack.push(block);
      continue;
    }
    const field = /^([\w-]+): (.+)$/.exec(line);
    assert.ok(field && stack.length > 0, `value notation line '${line}'`);
    stack.at(-1)!.entries.push({ name: field[1]!, value: parseScalar(field[2]!) });
  }
  assert.ok(root, 'the notation has a value');
  return root;
}

function parseScalar(text: string): Scalar {
  // An ENUMERATED prints its number and its name: `5 (permissive-green)`.
  const number = /^(-?\d+)(?: \([\w-]+\))?$/.exec(text);
  // A BIT STRING prints octets: `E0 00 (4 bits unused)`.
  const bits = /^((?:[0-9A-F]{2} )*[0-9A-F]{2})(?: \((\d+) bits unused\))?$/.exec(text);
  if (bits && (bits[1]!.includes(' ') || bits[2] !== undefined)) {
    return { kind: 'bits', octets: bits[1]!.split(' ').map((octet) => parseInt(octet, 16)), unused: Number(bits[2] ?? 0) };
  }
  assert.ok(number, `value '${text}' is a number or a bit string`);
  return { kind: 'number', value: Number(number[1]) };
}

// Value notation names a CHOICE's alternative by its type.
const ALTERNATIVE_OF_TYPE: Record<string, string> = {
  TimeCountingDown: 'counting',
  UTCTiming: 'utcTiming',
  'Position-LL-24B': 'position-LL1',
  'Position-LL-28B': 'position-LL2',
  'Position-LL-32B': 'position-LL3',
  'Position-LL-36B': 'position-LL4',
  'Position-LL-44B': 'position-LL5',
  'Position-LL-48B': 'position-LL6',
  'Position-LLmD-64b': 'position-LatLon',
};

interface Comparison {
  leaves: number;
  /** Fields where the notation and the frame disagree, by path: expected to be exactly the known ones. */
  differences: Map<string, { notation: number; decoded: unknown }>;
}

/**
 * Walks the schema, the notation and the decoded value together and compares
 * every field the notation gives. Inside a block the file cuts short, later
 * fields and list items may be missing from the notation, never earlier ones.
 */
function compareWithNotation(codec: Codec<unknown>, notation: Scalar | Block, actual: unknown, path: string, result: Comparison): void {
  const shape = codec.shape;
  switch (shape.kind) {
    case 'integer':
    case 'enumerated':
    case 'bitString': {
      assert.equal(notation.kind === 'block', false, `${path}: notation has a block for a ${shape.kind}`);
      const scalar = notation as Scalar;
      let expected: number;
      if (shape.kind === 'bitString') {
        assert.equal(scalar.kind, 'bits', `${path}: a bit string`);
        const bits = scalar as Extract<Scalar, { kind: 'bits' }>;
        assert.equal(bits.octets.length * 8 - bits.unused, shape.size, `${path}: bit string size`);
        expected = bits.octets.reduce((value, octet) => value * 256 + octet, 0) / 2 ** bits.unused;
      } else {
        assert.equal(scalar.kind, 'number', `${path}: a number`);
        expected = (scalar as Extract<Scalar, { kind: 'number' }>).value;
      }
      result.leaves++;
      if (actual !== expected) result.differences.set(path, { notation: expected, decoded: actual });
      return;
    }
    case 'sequence': {
      const block = asBlock(notation, path);
      const record = actual as Record<string, unknown>;
      const given = new Set<string>();
      for (const entry of block.entries) {
        assert.ok(entry.name !== undefined, `${path}: sequence components are named`);
        const field = shape.fields.find((candidate) => candidate.name === entry.name);
        assert.ok(field, `${path}: the schema has a component '${entry.name}'`);
        assert.ok(entry.name in record, `${path}.${entry.name} was decoded`);
        given.add(entry.name);
        compareWithNotation(field.codec, entry.value, record[entry.name], join(path, entry.name), result);
      }
      const lastGiven = Math.max(-1, ...shape.fields.map((field, index) => (given.has(field.name) ? index : -1)));
      shape.fields.forEach((field, index) => {
        if (given.has(field.name) || !(field.name in record)) return;
        assert.ok(!block.closed && index > lastGiven, `${path}.${field.name} was decoded but is not in the notation`);
      });
      return;
    }
    case 'sequenceOf': {
      const block = asBlock(notation, path);
      const items = actual as unknown[];
      if (block.closed) assert.equal(block.entries.length, items.length, `${path}: number of items`);
      else assert.ok(block.entries.length <= items.length, `${path}: no more items in the notation than decoded`);
      block.entries.forEach((entry, index) => {
        assert.equal(entry.name, undefined, `${path}[${index}]: list items are unnamed`);
        compareWithNotation(shape.item, entry.value, items[index], `${path}[${index}]`, result);
      });
      return;
    }
    case 'choice': {
      const block = asBlock(notation, path);
      const name = ALTERNATIVE_OF_TYPE[block.type];
      const alternative = shape.alternatives.find((candidate) => candidate.name === name);
      assert.ok(alternative, `${path}: the choice has an alternative of type ${block.type}`);
      const chosen = actual as { type: string; value: unknown };
      assert.equal(chosen.type, alternative.name, `${path}: alternative`);
      compareWithNotation(alternative.codec, block, chosen.value, path, result);
      return;
    }
    default:
      assert.fail(`${path}: the samples have no ${shape.kind}`);
  }
}

function asBlock(notation: Scalar | Block, path: string): Block {
  assert.equal(notation.kind, 'block', `${path}: a structured value`);
  return notation as Block;
}

const join = (path: string, name: string) => (path === '' ? name : `${path}.${name}`);

function compareSample(codec: Codec<unknown>, notationLabel: string, decoded: unknown): Comparison {
  const result: Comparison = { leaves: 0, differences: new Map() };
  compareWithNotation(codec, parseValueNotation(sampleSection(notationLabel)), decoded, '', result);
  return result;
}

// --- The transport prefix ---------------------------------------------------------------

test('finds the frame behind the RSU transport prefix: id, sent time and length', () => {
  const spat = openRsuEnvelope(SPAT_SENT);
  assert.ok(spat);
  assert.equal(spat.deviceId, 'u_id_123');
  assert.equal(new Date(spat.sentAt).toISOString(), '2020-11-14T06:55:02.333Z');
  assert.deepEqual(spat.frames, [SPAT_FRAME]);
  assert.equal(SPAT_FRAME.length, 261);

  const map = openRsuEnvelope(MAP_SENT);
  assert.ok(map);
  assert.equal(new Date(map.sentAt).toISOString(), '2020-11-26T12:50:23.929Z');
  assert.deepEqual(map.frames, [MAP_FRAME]);
  assert.equal(openRsuEnvelope(SPAT_FRAME), undefined, 'a bare frame is not an envelope');
});

test('decodes a SPAT the same with or without the transport prefix, from bytes or hex', () => {
  const bare = decodeCsaeFrame(SPAT_FRAME, NOW);
  assert.ok(bare.ok);
  assert.deepEqual(decodeCsaeFrame(SPAT_SENT, NOW), bare);
  assert.deepEqual(decodeCsaeFrame(sampleSection('SPAT发送的消息'), NOW), bare);
  const rewrapped = wrapRsuEnvelope(SPAT_FRAME, 'RSU-0042', Date.UTC(2024, 4, 1));
  assert.deepEqual(decodeCsaeFrame(rewrapped, NOW), bare);
});

test('answers BSM, RSM and RSI samples with "not SPAT or MapData"', () => {
  const bsm = openRsuEnvelope(sampleBytes('BSM样例'));
  assert.equal(bsm?.frames.length, 2, 'the BSM sample batches two frames');
  assert.deepEqual(bsm.frames.map((frame) => frame.length), [86, 53]);
  assert.deepEqual(decodeCsaeFrame(sampleBytes('BSM样例'), NOW), {
    ok: false,
    error: 'CSAE frame: bsmFrame (BasicSafetyMessage) is not SPAT or MapData (frame 1 of 2)',
  });
  assert.deepEqual(decodeCsaeFrame(sampleBytes('RSM样例'), NOW), {
    ok: false,
    error: 'CSAE frame: rsmFrame (RoadsideSafetyMessage) is not SPAT or MapData',
  });
  assert.deepEqual(decodeCsaeFrame(sampleBytes('RSI样例'), NOW), {
    ok: false,
    error: 'CSAE frame: rsiFrame (RoadSideInformation) is not SPAT or MapData',
  });
});

// --- The real samples, field for field ---------------------------------------------------

test('decodes the real SPAT field for field as its value notation gives it', () => {
  const spat = decodedSpat(SPAT_SENT);
  const comparison = compareSample(SpatCodec, 'SPAT解析', spat);
  assert.equal(comparison.leaves, 8 * 3 * 5 + 8 + 6, 'every field of 8 phases × 3 states, plus the headers');
  // The notation was printed from another transmission of the same RSU, 31 minutes earlier: only the
  // counter and the clock differ. The frame's own time is the prefix's sent time (next test).
  assert.deepEqual(Object.fromEntries(comparison.differences), {
    msgCnt: { notation: 109, decoded: 48 },
    moy: { notation: 458304, decoded: 458335 },
    timeStamp: { notation: 9250, decoded: 5238 },
  });
});

test('decodes the real MapData field for field as far as the stored notation goes', () => {
  const map = decodedMap(MAP_SENT);
  const comparison = compareSample(MapDataCodec, 'MAP解析', map);
  // The stored notation stops in the second link's third movement: every one of its fields is compared.
  assert.equal(comparison.leaves, 78);
  // As for the SPAT: the notation is of a transmission 18 minutes later (13:08, the RSI sample's time).
  assert.deepEqual(Object.fromEntries(comparison.differences), {
    timeStamp: { notation: 475988, decoded: 475970 },
  });
  // Beyond the notation, the frame decodes to its last bit.
  assert.equal(map.nodes.length, 1);
  assert.deepEqual(map.nodes[0]!.inLinks?.map((link) => link.upstreamNodeId.id), [148, 150, 1091, 1095]);
});

test("states its frame's own time, which agrees with the prefix's sent time", () => {
  const spat = decodedSpat(SPAT_SENT);
  const sentAt = openRsuEnvelope(SPAT_SENT)!.sentAt;
  const model = spatToModel(spat, NOW);
  assert.equal(new Date(model.timestamp!).toISOString(), '2020-11-14T06:55:05.238Z');
  assert.ok(Math.abs(model.timestamp! - sentAt) < 5_000, 'within the RSU clocks’ skew of the sent time');

  const map = decodeCsaeFrame(MAP_SENT, NOW);
  assert.ok(map.ok);
  assert.equal(new Date(map.value.timestamp!).toISOString(), '2020-11-26T12:50:00.000Z');
});

// --- Into Cabin's model ---------------------------------------------------------

test('puts the real SPAT into the model: phases as signal groups, countdowns as epoch ms', () => {
  const result = decodeCsaeFrame(SPAT_SENT, NOW);
  assert.ok(result.ok);
  const spat = result.value as SpatMessage;
  assert.equal(spat.kind, 'spat');
  const base = Date.parse('2020-11-14T06:55:05.238Z');
  const [intersection] = spat.intersections;
  assert.ok(intersection);
  assert.deepEqual(intersection.ref, { region: 255, id: 9 });
  assert.equal(intersection.revision, 48);
  assert.equal(intersection.timestamp, base);
  assert.equal(intersection.status, 0x0400, 'fixedTimeOperation (bit 5)');
  assert.deepEqual(
    intersection.groups.map((group) => group.signalGroup),
    [33, 35, 41, 43, 49, 51, 57, 59],
  );
  assert.deepEqual(intersection.groups[2], {
    signalGroup: 41,
    events: [
      { phase: 'stop-and-remain', timing: { likelyTime: base + 46_000, nextTime: base + 46_000 } },
      {
        phase: 'permissive-movement-allowed',
        timing: { startTime: base + 46_000, likelyTime: base + 46_000, nextTime: base + 92_000 },
      },
      {
        phase: 'permissive-clearance',
        timing: { startTime: base + 46_000, likelyTime: base + 46_000, nextTime: base + 92_000 },
      },
    ],
  });
});

test('puts the real MapData into the model: lanes from the stop line out, connections with their phases', () => {
  const result = decodeCsaeFrame(MAP_SENT, NOW);
  assert.ok(result.ok);
  const map = result.value as MapMessage;
  assert.equal(map.kind, 'map');
  assert.equal(map.revision, 0);
  const [node] = map.intersections;
  assert.ok(node);
  assert.deepEqual(node.ref, { region: 1, id: 149 });
  assert.equal(node.lat, 28.0985258);
  assert.equal(node.lon, 112.9830304);
  assert.equal(node.speedLimitKmh, 60, '834 × 0.02 m/s');
  assert.equal(node.laneWidthCm, undefined, 'links are 22 m and 13 m wide');
  assert.deepEqual(
    node.lanes.map((lane) => lane.ingressApproach),
    [148, 150, 1091, 1095],
  );
  assert.deepEqual(node.lanes[0], {
    laneId: 1,
    ingressApproach: 148,
    direction: 'ingress',
    kind: 'vehicle',
    maneuvers: ['straight', 'left', 'right'],
    points: [
      [28.0988051, 112.9829511],
      [28.0996026, 112.9828884],
      [28.1004053, 112.9828313],
      [28.1010657, 112.9827867],
    ],
    connections: [
      { toLane: 1, toIntersection: { region: 1, id: 1091 }, maneuver: 'left', signalGroup: 1 },
      { toLane: 1, toIntersection: { region: 1, id: 150 }, maneuver: 'straight', signalGroup: 2 },
      { toLane: 1, toIntersection: { region: 1, id: 1095 }, maneuver: 'right', signalGroup: 3 },
    ],
  });
});

test('gives a lane without points or connections its link’s centre line and movements', () => {
  const map: MapData = {
    msgCnt: 3,
    nodes: [
      {
        id: { id: 500 },
        refPos: { lat: 399000000, long: 1163000000 },
        inLinks: [
          {
            name: 'Chang An Jie',
            upstreamNodeId: { region: 2, id: 499 },
            linkWidth: 700,
            // Offsets from the node's reference position, upstream first.
            points: [
              { posOffset: { offsetLL: { type: 'position-LL1', value: { lon: -1000, lat: 200 } } } },
              { posOffset: { offsetLL: { type: 'position-LL3', value: { lon: -20, lat: 10 } } } },
            ],
            movements: [{ remoteIntersection: { region: 2, id: 501 }, phaseId: 4 }, { remoteIntersection: { id: 502 } }],
            lanes: [
              { laneID: 1, laneWidth: 350, maneuvers: 0b1000_0000_0000 },
              {
                laneID: 2,
                laneAttributes: { laneType: { type: 'crosswalk', value: 0 } },
                connectsTo: [
                  { remoteIntersection: { region: 2, id: 501 }, connectingLane: { lane: 3, maneuver: 0b1100_0000_0000 } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const result = decodeCsaeFrame(encodeCsaeFrame({ type: 'mapFrame', value: map }), NOW);
  assert.ok(result.ok);
  const [node] = (result.value as MapMessage).intersections;
  assert.ok(node);
  assert.deepEqual(node.ref, { region: 0, id: 500 });
  assert.equal(node.laneWidthCm, undefined, '3.5 m and 7 m');
  const stopLineFirst: [number, number][] = [
    [39.900001, 116.299998],
    [39.90002, 116.2999],
  ];
  assert.deepEqual(node.lanes, [
    {
      laneId: 1,
      name: 'Chang An Jie',
      ingressApproach: 499,
      direction: 'ingress',
      kind: 'vehicle',
      maneuvers: ['straight'],
      points: stopLineFirst,
      connections: [
        { toLane: 0, toIntersection: { region: 2, id: 501 }, signalGroup: 4 },
        { toLane: 0, toIntersection: { region: 0, id: 502 } },
      ],
    },
    {
      laneId: 2,
      name: 'Chang An Jie',
      ingressApproach: 499,
      direction: 'ingress',
      kind: 'crosswalk',
      maneuvers: [],
      points: stopLineFirst,
      // Straight-or-left is not one model manoeuvre; the phase comes from the link's movement to 501.
      connections: [{ toLane: 3, toIntersection: { region: 2, id: 501 }, signalGroup: 4 }],
    },
  ]);
});

test('maps every LightState to the phase of the same colour', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(lightPhase),
    [
      'unavailable',
      'dark',
      'stop-then-proceed', // flashing-red
      'stop-and-remain', // red
      'permissive-movement-allowed', // flashing-green: still green
      'permissive-movement-allowed', // permissive-green
      'protected-movement-allowed', // protected-green
      'permissive-clearance', // yellow
      'caution-conflicting-traffic', // flashing-yellow
      'unavailable', // an extension value
    ],
  );
  for (const phase of [0, 1, 2, 3, 4, 5, 6, 7, 8].map(lightPhase)) assert.ok(MOVEMENT_PHASES.includes(phase));
});

test('turns a percent confidence into the J2735 confidence level it reaches', () => {
  // Confidence is in 0.5 %: 200 = 100 %, 190 = 95 % (level 13, 96 %, is not reached), 41 = 20.5 %.
  assert.deepEqual([200, 196, 190, 42, 41, 0].map(intervalConfidence), [15, 14, 12, 0, undefined, undefined]);
});

// --- Time ---------------------------------------------------------------------------------

/** A one-intersection, one-phase SPAT with the given times and countdown (tenths of a second). */
function spatAt(times: { moy?: number; timeStamp?: number }, timing: TimeChangeDetails): SPAT {
  return {
    msgCnt: 1,
    ...times,
    intersections: [
      { intersectionId: { id: 7 }, status: 0, phases: [{ id: 2, phaseStates: [{ light: 6, timing }] }] },
    ],
  };
}

const minuteOfYear = (iso: string) => (Date.parse(iso) - Date.UTC(new Date(iso).getUTCFullYear(), 0, 1)) / 60_000;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const counting = (likelyEndTime: number) => ({ type: 'counting' as const, value: { startTime: 0, likelyEndTime } });

function firstTiming(spat: SPAT, now: Date) {
  const model = spatToModel(spat, now);
  return model.intersections[0]!.groups[0]!.events[0]!.timing!;
}

test('resolves countdowns against the message time across the minute and hour rollover', () => {
  // 12:59:59.500 + 1.0 s
  const spat = spatAt({ moy: minuteOfYear('2024-03-10T12:59:00Z'), timeStamp: 59_500 }, counting(10));
  const now = new Date('2024-03-10T13:00:02Z');
  assert.equal(iso(spatToModel(spat, now).timestamp), '2024-03-10T12:59:59.500Z');
  assert.equal(iso(firstTiming(spat, now).likelyTime), '2024-03-10T13:00:00.500Z');
});

test('takes the minute from now when only the millisecond is sent, across the minute rollover', () => {
  // Received just after the minute turned: 59.9 s belongs to the minute before.
  const spat = spatAt({ timeStamp: 59_900 }, counting(5));
  const timing = firstTiming(spat, new Date('2024-03-10T13:00:00.200Z'));
  assert.equal(iso(timing.likelyTime), '2024-03-10T13:00:00.400Z');
  // And 0.3 s received just before the minute turns belongs to the next one.
  const early = spatAt({ timeStamp: 300 }, counting(5));
  assert.equal(iso(firstTiming(early, new Date('2024-03-10T12:59:59.900Z')).likelyTime), '2024-03-10T13:00:00.800Z');
});

test('puts the last minute of a year in that year when read on New Year’s Day', () => {
  // 2020 is a leap year: its last minute is 366 × 1440 − 1.
  const spat = spatAt({ moy: 527039, timeStamp: 58_000 }, counting(30));
  const model = spatToModel(spat, new Date('2021-01-01T00:00:05Z'));
  assert.equal(iso(model.timestamp), '2020-12-31T23:59:58.000Z');
  assert.equal(iso(model.intersections[0]!.groups[0]!.events[0]!.timing!.likelyTime), '2021-01-01T00:00:01.000Z');
});

test('counts from now when the message gives no time, and leaves unknown countdowns unknown', () => {
  const now = new Date('2024-03-10T08:00:00Z');
  const spat = spatAt({}, { type: 'counting', value: { startTime: 0, likelyEndTime: 36001, minEndTime: 50, maxEndTime: 36000 } });
  assert.equal(spatToModel(spat, now).timestamp, undefined);
  assert.deepEqual(firstTiming(spat, now), { minEndTime: Date.parse('2024-03-10T08:00:05Z') });
});

test('resolves UTC timings to the nearest hour', () => {
  // At 12:59:50, 0.5 s into the hour is 13:00:00.5, and 3599.0 s is 12:59:59.
  const spat = spatAt(
    { moy: minuteOfYear('2024-03-10T12:59:00Z'), timeStamp: 50_000 },
    { type: 'utcTiming', value: { startUTCTime: 35_990, likelyEndUTCTime: 5 } },
  );
  const timing = firstTiming(spat, new Date('2024-03-10T13:00:00Z'));
  assert.equal(iso(timing.startTime), '2024-03-10T12:59:59.000Z');
  assert.equal(iso(timing.likelyTime), '2024-03-10T13:00:00.500Z');
});

// --- Round trips -------------------------------------------------------------------------

test('encodes the real SPAT and MapData back to the same bits', () => {
  assert.deepEqual(encodeCsaeFrame(decodeRaw(SPAT_FRAME)), SPAT_FRAME);
  assert.deepEqual(encodeCsaeFrame(decodeRaw(MAP_FRAME)), MAP_FRAME);
});

/** Generates values of a codec's ASN.1 type, lists kept short. */
function arbitraryOf(codec: Codec<unknown>): fc.Arbitrary<unknown> {
  const shape = codec.shape;
  switch (shape.kind) {
    case 'integer':
      return fc.integer({ min: shape.lower, max: shape.upper });
    case 'enumerated': {
      const root = fc.integer({ min: 0, max: shape.rootCount - 1 });
      return shape.extensible ? fc.oneof(root, fc.integer({ min: shape.rootCount, max: shape.rootCount + 80 })) : root;
    }
    case 'bitString':
      return fc.integer({ min: 0, max: 2 ** shape.size - 1 });
    case 'extensibleBitString':
      return fc
        .oneof(fc.array(fc.boolean(), { minLength: shape.rootSize, maxLength: shape.rootSize }), fc.array(fc.boolean(), { maxLength: 40 }))
        .map((bits) => bits.map((bit) => (bit ? '1' : '0')).join(''));
    case 'ia5String':
      return fc.string({
        unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)),
        minLength: shape.lower,
        maxLength: Math.min(shape.upper, 12),
      });
    case 'sequence': {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const field of shape.fields) model[field.name] = arbitraryOf(field.codec);
      const requiredKeys = shape.fields.filter((field) => !field.optional).map((field) => field.name);
      return fc.record(model, { requiredKeys, noNullPrototype: true });
    }
    case 'sequenceOf':
      return fc.array(arbitraryOf(shape.item), { minLength: shape.lower, maxLength: Math.min(shape.upper, shape.lower + 2) });
    case 'choice': {
      const known = shape.alternatives.map((alternative) =>
        arbitraryOf(alternative.codec).map((value) => ({ type: alternative.name, value })),
      );
      if (!shape.extensible) return fc.oneof(...known);
      const unknown = fc.record(
        {
          type: fc.constant('extension'),
          index: fc.integer({ min: 0, max: 80 }),
          encoded: fc.uint8Array({ minLength: 1, maxLength: 4 }),
        },
        { noNullPrototype: true },
      );
      return fc.oneof(...known, unknown);
    }
  }
}

test('decodes every generated SPAT back to itself', () => {
  fc.assert(
    fc.property(arbitraryOf(SpatCodec), (value) => {
      const frame = { type: 'spatFrame', value } as CsaeFrame;
      assert.deepEqual(decodeRaw(encodeCsaeFrame(frame)), frame);
    }),
    { numRuns: 300 },
  );
});

test('decodes every generated MapData back to itself', () => {
  fc.assert(
    fc.property(arbitraryOf(MapDataCodec), (value) => {
      const frame = { type: 'mapFrame', value } as CsaeFrame;
      assert.deepEqual(decodeRaw(encodeCsaeFrame(frame)), frame);
    }),
    { numRuns: 150 },
  );
});

test('skips extension additions from a later edition instead of misreading what follows', () => {
  const state = { light: 3, timing: counting(120) };
  const writer = new BitWriter();
  writer.writeBit(false); // MessageFrame root
  writer.writeConstrained(3, 0, 4); // spatFrame
  writer.writeBit(false); // SPAT: no additions
  writer.writeBits(0b000, 3); // no moy, timeStamp, name
  writer.writeConstrained(9, 0, 127); // msgCnt
  writer.writeConstrained(0, 0, 31); // one intersection
  writer.writeBit(false); // IntersectionState: no additions
  writer.writeBits(0b000, 3);
  writer.writeBit(false); // NodeReferenceID without region
  writer.writeConstrained(77, 0, 65535);
  writer.writeBitString(0, 16);
  writer.writeConstrained(0, 0, 15); // one phase
  writer.writeConstrained(5, 0, 255); // id
  writer.writeConstrained(1, 0, 15); // two states
  // A PhaseState from a later edition: its extension bit set, then two additions of which the second is present.
  writer.writeBit(true);
  writer.writeBit(true); // timing present
  writer.writeBit(false);
  writer.writeConstrained(3, 0, 8); // red
  TimeChangeDetailsCodec.encode(writer, state.timing);
  writer.writeNormallySmall(1); // two additions
  writer.writeBit(false);
  writer.writeBit(true);
  writer.writeOpenType(Uint8Array.of(0xde, 0xad, 0xbe));
  PhaseStateCodec.encode(writer, { light: 6 });
  const spat = decodedSpat(writer.finish());
  assert.deepEqual(spat.intersections[0]!.phases[0]!.phaseStates, [state, { light: 6 }]);
});

test('keeps an unknown TimeChangeDetails alternative and an unknown LightState without inventing a timing', () => {
  const spat = spatAt({}, { type: 'extension', index: 2, encoded: Uint8Array.of(1, 2, 3) });
  spat.intersections[0]!.phases[0]!.phaseStates[0]!.light = 12;
  const frame: CsaeFrame = { type: 'spatFrame', value: spat };
  assert.deepEqual(decodeRaw(encodeCsaeFrame(frame)), frame);
  const model = spatToModel(spat, NOW);
  assert.deepEqual(model.intersections[0]!.groups[0]!.events, [{ phase: 'unavailable' }]);
});

// --- Malformed input -----------------------------------------------------------------------

test('says which bit and which field a truncated SPAT ran out at', () => {
  const result = decodeCsaeFrame(SPAT_FRAME.subarray(0, 40), NOW);
  assert.equal(result.ok, false);
  assert.match(
    (result as { error: string }).error,
    /^CSAE SPAT: bit \d+: .* only \d+ left \(at intersections\[0\]\.phases\[\d+\]\.phaseStates\[\d+\][\w.[\]]*\)$/,
  );
});

test('rejects input that is not hex, and octets after the end of a frame', () => {
  assert.deepEqual(decodeCsaeFrame('36 6x', NOW), { ok: false, error: "CSAE frame: hex input has 'x' at character 3" });
  assert.deepEqual(decodeCsaeFrame('366', NOW), { ok: false, error: 'CSAE frame: hex input has an odd number of digits (3)' });
  assert.deepEqual(decodeCsaeFrame('', NOW), { ok: false, error: 'CSAE frame: empty input' });
  const padded = Uint8Array.from([...SPAT_FRAME, 0, 0]);
  assert.deepEqual(decodeCsaeFrame(padded, NOW), {
    ok: false,
    error: 'CSAE SPAT: bit 2081: 2 octets after the end of the message',
  });
});

type Mutation =
  | { kind: 'flip'; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'insert'; at: number; octets: Uint8Array };

function mutations(length: number): fc.Arbitrary<Mutation[]> {
  const position = fc.noBias(fc.nat({ max: length - 1 }));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), bit: fc.noBias(fc.nat({ max: length * 8 - 1 })) }),
    fc.record({ kind: fc.constant('set' as const), at: position, value: fc.noBias(fc.nat({ max: 255 })) }),
    fc.record({ kind: fc.constant('truncate' as const), length: position }),
    fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, octets: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 });
}

function mutate(original: Uint8Array, changes: Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(original);
  for (const change of changes) {
    switch (change.kind) {
      case 'flip':
        if (change.bit >> 3 < bytes.length) bytes[change.bit >> 3]! ^= 0x80 >> (change.bit & 7);
        break;
      case 'set':
        if (change.at < bytes.length) bytes[change.at] = change.value;
        break;
      case 'truncate':
        bytes = bytes.slice(0, change.length);
        break;
      case 'delete':
        bytes = Uint8Array.from([...bytes.subarray(0, change.at), ...bytes.subarray(change.at + change.count)]);
        break;
      case 'insert':
        bytes = Uint8Array.from([...bytes.subarray(0, change.at), ...change.octets, ...bytes.subarray(change.at)]);
        break;
    }
  }
  return bytes;
}

/**
 * Decodes `bytes` as a view into a larger buffer whose other octets are
 * garbage, and as a copy: the results must be the same, so the decoder never
 * read outside the view, and it must not throw.
 */
function assertDecodesSafely(bytes: Uint8Array): void {
  const buffer = new Uint8Array(bytes.length + 64).fill(0xa5);
  buffer.set(bytes, 32);
  const view = buffer.subarray(32, 32 + bytes.length);
  const fromView = decodeCsaeFrame(view, NOW);
  assert.deepEqual(fromView, decodeCsaeFrame(Uint8Array.from(bytes), NOW));
  if (!fromView.ok) assert.match(fromView.error, /^CSAE /);
}

test('never throws, hangs or reads past the buffer on 50,000 mutated or truncated SPAT frames', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(fc.boolean(), mutations(SPAT_SENT.length), (withPrefix, changes) => {
      assertDecodesSafely(mutate(withPrefix ? SPAT_SENT : SPAT_FRAME, changes));
    }),
    { numRuns: 50_000 },
  );
});

test('never throws, hangs or reads past the buffer on 50,000 mutated or truncated MapData frames', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(fc.boolean(), mutations(MAP_SENT.length), (withPrefix, changes) => {
      assertDecodesSafely(mutate(withPrefix ? MAP_SENT : MAP_FRAME, changes));
    }),
    { numRuns: 50_000 },
  );
});
