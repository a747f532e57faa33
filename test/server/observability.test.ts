import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/server/index.ts';
import { TOOL_NAMES } from '../../src/agent/tools.ts';
import { defaultDistrict, NOON } from './support.ts';

const { opened, remove } = defaultDistrict();
const app = buildServer(opened, { now: () => NOON });
test.after(async () => {
  await app.close();
  remove();
});

test('counts requests by route pattern, route queries, agent turns and V2X updates for Prometheus', async () => {
  await app.inject('/route/v1/driving/121.4737,31.2304;121.50,31.26');
  await app.inject('/api/route?from=31.2304,121.4737&to=31.26,121.50');
  await app.inject('/api/route?from=0,0&to=31.26,121.50');
  await app.inject({ method: 'POST', url: '/api/conversation/car:me/turn', payload: { text: 'find parking' } });
  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  const text = response.body;
  assert.match(text, /cabin_http_requests_total\{method="GET",route="\/route\/v1\/:profile\/:coordinates",status="200"\} 1/);
  assert.match(text, /cabin_http_request_duration_seconds_count\{method="GET",route="\/api\/route"\} 2/);
  assert.match(text, /cabin_route_queries_total\{api="osrm",outcome="ok"\} 1/);
  assert.match(text, /cabin_route_queries_total\{api="cabin",outcome="not-on-map"\} 1/);
  assert.match(text, /cabin_agent_turns_total\{path="embedded",outcome="answered"\} 1/);
  assert.match(text, /cabin_v2x_accepted \d+/);
  assert.match(text, /cabin_v2x_dropped\{reason="[a-z-]+"\} \d+/);
});

test('publishes an OpenAPI 3.1 document generated from the routes’ own schemas, with the tools’ schemas', async () => {
  const document = (await app.inject('/openapi.json')).json();
  assert.equal(document.openapi, '3.1.0');
  for (const path of ['/api/route', '/route/v1/{profile}/{coordinates}', '/api/conversation/{sessionId}/turn', '/api/vehicle/{id}', '/api/map/roads.geojson', '/api/map/signals.geojson']) {
    assert.ok(document.paths[path], path);
  }
  const turn = document.paths['/api/conversation/{sessionId}/turn'].post;
  assert.deepEqual(turn.requestBody.content['application/json'].schema.required, ['text']);
  assert.equal(turn.parameters[0].name, 'sessionId');
  assert.equal(turn.parameters[0].in, 'path');
  const vehicle = document.paths['/api/vehicle/{id}'].post.requestBody.content['application/json'].schema;
  assert.equal(vehicle.properties.headingDeg.type, 'number');
  const osrm = document.paths['/route/v1/{profile}/{coordinates}'].get.parameters;
  assert.deepEqual(osrm.find((p: { name: string }) => p.name === 'overview').schema.enum, ['full', 'simplified', 'false']);
  for (const name of TOOL_NAMES) assert.equal(document.components.schemas[`tool.${name}`].type, 'object', name);
});

test('never shows a stack trace: unknown routes and broken JSON get a short message', async () => {
  const broken = await app.inject({ method: 'POST', url: '/api/vehicle/car-1', payload: '{"lat":', headers: { 'content-type': 'application/json' } });
  assert.equal(broken.statusCode, 400);
  assert.doesNotMatch(broken.body, /at .*\.(ts|js)/);
  const unknown = await app.inject('/api/nothing');
  assert.equal(unknown.statusCode, 404);
});
