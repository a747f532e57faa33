import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer } from '../../src/server/index.ts';
import { COCKPIT_DIST } from '../../src/server/cockpit.ts';
import { defaultDistrict } from '../server/support.ts';
import { writeWav } from '../../src/voice/index.ts';
import { spoken } from '../voice/support.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

// The server serves web/dist only if it exists when it is built, so build the cockpit first.
if (!existsSync(`${COCKPIT_DIST}index.html`)) {
  const built = spawnSync('npx', ['vite', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
}

test('the cockpit finds parking, draws a route and shows the light ahead, in English and Chinese', { timeout: 60_000 }, async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install chromium\` (.ci/run does)`);
  const { opened, remove } = defaultDistrict();
  const app = buildServer(opened, {});
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await app.close();
    remove();
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // SwiftShader gives headless chromium the WebGL that MapLibre needs.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(address);

  await page.locator('[data-testid="map"][data-state="ready"]').waitFor();
  await page.waitForFunction('Number(document.querySelector(\'[data-testid="map"]\').dataset.roads) > 0');
  await page.waitForFunction('Number(document.querySelector(\'[data-testid="map"]\').dataset.signals) > 0');
  // The widget lights up once SPaT for the nearest intersection arrives, with a countdown.
  await page.locator('[data-testid="traffic-light"]:is([data-colour="red"],[data-colour="amber"],[data-colour="green"])').waitFor();
  // A number, or in the final seconds the light's state and why in words, never a code.
  assert.match(await page.getByTestId('countdown').innerText(), /^(\d+s|Red|Amber|Green)$/);
  const reason = await page.getByTestId('countdown').getAttribute('data-reason');
  if (reason) assert.match(await page.getByTestId('countdown-reason').innerText(), /^(changing now|at the line|no live data)$/);

  const ask = async (p: Page, text: string): Promise<void> => {
    const lines = Number(await p.getByTestId('transcript').getAttribute('data-lines'));
    await p.getByTestId('ask').fill(text);
    await p.getByTestId('ask').press('Enter');
    // Answered: the driver's line and Cabin's reply are in the transcript.
    await p.locator(`[data-testid="transcript"][data-lines="${lines + 2}"][data-busy="false"]`).waitFor();
  };

  await ask(page, "find parking near People's Square");
  assert.ok((await page.getByTestId('card-parking').count()) > 0, 'parking cards');
  assert.ok((await page.getByTestId('marker-parking').count()) > 0, 'parking markers on the map');
  assert.ok((await page.locator('[data-testid="card-parking"] .reason').count()) > 0, 'cards give their reasons');

  await ask(page, 'take me to Oak Road');
  await page.getByTestId('card-trip').waitFor();
  // Keyboard-operable: the Yes button answers the question.
  await page.getByTestId('yes').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction('Number(document.querySelector(\'[data-testid="map"]\').dataset.routePoints) > 1');
  assert.match(await page.getByTestId('trip').innerText(), /Oak Road/);
  assert.match(await page.getByTestId('eta').innerText(), /^\d{1,2}:\d{2}$/);
  await page.getByTestId('next-turn').waitFor();
  // The trip's stops are numbered on the map, the destination at least.
  await page.getByTestId('marker-stop').first().waitFor();
  assert.equal(await page.getByTestId('marker-stop').last().innerText(), String(await page.getByTestId('marker-stop').count()));
  // The simulated car drives the confirmed trip: its marker moves.
  const car = page.getByTestId('marker-car');
  await car.waitFor();
  const startedAt = `${await car.getAttribute('data-lat')},${await car.getAttribute('data-lon')}`;
  await page.waitForFunction(`(({ lat, lon }) => \`\${lat},\${lon}\`)(document.querySelector('[data-testid="marker-car"]').dataset) !== ${JSON.stringify(startedAt)}`);

  // Moving, the cockpit switches to driving mode by itself.
  await page.locator('[data-testid="panel"][data-mode="driving"]').waitFor();
  assert.equal(await page.getByTestId('driving-mode').getAttribute('aria-pressed'), 'true');
  await ask(page, 'find parking near the destination');
  await page.getByTestId('marker-parking').first().waitFor();
  // Driving: each card is its name and at most one reason.
  for (const card of await page.getByTestId('card-parking').all()) assert.ok((await card.locator('.reason').count()) <= 1, 'compact cards while driving');
  // The countdown never shows a code: the /ahead display while the trip is driven.
  assert.doesNotMatch(await page.getByTestId('traffic-light').innerText(), /final-seconds|near-stop-line|stale|no-state/);
  await page.locator('[data-testid="traffic-light"]:is([data-colour="red"],[data-colour="amber"],[data-colour="green"])').waitFor();
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}cockpit.png` });

  // The interface follows the driver's language.
  await ask(page, '人民广场附近有停车场吗');
  await page.locator('html[lang="zh-CN"]').waitFor();
  assert.equal(await page.getByTestId('send').getAttribute('aria-label'), '发送');
  assert.ok((await page.getByTestId('card-parking').count()) > 0);
  await page.screenshot({ path: `${screenshots}cockpit-zh.png` });

  assert.equal(await page.getByRole('button', { name: '驾驶模式' }).count(), 1);
  // The toggle switches driving mode off by hand.
  await page.getByTestId('driving-mode').click();
  await page.locator('[data-testid="panel"][data-mode="parked"]').waitFor();
  assert.equal(await page.getByTestId('driving-mode').getAttribute('aria-pressed'), 'false');
  const mic = page.getByRole('button', { name: '语音输入' });
  assert.equal(await mic.isEnabled(), true, 'the mic is live');
  assert.equal(await mic.getAttribute('aria-pressed'), 'false');
  assert.deepEqual(pageErrors, []);
});

test('holding the mic streams the microphone and shows what was heard', { timeout: 60_000 }, async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install chromium\` (.ci/run does)`);
  const { opened, remove } = defaultDistrict();
  const app = buildServer(opened, {});
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'cabin-mic-'));
  const { pcm } = await spoken('find parking near the destination', 300);
  const wav = join(dir, 'request.wav');
  writeWav(wav, pcm, 16000);
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await app.close();
    remove();
    rmSync(dir, { recursive: true, force: true });
  });
  // Chromium's fake microphone plays the file in a loop, without a permission prompt.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--autoplay-policy=no-user-gesture-required', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(address);
  const mic = page.getByTestId('mic');
  await mic.hover();
  await page.mouse.down();
  await page.locator('[data-testid="mic"][data-state="listening"][aria-pressed="true"]').waitFor();
  // Hold for as long as the request lasts: the driver speaking, not a wait for the app.
  await page.waitForTimeout((1000 * pcm.length) / 16000);
  await page.mouse.up();
  await page.getByTestId('voice-transcript').waitFor();
  // The reply is in the conversation like a typed one (what pocketsphinx heard is not asserted; see test/voice/e2e.test.ts).
  await page.locator('[data-testid="transcript"][data-lines="2"]').waitFor();
  assert.equal(await mic.getAttribute('aria-pressed'), 'false');
  assert.deepEqual(pageErrors, []);
});
