// Runs the benchmarks under bench/ one after another (all, or those whose name contains the argument).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const filter = process.argv[2];
const files = readdirSync('bench')
  .filter((name) => name.endsWith('.ts') && (!filter || name.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## bench/${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', `bench/${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
