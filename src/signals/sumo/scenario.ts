/**
 * SUMO scenarios for measuring Cabin's traffic-light logic against an
 * independent simulator (an adapter: it runs programs and writes files).
 *
 * `generateScenario` builds a network with `netgenerate` (grid or spider,
 * traffic lights guessed, actuated or fixed-time) and seeded random demand
 * with SUMO's `randomTrips.py`, and writes a `.sumocfg`; `startSumo` runs
 * `sumo` (never the GUI) on it with a TraCI port and connects.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { TraciClient } from './traci.ts';

/** How to install what these scenarios need, for error messages and CI. */
export const SUMO_INSTALL_HINT = 'install SUMO: apt-get install -y --no-install-recommends sumo sumo-tools (or put sumo, netgenerate on PATH and set SUMO_HOME)';

/** What the installed SUMO offers. */
export type SumoCheck =
  | {
      ok: true;
      /** e.g. "1.15.0". */
      version: string;
      /** Whether this SUMO has its own GLOSA device (`--device.glosa.*`). */
      glosaDevice: boolean;
      /** The folder holding randomTrips.py. */
      toolsDir: string;
      /** SUMO_HOME for the programs (they find their XML schemas there). */
      sumoHome: string;
    }
  | { ok: false; reason: string };

/** Finds `sumo`, its version, its GLOSA device and SUMO's tools. */
export function checkSumo(): SumoCheck {
  const version = spawnSync('sumo', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    return { ok: false, reason: `sumo --version failed (${version.error?.message ?? `exit ${version.status}`}); ${SUMO_INSTALL_HINT}` };
  }
  const match = /Version (\d+\.\d+\.\d+)/.exec(version.stdout);
  if (!match?.[1]) return { ok: false, reason: `sumo --version printed no version (${version.stdout.slice(0, 200)}); ${SUMO_INSTALL_HINT}` };
  const help = spawnSync('sumo', ['--help'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const glosaDevice = /--device\.glosa\./.test(help.stdout);
  const toolsDir = [process.env['SUMO_HOME'] && join(process.env['SUMO_HOME'], 'tools'), '/usr/share/sumo/tools', '/usr/local/share/sumo/tools'].find(
    (dir): dir is string => !!dir && existsSync(join(dir, 'randomTrips.py')),
  );
  if (!toolsDir) return { ok: false, reason: `randomTrips.py not found under $SUMO_HOME/tools or /usr/share/sumo/tools; ${SUMO_INSTALL_HINT}` };
  const netgenerate = spawnSync('netgenerate', ['--version'], { encoding: 'utf8' });
  if (netgenerate.error || netgenerate.status !== 0) return { ok: false, reason: `netgenerate is missing; ${SUMO_INSTALL_HINT}` };
  return { ok: true, version: match[1], glosaDevice, toolsDir, sumoHome: process.env['SUMO_HOME'] ?? dirname(toolsDir) };
}

export type NetworkSpec =
  | {
      kind: 'grid';
      /** Junctions per side. */
      size: number;
      /** Metres between junctions. */
      blockM: number;
      /** Lanes per direction. */
      lanes: number;
      /** Metres of the dead-end roads added around the grid, where traffic enters and leaves. */
      attachM: number;
    }
  | { kind: 'spider'; arms: number; circles: number; radiusM: number; lanes: number };

export interface ScenarioSpec {
  /** An empty folder to write into. */
  dir: string;
  network: NetworkSpec;
  /** Traffic-light programs: vehicle-actuated (SUMO's gap-based control) or fixed-time. */
  signals: 'actuated' | 'static';
  traffic: {
    /** Mean seconds between departures over the whole network (smaller is heavier). */
    periodS: number;
    /** Last departure (s). */
    endS: number;
    seed: number;
  };
  /** Extra outputs SUMO writes into `dir`. */
  outputs?: {
    /** Every traffic light's state at every step (`tls-states.xml`). */
    tlsStates?: boolean;
    /** Per-trip summary with fuel and CO2 (`tripinfo.xml`). */
    tripinfo?: boolean;
  };
}

export interface Scenario {
  spec: ScenarioSpec;
  netFile: string;
  tripsFile: string;
  configFile: string;
  tlsStatesFile?: string;
  tripinfoFile?: string;
  /** The traffic lights in the network, sorted. */
  tlsIds: string[];
  /** The trips' vehicle ids in departure order. */
  vehicleIds: string[];
  /** SUMO_HOME to run sumo with. */
  sumoHome: string;
}

function run(program: string, args: string[], cwd: string, sumoHome: string): void {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', env: { ...process.env, SUMO_HOME: sumoHome } });
  if (result.error) throw new Error(`${program}: ${result.error.message}; ${SUMO_INSTALL_HINT}`);
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} exited with ${result.status}: ${(result.stderr || result.stdout).slice(-2000)}`);
}

function networkArgs(network: NetworkSpec): string[] {
  switch (network.kind) {
    case 'grid':
      return [
        '--grid',
        `--grid.number=${network.size}`,
        `--grid.length=${network.blockM}`,
        `--grid.attach-length=${network.attachM}`,
        `--default.lanenumber=${network.lanes}`,
      ];
    case 'spider':
      return [
        '--spider',
        `--spider.arm-number=${network.arms}`,
        `--spider.circle-number=${network.circles}`,
        `--spider.space-radius=${network.radiusM}`,
        '--spider.omit-center',
        `--default.lanenumber=${network.lanes}`,
      ];
    default: {
      const never: never = network;
      throw new Error(`unknown network ${JSON.stringify(never)}`);
    }
  }
}

function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Generates the network, the demand and the SUMO configuration into `spec.dir`. */
export function generateScenario(spec: ScenarioSpec, check: SumoCheck = checkSumo()): Scenario {
  if (!check.ok) throw new Error(check.reason);
  mkdirSync(spec.dir, { recursive: true });
  const netFile = join(spec.dir, 'net.net.xml');
  const tripsFile = join(spec.dir, 'trips.trips.xml');
  const configFile = join(spec.dir, 'scenario.sumocfg');
  run(
    'netgenerate',
    [
      ...networkArgs(spec.network),
      '--tls.guess',
      // Guess a signal wherever the incoming lanes add up to 4 lanes at 50 km/h or more.
      '--tls.guess.threshold=55',
      `--tls.default-type=${spec.signals}`,
      '--no-turnarounds.tls',
      `--seed=${spec.traffic.seed}`,
      '--output-file',
      netFile,
    ],
    spec.dir,
    check.sumoHome,
  );
  run(
    'python3',
    [
      join(check.toolsDir, 'randomTrips.py'),
      '--net-file',
      netFile,
      '--output-trip-file',
      tripsFile,
      '--begin=0',
      `--end=${spec.traffic.endS}`,
      `--period=${spec.traffic.periodS}`,
      // Poisson-like arrivals rather than a metronome.
      '--binomial=4',
      `--seed=${spec.traffic.seed}`,
      // Trips start and end at the edge of the network and cross it.
      '--fringe-factor=50',
      '--min-distance=300',
      '--trip-attributes=departLane="best" departSpeed="max"',
    ],
    spec.dir,
    check.sumoHome,
  );
  const net = readFileSync(netFile, 'utf8');
  const tlsIds = [...net.matchAll(/<tlLogic id="([^"]+)"/g)].map((m) => m[1]!).sort();
  if (tlsIds.length === 0) throw new Error(`${netFile}: netgenerate guessed no traffic lights for ${JSON.stringify(spec.network)}`);
  const vehicleIds = [...readFileSync(tripsFile, 'utf8').matchAll(/<trip id="([^"]+)"/g)].map((m) => m[1]!);

  const scenario: Scenario = { spec, netFile, tripsFile, configFile, tlsIds, vehicleIds, sumoHome: check.sumoHome };
  const additional: string[] = [];
  if (spec.outputs?.tlsStates) {
    scenario.tlsStatesFile = join(spec.dir, 'tls-states.xml');
    for (const id of tlsIds) additional.push(`  <timedEvent type="SaveTLSStates" source="${xmlAttr(id)}" dest="tls-states.xml"/>`);
  }
  let additionalFile: string | undefined;
  if (additional.length) {
    additionalFile = join(spec.dir, 'outputs.add.xml');
    writeFileSync(additionalFile, `<additional>\n${additional.join('\n')}\n</additional>\n`);
  }
  const outputs: string[] = [];
  if (spec.outputs?.tripinfo) {
    scenario.tripinfoFile = join(spec.dir, 'tripinfo.xml');
    outputs.push('    <tripinfo-output value="tripinfo.xml"/>', '    <tripinfo-output.write-unfinished value="true"/>');
  }
  writeFileSync(
    configFile,
    [
      '<configuration>',
      '  <input>',
      '    <net-file value="net.net.xml"/>',
      '    <route-files value="trips.trips.xml"/>',
      ...(additionalFile ? ['    <additional-files value="outputs.add.xml"/>'] : []),
      '  </input>',
      '  <output>',
      ...outputs,
      '  </output>',
      '  <processing>',
      '    <ignore-route-errors value="true"/>',
      '    <time-to-teleport value="300"/>',
      '  </processing>',
      // Fuel and CO2 per trip (HBEFA, the default passenger-car class) in tripinfo.
      '  <emissions>',
      '    <device.emissions.probability value="1"/>',
      '  </emissions>',
      '  <report>',
      '    <no-step-log value="true"/>',
      '    <duration-log.disable value="true"/>',
      '  </report>',
      '</configuration>',
      '',
    ].join('\n'),
  );
  return scenario;
}

export interface StartOptions {
  /** SUMO's random seed (driver imperfection, actuated detectors see the same vehicles). */
  seed: number;
  /** Seconds per step; default 0.1. */
  stepLength?: number;
  /** Vehicles that get SUMO's own GLOSA device, where this SUMO has one. */
  glosa?: { vehicleIds: string[]; rangeM: number };
  /** More command-line options for sumo. */
  extraArgs?: string[];
  /** Give up connecting after this long (ms). Default 30 000. */
  connectTimeoutMs?: number;
}

/** A running SUMO with its TraCI connection. */
export interface SumoRun {
  client: TraciClient;
  port: number;
  process: ChildProcess;
  /** The last lines SUMO printed on stderr (warnings, errors). */
  stderr: () => string;
  /** Closes TraCI and waits for SUMO to exit; kills it if it does not. Safe to call twice. */
  stop: () => Promise<{ exitCode: number | null }>;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS gave no free port'))));
    });
  });
}

/** Starts `sumo` on the scenario with a TraCI port and connects to it. */
export async function startSumo(scenario: Scenario, options: StartOptions): Promise<SumoRun> {
  // Another process can take the free port between the probe and SUMO's bind: try a fresh one then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(scenario, options, port);
    } catch (error) {
      if (attempt < 3 && /bind|address already in use/i.test((error as Error).message)) continue;
      throw error;
    }
  }
}

async function launch(scenario: Scenario, options: StartOptions, port: number): Promise<SumoRun> {
  const args = [
    '--configuration-file',
    scenario.configFile,
    '--remote-port',
    String(port),
    '--step-length',
    String(options.stepLength ?? 0.1),
    '--no-step-log',
    '--seed',
    String(options.seed),
  ];
  if (options.glosa && options.glosa.vehicleIds.length) {
    args.push('--device.glosa.explicit', options.glosa.vehicleIds.join(','), '--device.glosa.range', String(options.glosa.rangeM));
  }
  args.push(...(options.extraArgs ?? []));
  const child = spawn('sumo', args, { cwd: scenario.spec.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SUMO_HOME: scenario.sumoHome } });
  let stderrTail = '';
  const keep = (chunk: Buffer): void => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot run sumo: ${error.message}; ${SUMO_INSTALL_HINT}`)));
  });
  await spawned;
  const abort = new AbortController();
  void exited.then((code) => abort.abort(new Error(`sumo exited with ${code}`)));
  let client: TraciClient;
  try {
    client = await TraciClient.connect(port, { signal: abort.signal, timeoutMs: options.connectTimeoutMs ?? 30_000 });
  } catch (error) {
    if (exitCode === undefined) child.kill('SIGKILL');
    const code = await exited;
    throw new Error(`sumo ${args.join(' ')} (exit ${code}): ${(error as Error).message}; sumo said: ${stderrTail.trim().slice(-2000) || 'nothing'}`, { cause: error });
  }
  let stopping: Promise<{ exitCode: number | null }> | undefined;
  const stop = (): Promise<{ exitCode: number | null }> => {
    stopping ??= (async () => {
      if (exitCode === undefined) {
        try {
          await client.close();
        } catch (error) {
          // SUMO may already have gone (end of simulation); anything else is a real failure.
          if (exitCode === undefined && !/closed/.test((error as Error).message)) {
            child.kill('SIGKILL');
            throw error;
          }
        }
      }
      // SUMO writes its outputs after close; give it time, then make sure it is gone.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return { exitCode: code };
    })();
    return stopping;
  };
  return { client, port, process: child, stderr: () => stderrTail, stop };
}
