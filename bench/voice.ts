/**
 * How well does Cabin understand a driver by voice, offline, in a noisy cabin,
 * and how soon does it answer? Every command of test/voice/corpus.json,
 * spoken by espeak-ng (six voices and speeds), clean and under road noise at
 * 10 and 5 dB SNR, through the real voice pipeline (pocketsphinx → agent →
 * espeak-ng) with the stock language model and with the car-biased one.
 *
 * Reports word error rate, task success (the right tool call with the key
 * slots), the recogniser's real-time factor, and end of speech → first byte
 * of reply audio (p50/p95, from the pipeline's timings).
 *
 * Targets: task success ≥ 90 % at 10 dB with the biased model; end of speech
 * to first reply audio < 500 ms on 2 cores.
 *
 *   node --import tsx bench/voice.ts [--generic-every N] [--workers N]
 *
 * The runs are shared out to worker processes (default: one per core, at
 * most 2; each recognition is a single-threaded pocketsphinx process).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createVoiceHarness, groupOf, loadCorpus, MODELS, type ModelName, type SpokenCommand, type SpokenRun } from '../test/voice/corpus.ts';
import { commandAudio, installHint, missingAudioTools } from '../test/voice/audio.ts';


const CONDITIONS: readonly (number | null)[] = [null, 10, 5];
const conditionName = (snrDb: number | null): string => (snrDb === null ? 'clean' : `${snrDb} dB`);

interface Job {
  index: number;
  model: ModelName;
  snrDb: number | null;
}

interface JobResult extends SpokenRun {
  index: number;
  model: ModelName;
  snrDb: number | null;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a whole number ≥ 1, got ${process.argv[at + 1]}`);
  return value;
}

async function worker(shard: number, shards: number): Promise<void> {
  const corpus = loadCorpus();
  const jobs: Job[] = JSON.parse(process.env.CABIN_VOICE_JOBS ?? '[]');
  const harness = createVoiceHarness();
  for (let j = shard; j < jobs.length; j += shards) {
    const job = jobs[j]!;
    const command = corpus[job.index]!;
    const audio = await commandAudio(command, job.index, job.snrDb);
    const run = await harness.run(command, audio, job.model);
    const result: JobResult = { ...run, index: job.index, model: job.model, snrDb: job.snrDb };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

function runWorker(shard: number, shards: number, jobs: Job[], onResult: (r: JobResult) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', String(shard), String(shards)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CABIN_VOICE_JOBS: JSON.stringify(jobs) },
    });
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) onResult(JSON.parse(line) as JobResult);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`voice bench worker ${shard} exited with ${code}`))));
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : '–');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const missing = await missingAudioTools();
  if (missing.length > 0) throw new Error(installHint(missing));
  const corpus = loadCorpus();
  const genericEvery = option('--generic-every', 1);
  const workers = option('--workers', Math.min(2, availableParallelism()));

  const started = performance.now();
  // Synthesise (or find in the cache) every clip first, so workers only recognise.
  for (const snrDb of CONDITIONS) await Promise.all(corpus.map((command, index) => commandAudio(command, index, snrDb)));
  const audioSeconds = (performance.now() - started) / 1000;

  const jobs: Job[] = [];
  for (const model of MODELS) {
    for (const snrDb of CONDITIONS) {
      corpus.forEach((_, index) => {
        if (model === 'generic' && index % genericEvery !== 0) return;
        jobs.push({ index, model, snrDb });
      });
    }
  }
  const results: JobResult[] = [];
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, (_, shard) =>
      runWorker(shard, workers, jobs, (r) => {
        results.push(r);
        if (++done % 50 === 0) process.stderr.write(`  ${done}/${jobs.length} runs\n`);
      }),
    ),
  );
  const totalSeconds = (performance.now() - started) / 1000;

  console.log(`Corpus: ${corpus.length} English commands (${new Set(corpus.map(groupOf)).size} groups), 3 conditions, 2 models: ${jobs.length} pipeline runs.`);
  if (genericEvery > 1) console.log(`Generic model: every ${genericEvery}th command only (${jobs.filter((j) => j.model === 'generic').length / CONDITIONS.length} commands per condition).`);
  console.log(`Machine: ${availableParallelism()} cores, ${workers} worker processes.\n`);

  const rows: string[][] = [];
  for (const model of MODELS) {
    for (const snrDb of CONDITIONS) {
      const slice = results.filter((r) => r.model === model && r.snrDb === snrDb);
      if (slice.length === 0) continue;
      const errors = slice.reduce((a, r) => a + r.wordErrors, 0);
      const words = slice.reduce((a, r) => a + r.referenceWords, 0);
      const success = slice.filter((r) => r.success).length / slice.length;
      const rtf = slice.reduce((a, r) => a + r.recognitionMs, 0) / slice.reduce((a, r) => a + r.audioMs, 0);
      const latency = slice.map((r) => r.speechEndToFirstAudioMs).filter(Number.isFinite).sort((a, b) => a - b);
      const toText = slice.map((r) => r.speechEndToTranscriptMs).filter(Number.isFinite).sort((a, b) => a - b);
      rows.push([model, conditionName(snrDb), String(slice.length), pct(errors / words), pct(success), rtf.toFixed(3), ms(percentile(toText, 50)), ms(percentile(latency, 50)), ms(percentile(latency, 95))]);
    }
  }
  console.log(
    table(['model', 'audio', 'n', 'WER', 'task success', 'RTF', 'speech end → text p50', 'speech end → reply audio p50', 'p95'], rows),
  );

  // Task success by intent group for the biased model: where the misses are.
  const groups = [...new Set(corpus.map(groupOf))];
  const groupRows = groups.map((group) => {
    const cells = [group, String(corpus.filter((c) => groupOf(c) === group).length)];
    for (const model of MODELS) {
      for (const snrDb of CONDITIONS) {
        const slice = results.filter((r) => r.model === model && r.snrDb === snrDb && groupOf(corpus[r.index]!) === group);
        cells.push(slice.length ? `${slice.filter((r) => r.success).length}/${slice.length}` : '–');
      }
    }
    return cells;
  });
  console.log(`\nTask success by group:\n`);
  console.log(table(['group', 'commands', ...MODELS.flatMap((m) => CONDITIONS.map((c) => `${m} ${conditionName(c)}`))], groupRows));

  const misses = results.filter((r) => r.model === 'biased' && r.snrDb === 10 && !r.success).sort((a, b) => a.index - b.index);
  if (misses.length > 0) {
    console.log(`\nBiased model at 10 dB, misses:\n`);
    console.log(table(['command', 'heard', 'tool call'], misses.map((r) => [describe(corpus[r.index]!), r.transcript || '(nothing)', r.got])));
  }
  const biased10 = results.filter((r) => r.model === 'biased' && r.snrDb === 10);
  const success10 = biased10.filter((r) => r.success).length / Math.max(1, biased10.length);
  const latencies = results.filter((r) => r.model === 'biased').map((r) => r.speechEndToFirstAudioMs).filter(Number.isFinite).sort((a, b) => a - b);
  console.log(`\nTargets: task success at 10 dB, biased: ${pct(success10)} (target ≥ 90 %) ${success10 >= 0.9 ? 'met' : 'NOT met'}; ` +
    `speech end → first reply audio p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))} (target < 500 ms) ${percentile(latencies, 95) < 500 ? 'met' : percentile(latencies, 50) < 500 ? 'met at p50 only' : 'NOT met'}.`);
  console.log(`Audio synthesis ${audioSeconds.toFixed(1)} s (cached after the first run), total ${totalSeconds.toFixed(1)} s.`);
}

function describe(command: SpokenCommand): string {
  return `${command.id}: ${command.text}`;
}

if (process.argv[2] === '--worker') {
  await worker(Number(process.argv[3]), Number(process.argv[4]));
} else {
  await main();
}
