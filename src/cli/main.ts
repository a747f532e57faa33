import { parseArgs } from 'node:util';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { MapFileError, PbfError, type CabinMap } from '../map/index.ts';
import type { LatLon } from '../routing/index.ts';
import type { Agent, TurnResult } from '../agent/dialogue.ts';
import type { Card } from '../agent/tools.ts';
import type { Assistant } from '../agent/assistant.ts';
import type { LlmPlanner } from '../agent/llm/index.ts';
import { defaultMapPath, importPbf, openDefaultMap, openMap, type OpenMap } from './maps.ts';
import { formatDistance, routeGeoJson, routeJson, routeText, type Language } from './format.ts';
import { Progress } from './progress.ts';

const USAGE = `cabin — an offline in-car assistant on OpenStreetMap data

Usage:
  cabin import REGION.osm.pbf -o REGION.cabin [--name NAME] [--time-zone ZONE] [--currency CODE]
  cabin route [--map REGION.cabin] --from LAT,LON --to LAT,LON [--via LAT,LON ...] [--lang en|zh] [--json | --geojson]
  cabin info [--map REGION.cabin]
  cabin start [--config cabin.json] [--map REGION.cabin] [--port 8080] [--host 127.0.0.1] [--llm]
  cabin ask "REQUEST" [--map REGION.cabin] [--from LAT,LON] [--lang en|zh] [--json] [--prefs FILE] [--driver ID] [--llm | --no-llm]
  cabin chat [--map REGION.cabin] [--from LAT,LON] [--lang en|zh] [--prefs FILE] [--driver ID]
  cabin listen RECORDING.wav [--map REGION.cabin] [--biased | --generic] [--out REPLY.wav] [--from LAT,LON] [--json]
  cabin mcp [--map REGION.cabin] [--from LAT,LON] [--prefs FILE] [--driver ID]

Without --map, commands use the built-in default map (a synthetic district,
generated on first use into ${defaultMapPath()}).
\`ask\` and \`chat\` talk to the assistant in English or Chinese from a car parked
at the map's centre (or --from); preferences are kept in ${defaultPreferencesPath()}.
\`mcp\` serves the same tools to an MCP client over stdio (see docs/agent.md).
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
    case 'ask':
      return runAsk(rest);
    case 'chat':
      return runChat(rest);
    case 'listen':
      return runListen(rest);
    case 'mcp':
      return runMcp(rest);
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
      config: { type: 'string' },
      map: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      llm: { type: 'boolean' },
    },
  });
  const { loadServerConfig, startServer } = await import('../server/index.ts');
  // Precedence: command line, then CABIN_* variables, then the --config file, then defaults.
  const loaded = loadServerConfig({ file: values.config, env: process.env, cli: { port: values.port, host: values.host, map: values.map } });
  if (!loaded.ok) throw new UsageError(`the server configuration is wrong:\n  ${loaded.errors.join('\n  ')}`);
  const { config } = loaded;
  const opened = loadMap(config.map);
  const planner = await openPlanner(values.llm);
  const address = await startServer(opened, config, planner ? { planner } : {});
  process.stdout.write(`${describe(opened.map)}\n\nCabin is running at ${address}\n`);
  return -1; // keep running
}

/** Where `ask` and `chat` keep drivers' preferences. */
function defaultPreferencesPath(): string {
  return process.env['CABIN_PREFERENCES'] ?? join(dirname(defaultMapPath()), 'preferences.sqlite');
}

const AGENT_OPTIONS = {
  map: { type: 'string' },
  from: { type: 'string' },
  lang: { type: 'string' },
  prefs: { type: 'string' },
  driver: { type: 'string', default: 'driver' },
  llm: { type: 'boolean' },
} as const;

interface AgentSession {
  agent: Agent;
  /** The agent, upgraded by the LLM planner when one is configured. */
  assistant: Assistant;
  opened: OpenMap;
  /** Where the simulated car is parked: the map's centre on a road, or --from. */
  parkedAt: LatLon;
  /** The car at `now`: parked, or where it would be on the trip it is driving. */
  vehicleAt(now: Date): LatLon;
  /** Refreshes the default map's simulated parking feed, as the server does. */
  refresh(now: Date): void;
  close(): void;
}

/**
 * The LLM planner from CABIN_LLM_* (see docs/agent-llm.md): used when
 * configured unless `--no-llm`; `--llm` insists on one.
 */
async function openPlanner(llm: boolean | undefined): Promise<LlmPlanner | undefined> {
  if (llm === false) return undefined;
  const { llmConfigFromEnv, createLlmPlanner } = await import('../agent/llm/index.ts');
  const config = llmConfigFromEnv(process.env);
  if (!config.ok) throw new UsageError(`the LLM endpoint settings are wrong:\n  ${config.errors.join('\n  ')}`);
  if (!config.config) {
    if (llm) throw new UsageError('--llm needs CABIN_LLM_URL and CABIN_LLM_MODEL (see docs/agent-llm.md)');
    return undefined;
  }
  return createLlmPlanner(config.config);
}

async function openAgent(values: {
  map?: string | undefined;
  from?: string | undefined;
  lang?: string | undefined;
  prefs?: string | undefined;
  driver?: string | undefined;
  llm?: boolean | undefined;
}): Promise<AgentSession> {
  const language = values.lang === undefined ? undefined : values.lang === 'zh' ? 'zh' : values.lang === 'en' ? 'en' : null;
  if (language === null) throw new UsageError(`--lang must be en or zh, not "${values.lang}"`);
  const from = values.from === undefined ? undefined : parseLatLon(values.from, 'from');
  const opened = loadMap(values.map);
  const [{ Agent, createAgentSetup }, { understand }, { SqlitePreferenceStore }, { signalFeedSource }, places, { createSignalSimulator, SignalStore }] = await Promise.all([
    import('../agent/dialogue.ts'),
    import('../agent/understanding/index.ts'),
    import('../agent/preferences.ts'),
    import('../agent/tools.ts'),
    import('../places/index.ts'),
    import('../signals/index.ts'),
  ]);
  const { map } = opened;
  // The synthetic map has signals but no roadside units: its lights are simulated, built on the first question about one.
  const trafficLights = map.info.synthetic
    ? signalFeedSource(() => {
        const simulator = createSignalSimulator(map);
        const store = new SignalStore();
        const now = Date.now();
        for (const message of simulator.maps()) store.acceptMap(message, now);
        return { store, update: (nowMs: number) => void store.acceptSpat(simulator.spatAt(nowMs), nowMs) };
      })
    : undefined;
  const setup = createAgentSetup(map, opened.router, trafficLights ? { trafficLights } : {});
  const prefsPath = values.prefs ?? defaultPreferencesPath();
  mkdirSync(dirname(resolve(prefsPath)), { recursive: true });
  const store = SqlitePreferenceStore.open(prefsPath);
  const agent = new Agent({
    setup,
    understand,
    preferences: store,
    driverId: values.driver ?? 'driver',
    ...(language ? { language } : {}),
  });
  const { Assistant } = await import('../agent/assistant.ts');
  const assistant = new Assistant(agent, await openPlanner(values.llm));
  const [w, s, e, n] = opened.map.info.bbox;
  const centre = { lat: (s + n) / 2, lon: (w + e) / 2 };
  const onRoad = opened.router.snap(from ?? centre, 5000);
  if (from && !opened.router.snap(from, 1000)) throw new UsageError(`--from ${values.from} is more than 1000 m from any road on ${opened.map.info.name}`);
  const parkedAt = onRoad ? { lat: onRoad.lat, lon: onRoad.lon } : centre;
  return {
    agent,
    assistant,
    opened,
    parkedAt,
    vehicleAt(now) {
      const trip = agent.trip;
      if (!trip) return parkedAt;
      const at = places.positionAt(trip, now);
      return at.kind === 'before-departure' ? parkedAt : { lat: at.lat, lon: at.lon };
    },
    refresh(now) {
      if (opened.map.info.synthetic) setup.places.occupancy.ingestAll(places.simulateOccupancy(opened.map, now, 1), now);
    },
    close: () => store.close(),
  };
}

/** A card as one line of text, in the answer's language. */
function cardLine(card: Card, lang: Language): string | undefined {
  const pick = (b: { en: string; zh: string }): string => b[lang];
  const reasons = (list: readonly { en: string; zh: string }[]): string => list.map(pick).join(lang === 'zh' ? '，' : ', ');
  switch (card.kind) {
    case 'parking':
    case 'food':
      return `${pick(card.name)}  (${reasons(card.reasons)})`;
    case 'place':
      return card.distanceM === undefined ? pick(card.name) : `${pick(card.name)}  (${formatDistance(card.distanceM, lang)})`;
    case 'trip':
      return lang === 'zh'
        ? `→ ${pick(card.destination)}：${formatDistance(card.distanceM, lang)}，${card.arrival}到达`
        : `→ ${pick(card.destination)}: ${formatDistance(card.distanceM, lang)}, arriving ${card.arrival}`;
    case 'status':
    case 'traffic-light':
    case 'preferences':
      return undefined;
    default: {
      const never: never = card;
      throw new Error(`unknown card ${String(never)}`);
    }
  }
}

/** The answer as text: what the driver hears, then what the screen lists. */
function turnText(turn: TurnResult): string {
  const lines = [turn.speech.text];
  let n = 1;
  for (const card of turn.cards) {
    const line = cardLine(card, turn.speech.language);
    if (line === undefined) continue;
    lines.push(card.kind === 'trip' ? `  ${line}` : `  ${String(n++).padStart(2)}. ${line}`);
  }
  return lines.join('\n');
}

async function runAsk(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...AGENT_OPTIONS, json: { type: 'boolean', default: false } },
  });
  const text = positionals.join(' ').trim();
  if (text === '') throw new UsageError('cabin ask needs a request, for example: cabin ask "take me to Oak Road"');
  const session = await openAgent(values);
  try {
    const now = new Date();
    session.refresh(now);
    const { turn, path, note } = await session.assistant.turn(text, { now, vehicle: session.parkedAt });
    if (values.json) process.stdout.write(JSON.stringify({ ...turn, path, ...(note ? { note } : {}), vehicle: session.parkedAt }, null, 2) + '\n');
    else process.stdout.write(turnText(turn) + '\n');
    if (note && !values.json) process.stderr.write(`(embedded: ${note})\n`);
  } finally {
    session.close();
  }
  return 0;
}

async function runChat(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: AGENT_OPTIONS });
  const session = await openAgent(values);
  const { createInterface } = await import('node:readline');
  const lang = values.lang === 'zh' || (values.lang === undefined && session.agent.preferences.language === 'zh') ? 'zh' : 'en';
  const where = `${session.parkedAt.lat.toFixed(5)},${session.parkedAt.lon.toFixed(5)}`;
  process.stdout.write(
    lang === 'zh'
      ? `Cabin（${session.opened.map.info.name}），车停在${where}。想去哪里、找停车场或吃饭，都可以问我。Ctrl-D 退出。\n`
      : `Cabin on ${session.opened.map.info.name}, parked at ${where}. Ask me to go somewhere, or for parking or food. Ctrl-D quits.\n`,
  );
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ', terminal: process.stdin.isTTY === true });
  lines.prompt();
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (text === 'exit' || text === 'quit' || text === '退出') break;
      if (text !== '') {
        const now = new Date();
        session.refresh(now);
        const { turn, note } = await session.assistant.turn(text, { now, vehicle: session.vehicleAt(now) });
        process.stdout.write(turnText(turn) + '\n');
        if (note) process.stderr.write(`(embedded: ${note})\n`);
      }
      lines.prompt();
    }
  } finally {
    lines.close();
    session.close();
  }
  process.stdout.write('\n');
  return 0;
}

/** `cabin listen`: a recording through the voice pipeline (pocketsphinx, the assistant, espeak-ng). */
async function runListen(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...AGENT_OPTIONS,
      biased: { type: 'boolean' },
      generic: { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const input = positionals[0];
  if (!input || positionals.length > 1) throw new UsageError('cabin listen takes one .wav recording (16 kHz mono 16-bit is best)');
  if (!existsSync(input)) throw new UsageError(`${input}: no such file`);
  if (values.biased && values.generic) throw new UsageError('--biased and --generic exclude each other');
  const voice = await import('../voice/index.ts');
  const recording = voice.readWav(input);
  const session = await openAgent(values);
  try {
    const { defaultRegionLandmarks, isDefaultRegion } = await import('../agent/geocoder.ts');
    const { recognizer } = voice.createCarRecognizer(session.opened.map, {
      model: values.generic ? 'generic' : 'biased',
      landmarks: isDefaultRegion(session.opened.map) ? defaultRegionLandmarks() : [],
    });
    const now = new Date();
    session.refresh(now);
    const pipeline = voice.createVoicePipeline({
      recognizer,
      synthesizer: new voice.EspeakSynthesizer(),
      assistant: session.assistant,
      now,
      vehicle: session.parkedAt,
    });
    const result = await pipeline.processRecording(recording.pcm, recording.sampleRate);
    const out = values.out ?? join(dirname(resolve(input)), basename(input).replace(/\.wav$/i, '') + '.reply.wav');
    if (result.replyPcm.length > 0) voice.writeWav(out, result.replyPcm, result.replySampleRate);
    const t = result.timings;
    if (values.json) {
      process.stdout.write(JSON.stringify({ transcript: result.transcript, recognizer: recognizer.name, turn: result.turn, replyWav: result.replyPcm.length > 0 ? out : null, timings: t }, null, 2) + '\n');
    } else {
      process.stdout.write(`heard (${recognizer.name}): ${result.transcript === '' ? '(nothing)' : `"${result.transcript}"`}\n`);
      if (result.turn) process.stdout.write(turnText(result.turn) + '\n');
      if (result.replyPcm.length > 0) process.stdout.write(`reply audio: ${out} (${(result.replyPcm.length / result.replySampleRate).toFixed(1)} s)\n`);
      process.stderr.write(
        `(transcribed in ${t.transcribeMs.toFixed(0)} ms; end of speech → first reply audio ${t.speechEndToFirstAudioMs.toFixed(0)} ms, of which ${t.endpointMs.toFixed(0)} ms end-of-speech detection)\n`,
      );
    }
  } finally {
    session.close();
  }
  return 0;
}

/** `cabin mcp`: the agent's tools over the Model Context Protocol on stdin/stdout; logs go to stderr. */
async function runMcp(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { map: AGENT_OPTIONS.map, from: AGENT_OPTIONS.from, prefs: AGENT_OPTIONS.prefs, driver: AGENT_OPTIONS.driver } });
  const session = await openAgent({ ...values, llm: false });
  const [{ createCabinMcpServer }, { StdioServerTransport }, { SqlitePreferenceStore }] = await Promise.all([
    import('../mcp/index.ts'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../agent/preferences.ts'),
  ]);
  // The map-bound part of the agent's world; the MCP session keeps its own trip.
  const { map, router, places, planner, geocoder, trafficLights } = session.agent.world({ now: new Date(), vehicle: session.parkedAt });
  const preferences = SqlitePreferenceStore.open(values.prefs ?? defaultPreferencesPath());
  const server = createCabinMcpServer({
    setup: { map, router, places, planner, geocoder, trafficLights },
    parkedAt: session.parkedAt,
    preferences,
    driverId: values.driver,
    beforeCall: (now) => session.refresh(now),
  });
  server.onclose = () => {
    preferences.close();
    session.close();
  };
  await server.connect(new StdioServerTransport());
  process.stderr.write(`cabin mcp: serving ${map.info.name} over stdio, car parked at ${session.parkedAt.lat.toFixed(5)},${session.parkedAt.lon.toFixed(5)}\n`);
  return -1; // serve until the client closes stdin
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
