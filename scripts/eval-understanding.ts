/**
 * How well does the embedded understanding do on the evaluation set?
 *
 * Reads eval/understanding/{en,zh}.jsonl (one utterance a line: text, the
 * dialogue context it needs, the intent and exactly-normalised slots a
 * careful human labelled), checks every label against the intent schemas,
 * runs `understand` and prints per language: intent accuracy, slot
 * exact-match (among utterances whose intent is right), task success (both),
 * out-of-scope precision and recall, and the worst confusions.
 *
 *   npm run eval            (all languages)
 *   npm run eval -- zh -v   (one language, every miss listed)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate, loadEvalSet, type LanguageReport } from '../src/agent/understanding/index.ts';

const languages = ['en', 'zh'] as const;
const args = process.argv.slice(2);
const verbose = args.includes('-v') || args.includes('--verbose');
const only = args.find((a) => a === 'en' || a === 'zh');

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

let failed = false;
for (const lang of languages) {
  if (only && only !== lang) continue;
  const path = fileURLToPath(new URL(`../eval/understanding/${lang}.jsonl`, import.meta.url));
  const set = loadEvalSet(readFileSync(path, 'utf8'), `eval/understanding/${lang}.jsonl`);
  const report: LanguageReport = evaluate(set);
  console.log(`\n## ${lang} (${report.total} utterances, ${report.outOfScopeLabelled} out of scope)\n`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| intent accuracy | ${pct(report.intentAccuracy)} |`);
  console.log(`| slot exact-match (intent right) | ${pct(report.slotExactMatch)} |`);
  console.log(`| task success | ${pct(report.taskSuccess)} |`);
  console.log(`| out-of-scope precision | ${pct(report.outOfScopePrecision)} |`);
  console.log(`| out-of-scope recall | ${pct(report.outOfScopeRecall)} |`);
  console.log(`| out-of-scope mapped to a tool | ${report.outOfScopeToTool} |`);
  if (report.confusions.length > 0) {
    console.log('\nWorst confusions (label → understood: count):');
    for (const c of report.confusions.slice(0, 8)) console.log(`  ${c.label} → ${c.got}: ${c.count}`);
  }
  const misses = report.misses.filter((m) => verbose || m.kind === 'intent');
  if (misses.length > 0) {
    console.log(verbose ? '\nMisses:' : '\nIntent misses (-v for slot misses too):');
    for (const m of misses) console.log(`  [${m.kind}] ${m.text}\n      want ${JSON.stringify(m.want)}\n      got  ${JSON.stringify(m.got)}`);
  }
  if (report.intentAccuracy < 0.95 || report.slotExactMatch < 0.9 || report.outOfScopeToTool > 0) failed = true;
}
process.exit(failed ? 1 : 0);
