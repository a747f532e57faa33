import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/server/index.ts';
import { TOOL_NAMES } from '../../src/agent/tools.ts';
import { RESPONSES } from '../../src/server/openapi.ts';
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

test('documents every route’s responses, and real answers match the documented schemas', async () => {
  const document = (await app.inject('/openapi.json')).json();
  const schemas = document.components.schemas;
  const operationOf = (method: string, path: string) => {
    const operation = document.paths[path]?.[method];
    assert.ok(operation, `${method} ${path} is documented`);
    return operation;
  };
  /** The answer must satisfy the route's zod response schema, and hold the keys the document's JSON Schema requires. */
  const check = async (method: 'get' | 'post', path: string, url: string, payload?: unknown, status = 200) => {
    const response = await app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url, ...(payload !== undefined ? { payload: payload as object } : {}) });
    assert.equal(response.statusCode, status, `${url}: ${response.body}`);
    const body = response.json();
    const documented = operationOf(method, path).responses[String(status)];
    assert.ok(documented, `${method} ${path} documents ${status}`);
    const ref: string = Object.values(documented.content as Record<string, { schema: { $ref: string } }>)[0]!.schema.$ref;
    const json = schemas[ref.replace('#/components/schemas/', '')];
    assert.ok(json, ref);
    if (status === 200) {
      const zod = RESPONSES[`${method} ${path}`]?.ok;
      assert.ok(zod, `${method} ${path} has a response schema`);
      const parsed = zod.safeParse(body);
      assert.ok(parsed.success, `${url}: ${parsed.error?.message}`);
    }
    for (const key of (json.required ?? []) as string[]) assert.ok(key in body, `${url}: documented key ${key} is in the answer`);
    return body;
  };

  await check('get', '/healthz', '/healthz');
  await check('get', '/api/map', '/api/map');
  await check('get', '/api/route', '/api/route?from=31.2304,121.4737&to=31.26,121.50');
  await check('get', '/api/route', '/api/route?from=31.2304,121.4737&to=31.26,121.50&format=geojson');
  await check('get', '/api/route', '/api/route?from=0,0&to=31.26,121.50', undefined, 400);
  await check('get', '/route/v1/{profile}/{coordinates}', '/route/v1/driving/121.4737,31.2304;121.50,31.26?steps=true&overview=full&geometries=geojson');
  await check('get', '/route/v1/{profile}/{coordinates}', '/route/v1/driving/121.4737,31.2304;121.50,31.26.json?overview=false&skip_waypoints=true');
  const osrmError = await check('get', '/route/v1/{profile}/{coordinates}', '/route/v1/driving/121.4737,31.2304', undefined, 400);
  assert.equal(osrmError.code, 'InvalidOptions');
  const parking = await check('get', '/api/parking', '/api/parking?near=31.2304,121.4737&limit=3');
  assert.ok(parking.results.length > 0);
  const food = await check('get', '/api/food', '/api/food?near=31.2304,121.4737&openAtArrival=false');
  assert.ok(food.results.length > 0);
  await check('get', '/api/food/along', '/api/food/along?from=31.2304,121.4737&to=31.26,121.50&maxDetourMinutes=5');
  await check('get', '/api/parking', '/api/parking?near=nowhere', undefined, 400);
  const turn = await check('post', '/api/conversation/{sessionId}/turn', '/api/conversation/car-doc:me/turn', { text: 'find parking' });
  assert.ok(turn.cards.length > 0);
  await check('post', '/api/conversation/{sessionId}/turn', '/api/conversation/car-doc:me/turn', { text: 'find food near here' });
  await check('post', '/api/conversation/{sessionId}/turn', '/api/conversation/car-doc:me/turn', {}, 400);
  await check('get', '/api/vehicle/{id}', '/api/vehicle/car-unknown', undefined, 404);
  await check('post', '/api/vehicle/{id}', '/api/vehicle/car-doc', { lat: 31.2304, lon: 121.4737, headingDeg: 45, speedKmh: 30 });
  await check('get', '/api/vehicle/{id}', '/api/vehicle/car-doc');
  await check('get', '/api/vehicle/{id}/ahead', '/api/vehicle/car-doc/ahead');
  await check('post', '/api/traffic', '/api/traffic', { updates: [{ segment: 0, factor: 1 }] });
  await check('post', '/api/v2x/spat', '/api/v2x/spat', { not: 'spat' }, 400);
  await check('get', '/api/v2x/stats', '/api/v2x/stats');
  await check('get', '/api/map/signals.geojson', '/api/map/signals.geojson');

  assert.equal(operationOf('get', '/metrics').responses['200'].content['text/plain'].schema.type, 'string');
  const spat = operationOf('post', '/api/v2x/spat').requestBody.content;
  assert.ok(spat['application/json'] && spat['application/octet-stream']);
  for (const path of ['/api/v2x/stream', '/api/conversation/{sessionId}/voice']) {
    const socket = operationOf('get', path);
    assert.ok(socket.responses['101'], path);
    assert.match(socket.description, /WebSocket/);
  }
  // Every JSON answer of every operation names its schema; no bare "OK".
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          assert.ok(media.schema, `${method} ${path} ${status} ${type} has a schema`);
        }
      }
    }
  }
});
