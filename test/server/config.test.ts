import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadServerConfig } from '../../src/server/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'cabin-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

test('uses defaults when nothing is configured', () => {
  const loaded = loadServerConfig({ env: {} });
  assert.deepEqual(loaded, {
    ok: true,
    config: { port: 8080, host: '127.0.0.1', map: undefined, sessionIdleMinutes: 30, maxSessions: 1000, simulateParking: undefined, simulateSignals: undefined },
  });
});

test('lets environment variables override the file and the command line override both', () => {
  const path = file('cabin.json', JSON.stringify({ port: 9000, host: '0.0.0.0', map: 'a.cabin', sessionIdleMinutes: 5 }));
  const loaded = loadServerConfig({ file: path, env: { CABIN_PORT: '9100', CABIN_MAP: 'b.cabin', CABIN_SIMULATE_SIGNALS: 'false' }, cli: { port: '9200' } });
  assert.ok(loaded.ok);
  assert.equal(loaded.config.port, 9200);
  assert.equal(loaded.config.host, '0.0.0.0');
  assert.equal(loaded.config.map, 'b.cabin');
  assert.equal(loaded.config.sessionIdleMinutes, 5);
  assert.equal(loaded.config.simulateSignals, false);
});

test('stops on an unknown key in the file, naming the file and the key', () => {
  const loaded = loadServerConfig({ file: file('typo.json', '{"prot": 8080}'), env: {} });
  assert.equal(loaded.ok, false);
  assert.match(!loaded.ok ? loaded.errors.join('\n') : '', /typo\.json: .*"prot"/);
});

test('stops on a bad value, naming where it came from', () => {
  const fromFile = loadServerConfig({ file: file('bad.json', '{"port": 70000}'), env: {} });
  assert.match(!fromFile.ok ? fromFile.errors.join('\n') : '', /bad\.json: port: /);
  const fromEnv = loadServerConfig({ env: { CABIN_PORT: 'eighty' } });
  assert.match(!fromEnv.ok ? fromEnv.errors.join('\n') : '', /CABIN_PORT: "eighty" is not a number/);
  const fromCli = loadServerConfig({ env: {}, cli: { port: '-1' } });
  assert.match(!fromCli.ok ? fromCli.errors.join('\n') : '', /--port: /);
  const flag = loadServerConfig({ env: { CABIN_SIMULATE_PARKING: 'maybe' } });
  assert.match(!flag.ok ? flag.errors.join('\n') : '', /CABIN_SIMULATE_PARKING: "maybe" is not true or false/);
});

test('stops on a file that is missing or not JSON', () => {
  const missing = loadServerConfig({ file: join(dir, 'none.json'), env: {} });
  assert.match(!missing.ok ? missing.errors.join('\n') : '', /none\.json: cannot read it \(ENOENT\)/);
  const notJson = loadServerConfig({ file: file('broken.json', '{port: 1}'), env: {} });
  assert.match(!notJson.ok ? notJson.errors.join('\n') : '', /broken\.json: not valid JSON/);
});
