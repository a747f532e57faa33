/**
 * How fast is the embedded understanding of one utterance?
 *
 * Over every utterance of the evaluation set (eval/understanding/{en,zh}.jsonl,
 * with its dialogue context), after a warm-up: the latency of `understand`
 * per language and for both, against a baseline measured in the same run on
 * the same texts, the least any keyword matcher does: lower-case the text and
 * test one precompiled regex of cue words.
 *
 *   npm run bench -- understanding
 *   node --import tsx bench/understanding.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEvalSet, understand, type EvalItem } from '../src/agent/understanding/index.ts';

const ROUNDS = 20;
const WARM_UP_ROUNDS = 5;

function load(lang: 'en' | 'zh'): EvalItem[] {
  const path = fileURLToPath(new URL(`../eval/understanding/${lang}.jsonl`, import.meta.url));
  return loadEvalSet(readFileSync(path, 'utf8'), `eval/understanding/${lang}.jsonl`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Milliseconds of each call over `rounds` passes, sorted. */
function timeEach(items: readonly EvalItem[], rounds: number, run: (item: EvalItem) => unknown): number[] {
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const started = performance.now();
      const out = run(item);
      times.push(performance.now() - started);
      if (out) sink++;
    }
  }
  if (sink < 0) console.log(sink); // keeps the calls from being optimised away
  return times.sort((a, b) => a - b);
}

const BASELINE_CUES =
  /navigate|take me|parking|park|restaurant|food|eat|hungry|light|arrive|how far|remember|cancel|stop|remove|add|order|lunch|dinner|导航|带我去|停车|吃|饿|红灯|绿灯|多久|多远|记住|取消|删|加|午饭|晚饭/;

function baseline(item: EvalItem): boolean {
  return BASELINE_CUES.test(item.text.toLowerCase());
}

const sets = { en: load('en'), zh: load('zh') };
const both = [...sets.en, ...sets.zh];
for (let r = 0; r < WARM_UP_ROUNDS; r++) for (const item of both) understand(item.text, item.context);
timeEach(both, WARM_UP_ROUNDS, baseline);

const base = timeEach(both, ROUNDS, baseline);
const rows: { name: string; n: number; times: number[] }[] = [
  { name: 'understand, English set', n: sets.en.length, times: timeEach(sets.en, ROUNDS, (item) => understand(item.text, item.context)) },
  { name: 'understand, Chinese set', n: sets.zh.length, times: timeEach(sets.zh, ROUNDS, (item) => understand(item.text, item.context)) },
  { name: 'understand, both', n: both.length, times: timeEach(both, ROUNDS, (item) => understand(item.text, item.context)) },
  { name: 'baseline: lower-case + one cue regex, both', n: both.length, times: base },
];

const baseP50 = percentile(base, 50);
console.log(`Node ${process.version}, ${ROUNDS} passes over each set after ${WARM_UP_ROUNDS} warm-up passes\n`);
console.log('| case | utterances | p50 (ms) | p99 (ms) | p50 / baseline p50 |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) {
  const p50 = percentile(row.times, 50);
  const p99 = percentile(row.times, 99);
  console.log(`| ${row.name} | ${row.n} | ${p50.toFixed(4)} | ${p99.toFixed(4)} | ${(p50 / baseP50).toFixed(1)}× |`);
}
