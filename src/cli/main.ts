import { parseArgs } from 'node:util';
import { basename, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { MapFileError, PbfError, type CabinMap } from '../map/index.ts';
import type { LatLon } from '../routing/index.ts';
import { defaultMapPath, importPbf, openDefaultMap, openMap, type OpenMap } from './maps.ts';
import { routeGeoJson, routeJson, routeText, type Language } from './format.ts';
import { Progress } from './progress.ts';

const USAGE = `cabin — an offline in-car assistant on OpenStreetMap data

Usage:
  cabin import REGION.osm.pbf -o REGION.cabin [--name NAME] [--time-zone ZONE] [--currency CODE]
  cabin route [--map REGION.cabin] --from LAT,LON --to LAT,LON [--via LAT,LON ...] [--lang en|zh] [--json | --geojson]
  cabin info [--map REGION.cabin]
  cabin start [--map REGION.cabin] [--port 8080] [--host 127.0.0.1]

Without --map, commands use the built-in default map (a synthetic district,
generated on first use into ${defaultMapPath()}).
`;

/** Thrown for wrong command-line use; printed without a stack trace. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'import':
      return runImport(rest);
    case 'route':
      return runRoute(rest);
    case 'info':
      return runInfo(rest);
    case 'start':
      return runStart(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function runImport(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      currency: { type: 'string' },
    },
  });
  const input = positionals[0];
  if (!input || positionals.length > 1) throw new UsageError('cabin import takes one .osm.pbf file');
  if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
  const output = values.output ?? input.replace(/(\.osm)?\.pbf$/, '') + '.cabin';
  const name = values.name ?? basename(input).replace(/(-latest)?(\.osm)?\.pbf$/, '');
  const summary = importPbf(input, output, {
    name,
    source: `${basename(input)}: © OpenStreetMap contributors, ODbL 1.0`,
    timeZone: values['time-zone'] ?? 'UTC',
    currency: values.currency ?? 'EUR',
    synthetic: false,
  });
  const { map } = summary;
  const s = map.stats;
  const skipped = Object.entries(s.restrictionsSkipped)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  process.stdout.write(
    [
      `imported ${input} → ${output} (${(summary.bytes / 1e6).toFixed(1)} MB) in ${summary.totalSeconds.toFixed(1)} s`,
      `  OSM:         ${s.osmNodes.toLocaleString('en')} nodes, ${s.osmWays.toLocaleString('en')} ways, ${s.osmRelations.toLocaleString('en')} relations`,
      `  roads:       ${map.roads.nodeCount.toLocaleString('en')} graph nodes, ${map.roads.segmentCount.toLocaleString('en')} segments from ${s.roadWays.toLocaleString('en')} ways`,
      `  turns:       ${s.restrictionsApplied} restrictions applied${skipped ? `, skipped: ${skipped}` : ''}`,
      `  places:      ${s.parking} parking, ${s.food} food; ${s.signals} traffic signals`,
      `  time:        read ${summary.readSeconds.toFixed(2)} s, build ${summary.buildSeconds.toFixed(2)} s, hierarchy ${summary.preprocessingSeconds.toFixed(2)} s`,
      '',
    ].join('\n'),
  );
  return 0;
}

function loadMap(path: string | undefined): OpenMap {
  if (path === undefined) return openDefaultMap(new Progress());
  if (!existsSync(path)) throw new UsageError(`${path}: no such map file (create one with \`cabin import\`)`);
  return openMap(resolve(path));
}

function parseLatLon(text: string, option: string): LatLon {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  const lat = Number(match?.[1]);
  const lon = Number(match?.[2]);
  if (!match || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
    throw new UsageError(`--${option} "${text}" is not LAT,LON in degrees (for example 31.2304,121.4737)`);
  }
  return { lat, lon };
}

function runRoute(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      map: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      via: { type: 'string', multiple: true },
      lang: { type: 'string', default: 'en' },
      json: { type: 'boolean', default: false },
      geojson: { type: 'boolean', default: false },
    },
  });
  if (!values.from || !values.to) throw new UsageError('cabin route needs --from LAT,LON and --to LAT,LON');
  const lang = values.lang === 'zh' ? 'zh' : values.lang === 'en' ? 'en' : undefined;
  if (!lang) throw new UsageError(`--lang must be en or zh, not "${values.lang}"`);
  const points = [
    parseLatLon(values.from, 'from'),
    ...(values.via ?? []).map((v) => parseLatLon(v, 'via')),
    parseLatLon(values.to, 'to'),
  ];
  const { router } = loadMap(values.map);
  const result = router.route(points);
  if (!result.ok) {
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else process.stderr.write(`cabin route: ${result.message}\n`);
    return 2;
  }
  if (values.json) process.stdout.write(JSON.stringify(routeJson(result.route), null, 2) + '\n');
  else if (values.geojson) process.stdout.write(JSON.stringify(routeGeoJson(result.route, lang)) + '\n');
  else process.stdout.write(routeText(result.route, lang) + '\n');
  return 0;
}

function describe(map: CabinMap): string {
  const [w, s, e, n] = map.info.bbox;
  return [
    `${map.info.name}${map.info.synthetic ? ' (synthetic)' : ''}`,
    `  source:      ${map.info.source}`,
    `  area:        ${s.toFixed(4)},${w.toFixed(4)} – ${n.toFixed(4)},${e.toFixed(4)}`,
    `  roads:       ${map.roads.nodeCount.toLocaleString('en')} graph nodes, ${map.roads.segmentCount.toLocaleString('en')} segments`,
    `  places:      ${map.parking.length} parking, ${map.food.length} food; ${map.signals.length} traffic signals`,
    `  time zone:   ${map.info.timeZone}, currency ${map.info.currency}`,
  ].join('\n');
}

function runInfo(args: string[]): number {
  const { values } = parseArgs({ args, options: { map: { type: 'string' } } });
  const opened = loadMap(values.map);
  process.stdout.write(`${describe(opened.map)}\n  file:        ${opened.path} (${(opened.bytes / 1e6).toFixed(1)} MB, loaded in ${(opened.loadSeconds * 1000).toFixed(0)} ms)\n`);
  return 0;
}

async function runStart(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      map: { type: 'string' },
      port: { type: 'string', default: process.env['PORT'] ?? '8080' },
      host: { type: 'string', default: process.env['HOST'] ?? '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${values.port}" is not a port number`);
  const opened = loadMap(values.map);
  const { startServer } = await import('../server/index.ts');
  const address = await startServer(opened, { port, host: values.host });
  process.stdout.write(`${describe(opened.map)}\n\nCabin is running at ${address}\n`);
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`cabin: ${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 64;
    } else if (error instanceof PbfError || error instanceof MapFileError) {
      process.stderr.write(`cabin: ${error.message}\n`);
      process.exitCode = 65;
    } else {
      process.stderr.write(`cabin: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    }
  },
);
