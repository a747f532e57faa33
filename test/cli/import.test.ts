import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sharedExtractPath } from '../support/maps.ts';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function cabin(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('imports a real extract and routes on the written map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cabin-cli-'));
  try {
    const output = join(dir, 'andorra.cabin');
    const imported = cabin('import', sharedExtractPath('andorra'), '-o', output);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /69,644 nodes, 2,725 ways, 74 relations/);
    assert.match(imported.stdout, /graph nodes/);
    const route = cabin('route', '--map', output, '--from', '42.5063,1.5218', '--to', '42.5440,1.5160', '--json');
    assert.equal(route.status, 0, route.stderr);
    const json = JSON.parse(route.stdout);
    assert.ok(json.distanceM > 3000 && json.legs[0].steps.length >= 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rejects a file that is not a PBF, names the problem and leaves no partial map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cabin-cli-'));
  try {
    const input = join(dir, 'broken.osm.pbf');
    writeFileSync(input, '{"this is": "json"}');
    const output = join(dir, 'broken.cabin');
    const result = cabin('import', input, '-o', output);
    assert.equal(result.status, 65);
    assert.match(result.stderr, /broken\.osm\.pbf: not an OSM PBF file/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.ok(!existsSync(output));
    assert.deepEqual(readdirSync(dir), ['broken.osm.pbf']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rejects a truncated extract with the block and byte where it broke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cabin-cli-'));
  try {
    const input = join(dir, 'cut.osm.pbf');
    const bytes = readFileSync(sharedExtractPath('baltimore'));
    writeFileSync(input, bytes.subarray(0, 300_000));
    const result = cabin('import', input, '-o', join(dir, 'cut.cabin'));
    assert.equal(result.status, 65);
    assert.match(result.stderr, /cut\.osm\.pbf: block \d+ at byte \d+ is truncated/);
    assert.deepEqual(readdirSync(dir), ['cut.osm.pbf']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explains wrong usage without a stack trace', () => {
  const result = cabin('route', '--from', 'north', '--to', '1,2');
  assert.equal(result.status, 64);
  assert.match(result.stderr, /--from "north" is not LAT,LON/);
  const unknown = cabin('fly');
  assert.equal(unknown.status, 64);
  assert.match(unknown.stderr, /unknown command "fly"/);
  const missingMap = cabin('route', '--map', '/nonexistent.cabin', '--from', '1,2', '--to', '1,2');
  assert.match(missingMap.stderr, /no such map file/);
});
