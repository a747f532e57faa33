import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_REGION, generateRegion } from '../../src/map/index.ts';
import { compileMap } from '../../src/cli/maps.ts';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cabin-ask-'));
const map = join(dir, 'default.cabin');
const prefs = join(dir, 'preferences.sqlite');
compileMap({ ...DEFAULT_REGION, bbox: [0, 0, 0, 0] }, (sink) => generateRegion(sink), map);
test.after(() => rmSync(dir, { recursive: true, force: true }));

function cabin(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('cabin ask answers a request on a map, in the language it was asked in', () => {
  const en = cabin(['ask', 'take me to Oak Road', '--map', map, '--prefs', prefs]);
  assert.equal(en.status, 0, en.stderr);
  assert.match(en.stdout, /^Go to Oak Road\? About \d+ min, [\d.]+ k?m\.\n/);
  assert.match(en.stdout, /→ Oak Road: [\d.]+ k?m, arriving \d\d:\d\d/);

  const zh = cabin(['ask', '导航到人民广场', '--map', map, '--prefs', prefs]);
  assert.equal(zh.status, 0, zh.stderr);
  assert.match(zh.stdout, /^去人民广场吗？约\d+分钟/);

  const forced = cabin(['ask', 'take me to Oak Road', '--map', map, '--prefs', prefs, '--lang', 'zh']);
  assert.match(forced.stdout, /^去橡树路吗？/);
});

test('cabin ask --json gives the speech, the cards, the understanding and the tool calls', () => {
  const result = cabin(['ask', 'find parking near People\'s Square', '--map', map, '--prefs', prefs, '--json', '--from', '31.2304,121.4737']);
  assert.equal(result.status, 0, result.stderr);
  const turn = JSON.parse(result.stdout);
  assert.equal(turn.speech.language, 'en');
  assert.equal(turn.understanding.intent.intent, 'find_parking');
  assert.equal(turn.toolCalls[0].name, 'find_parking');
  assert.ok(turn.cards.length > 0 && turn.cards.every((c: { kind: string; reasons: unknown[] }) => c.kind === 'parking' && c.reasons.length > 0));
});

test('cabin chat keeps the conversation across lines and remembers preferences in its database', () => {
  const chat = cabin(['chat', '--map', map, '--prefs', prefs], 'take me to Oak Road\nyes\nremember that I like Sichuan food\n');
  assert.equal(chat.status, 0, chat.stderr);
  assert.match(chat.stdout, /Go to Oak Road\?/);
  assert.match(chat.stdout, /Starting route to Oak Road\. Arrive at \d\d:\d\d\./);
  const later = cabin(['ask', 'what do you remember about me?', '--map', map, '--prefs', prefs]);
  assert.match(later.stdout, /Sichuan/);
});

test('cabin ask rejects a missing request and a bad --from with a usage message', () => {
  const empty = cabin(['ask', '--map', map]);
  assert.equal(empty.status, 64);
  assert.match(empty.stderr, /cabin ask needs a request/);
  const off = cabin(['ask', 'find parking', '--map', map, '--prefs', prefs, '--from', '0,0']);
  assert.equal(off.status, 64);
  assert.match(off.stderr, /--from 0,0 is more than 1000 m from any road/);
});
