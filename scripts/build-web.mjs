// Builds the cockpit (web/ → web/dist) with Vite; with --if-missing, only when no build exists yet.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (process.argv.includes('--if-missing') && existsSync('web/dist/index.html')) process.exit(0);
const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
