import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_REGION, generateRegion } from '../../src/map/index.ts';
import { compileMap } from '../../src/cli/maps.ts';
import { TOOL_NAMES } from '../../src/agent/tools.ts';
import type { CabinToolOutput } from '../../src/mcp/index.ts';

// The real protocol: `cabin mcp` as a child process, spoken to over its stdin/stdout by the SDK's client.
const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cabin-mcp-'));
const map = join(dir, 'default.cabin');
compileMap({ ...DEFAULT_REGION, bbox: [0, 0, 0, 0] }, (sink) => generateRegion(sink), map);

const transport = new StdioClientTransport({
  command: process.execPath,
  args: ['--import', 'tsx', cli, 'mcp', '--map', map, '--prefs', join(dir, 'preferences.sqlite')],
  stderr: 'pipe',
});
let stderr = '';
transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
const client = new Client({ name: 'cabin-test', version: '0.0.0' });
await client.connect(transport);

test.after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<{ result: CallToolResult; output: CabinToolOutput; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { result, output: result.structuredContent as unknown as CabinToolOutput, text };
}

async function readJson(uri: string): Promise<Record<string, unknown>> {
  const read = await client.readResource({ uri });
  const first = read.contents[0];
  assert.ok(first && 'text' in first, `${uri} has text`);
  return JSON.parse(first.text) as Record<string, unknown>;
}

test('lists one MCP tool per Cabin tool, each with its JSON Schema input', async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
  for (const tool of tools) assert.equal(tool.inputSchema.type, 'object', tool.name);
  const byName = new Map(tools.map((t) => [t.name, t]));
  assert.ok(byName.get('find_parking')?.inputSchema.properties?.['maxPricePerHour']);
  assert.ok(byName.get('navigate')?.inputSchema.properties?.['confirm'], 'route changes take confirm');
  assert.match(byName.get('navigate')?.description ?? '', /confirm: true/);
  assert.equal(byName.get('find_parking')?.inputSchema.properties?.['confirm'], undefined, 'searches do not');
});

test('finds parking near the car at the map centre, with the answer as text and the cards as structured content', async () => {
  const { result, output, text } = await call('find_parking');
  assert.notEqual(result.isError, true, text);
  assert.ok(output.ok);
  assert.ok(output.cards.length > 0);
  assert.ok(output.cards.every((c) => c.kind === 'parking'));
  assert.match(text, /walk/);
  assert.equal(text, output.speech.en);
});

test('navigate proposes the route and asks; with confirm: true it drives it', async () => {
  const proposal = await call('navigate', { destination: 'Oak Road' });
  assert.notEqual(proposal.result.isError, true, proposal.text);
  assert.equal(proposal.output.applied, false);
  assert.equal(proposal.output.awaitingConfirmation, true);
  assert.match(proposal.text, /^Go to Oak Road\?/);
  assert.ok(proposal.output.cards.some((c) => c.kind === 'trip'));
  assert.deepEqual(await readJson('cabin://trip'), { trip: null, status: null });

  const confirmed = await call('navigate', { destination: 'Oak Road', confirm: true });
  assert.notEqual(confirmed.result.isError, true, confirmed.text);
  assert.equal(confirmed.output.applied, true);
  assert.equal(confirmed.output.awaitingConfirmation, false);
  const trip = await readJson('cabin://trip');
  assert.equal((trip['trip'] as { destination: { en: string } }).destination.en, 'Oak Road');
  assert.equal((trip['status'] as { kind: string }).kind, 'status');

  const status = await call('trip_status', { aspect: 'eta' });
  assert.match(status.text, /Arriving at \d\d:\d\d/);
});

test('reads the traffic light ahead on the trip just confirmed', async () => {
  // Parked with no heading there is no "ahead"; the trip above gives the path, and the default map's simulated feed the phase.
  const { result, output, text } = await call('traffic_light');
  assert.notEqual(result.isError, true, text);
  const card = output.cards[0];
  assert.ok(card?.kind === 'traffic-light', text);
  assert.equal(card.live, true);
  assert.ok(card.phase !== undefined && (card.distanceM ?? -1) >= 0);
  assert.ok(text.length > 0);
});

test('a bad argument is a tool error naming the field, and the server goes on', async () => {
  const bad = await call('find_parking', { maxPricePerHour: 'cheap' });
  assert.equal(bad.result.isError, true);
  assert.match(bad.text, /find_parking\.maxPricePerHour/);

  const badConfirm = await call('navigate', { destination: 'Oak Road', confirm: 'yes' });
  assert.equal(badConfirm.result.isError, true);
  assert.match(badConfirm.text, /navigate\.confirm: expected boolean/);

  const unknown = (await client.callTool({ name: 'open_sunroof', arguments: {} })) as CallToolResult;
  assert.equal(unknown.isError, true);

  const info = await readJson('cabin://map');
  assert.equal(info['name'], DEFAULT_REGION.name);
  assert.doesNotMatch(stderr, /internal error|TypeError/);
});
