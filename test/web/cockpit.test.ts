import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer } from '../../src/server/index.ts';
import { COCKPIT_DIST } from '../../src/server/cockpit.ts';
import { defaultDistrict } from '../server/support.ts';

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
  assert.match(await page.getByTestId('countdown').innerText(), /^\d+s$/);

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

  await ask(page, 'find parking near the destination');
  await page.getByTestId('marker-parking').first().waitFor();
  await page.locator('[data-testid="traffic-light"]:is([data-colour="red"],[data-colour="amber"],[data-colour="green"])').waitFor();
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}cockpit.png` });

  // The interface follows the driver's language.
  await ask(page, '人民广场附近有停车场吗');
  await page.locator('html[lang="zh-CN"]').waitFor();
  assert.equal(await page.getByTestId('send').getAttribute('aria-label'), '发送');
  assert.ok((await page.getByTestId('card-parking').count()) > 0);
  await page.screenshot({ path: `${screenshots}cockpit-zh.png` });

  assert.equal(await page.getByRole('button', { name: '语音输入' }).isDisabled(), true, 'the mic is present but disabled');
  assert.deepEqual(pageErrors, []);
});
