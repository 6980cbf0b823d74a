// e2e.mjs: browser test of the dashboard. Starts a real `tide run` on a loopback port chosen
// at run time, fed by an http_json source this script serves, and drives Debian's Chromium
// through playwright-core: the fleet and group views load, the charts draw real data, an
// event appears after a forced override, API errors read as messages, and a screenshot of
// each view is kept under --out.
//   node web/tests/e2e.mjs --tide build/tide --out build/e2e
// Exit 0 pass, 1 fail, 77 skip (only when Chromium is absent; ctest reports it as skipped).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const tidePath = resolve(arg('--tide', 'build/tide'));
const outDir = resolve(arg('--out', 'build/e2e'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no Chromium at ${chromiumPath} (bash scripts/deps.sh installs Debian's chromium)`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error(`FAIL: playwright-core is not installed in web/node_modules (run: cd web && npm ci): ${e.message}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tide-e2e-'));
mkdirSync(outDir, { recursive: true });
const cleanups = [];
let failures = 0;

function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
  return cond;
}

async function waitFor(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// The metric source: {"rps": N}, N moving so that the charts have a shape.
function startSource() {
  const t0 = Date.now();
  const server = http.createServer((req, res) => {
    const s = (Date.now() - t0) / 1000;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ rps: 30 + 20 * Math.sin(s / 3) }));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// tide run on 127.0.0.1:0; resolves with its port, read from its start-up line.
function startTide(config) {
  const child = spawn(tidePath, ['run', config, '--listen', '127.0.0.1:0', '--db', join(work, 'tide.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((ok, fail) => {
    const onData = (d) => {
      log += d.toString();
      const m = log.match(/on port (\d+)/);
      if (m) ok({ child, port: Number(m[1]), log: () => log });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => fail(new Error(`tide run exited with ${code} before serving:\n${log}`)));
  });
}

async function main() {
  if (!existsSync(tidePath)) throw new Error(`no tide binary at ${tidePath}`);
  const source = await startSource();
  cleanups.push(() => source.close());
  const sourceUrl = `http://127.0.0.1:${source.address().port}/stats`;
  const config = join(work, 'e2e.yaml');
  writeFileSync(
    config,
    `groups:
  - name: web
    capacity: {min: 1, max: 20, initial: 2}
    model: {startup: 2s, price_per_unit_hour: 0.5}
    evaluation_interval: 1s
    metrics:
      - name: rps
        source: {type: http_json, url: "${sourceUrl}", pointer: /rps, window: 3s, timeout: 1s, retries: 0}
    policies:
      - {type: target_tracking, name: rps-per-unit, metric: rps, target: 10, target_type: average_value}
      - {type: scheduled, name: nightly-floor, cron: "0 3 * * *", timezone: UTC, set: {min: 2}}
    behavior:
      scale_down: {stabilization_window: 5s}
    actuator: {type: none}
  - name: batch
    capacity: {min: 0, max: 5, initial: 1}
    evaluation_interval: 2s
    policies:
      - {type: scheduled, name: every-five-minutes, cron: "*/5 * * * *", timezone: UTC, set: {desired: 1}}
    actuator: {type: none}
`,
  );
  const tide = await startTide(config);
  cleanups.push(() => tide.child.kill('SIGTERM'));
  const base = `http://127.0.0.1:${tide.port}`;
  await waitFor('tide /readyz', async () => (await fetch(`${base}/readyz`)).status === 200);
  const index = await (await fetch(`${base}/`)).text();
  if (/dashboard was not built/.test(index)) {
    throw new Error(`${tidePath} serves the placeholder page: it was built without npm/node (see docs/DASHBOARD.md)`);
  }

  const userDataDir = mkdtempSync(join(tmpdir(), 'tide-e2e-chromium-'));
  cleanups.push(() => rmSync(userDataDir, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  cleanups.unshift(() => context.close());
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Console errors (a failed resource such as /favicon.ico) while every request should succeed.
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location()?.url || ''}`.trim());
  });
  // No request may leave the machine: the page must work without the internet.
  const offsite = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) offsite.push(r.url());
  });

  // --- fleet view
  await page.goto(`${base}/`);
  await page.waitForSelector('table.fleet tr[data-group="web"]', { timeout: 15000 });
  const webRow = await page.locator('table.fleet tr[data-group="web"] td').allInnerTexts();
  check(webRow[0].startsWith('web'), `fleet view lists group web (${webRow.join(' | ')})`);
  check(/^\d+\.\d{2}$/.test(webRow[6]) && Number(webRow[6]) > 0, `fleet view shows a cost per hour for web (${webRow[6]})`);
  check(/%$/.test(webRow[5]), `fleet view shows utilisation for web (${webRow[5]})`);
  check((await page.locator('table.fleet tr[data-group="batch"]').count()) === 1, 'fleet view lists group batch');
  const alertsText = await page.locator('#fleet-alerts').innerText();
  check(/No open alerts|not available|group\s+alert/.test(alertsText), `fleet view shows the alerts panel (${alertsText.trim().slice(0, 90)})`);
  await page.screenshot({ path: join(outDir, 'fleet.png'), fullPage: true });

  // --- group view: real data in the charts
  await page.goto(`${base}/#/group/web`);
  const lengths = await waitFor('capacity and metric charts with 4+ points', async () => {
    const n = await page.evaluate(() => {
      const c = window.__tide && window.__tide.charts;
      if (!c || !c.capacity || !c['metric:rps']) return null;
      return { capacity: c.capacity.data[0].length, rps: c['metric:rps'].data[0].length, rpsValues: c['metric:rps'].data[1].filter((v) => v !== null).length };
    });
    return n && n.capacity >= 4 && n.rpsValues >= 4 ? n : null;
  });
  check(true, `charts hold real data (capacity ${lengths.capacity} points, rps ${lengths.rps})`);
  // Pixels: the metric line is drawn in #2ca02c; count such pixels on its canvas.
  const green = await page.evaluate(() => {
    const cv = document.querySelector('[data-metric="rps"] canvas');
    const ctx = cv.getContext('2d');
    const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 44) < 30 && Math.abs(d[i + 1] - 160) < 30 && Math.abs(d[i + 2] - 44) < 30 && d[i + 3] > 128) n++;
    return n;
  });
  check(green > 50, `the rps chart's canvas has the metric line drawn (${green} line-coloured pixels)`);
  const scheduleText = await page.locator('#group-schedule').innerText();
  check(/nightly-floor/.test(scheduleText) && /min 2/.test(scheduleText), 'scheduled actions ahead are listed');
  const forecastText = await page.locator('#group-forecast').innerText();
  check(/no predictive policy/.test(forecastText), 'the forecast panel says the group has no predictive policy');
  // Each decision shows its explanation: the sentences the API holds appear in the page.
  const apiDecisions = (await (await fetch(`${base}/api/v1/groups/web?decisions=30`)).json()).decisions;
  const decisionText = await page.locator('#group-decisions').innerText();
  const shown = apiDecisions.filter((d) => d.message && decisionText.includes(d.message));
  check(shown.length > 0, `decisions show their explanation (${shown.length} of ${apiDecisions.length} sentences, e.g. "${shown[0]?.message}")`);
  // The stages read in the pipeline's order (they were sorted by name: after_cooldown first).
  const stageText = await page.locator('#group-decisions p.stages').first().textContent();
  check(/^recommended \d+ → panic \d+ → stabilized \d+ → rate-limited \d+ → cooldown \d+/.test(stageText),
    `a decision's stages are in pipeline order (${stageText})`);

  // --- an override makes an event and a decision
  const res = await fetch(`${base}/api/v1/groups/web/override`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ desired: 9, for: '10m' }),
  });
  check(res.status === 200, `POST override answers 200 (${res.status})`);
  await waitFor('the override and its scale event in the page', async () => {
    const text = await page.locator('#group-events').innerText();
    return /override/.test(text) && /→ 9/.test(text);
  });
  check(true, 'the event list shows the override and the scale to 9');
  await waitFor('the capacity chart to reach 9', async () =>
    page.evaluate(() => {
      const c = window.__tide.charts.capacity;
      return c.data[c.data.length - 1].includes(9);
    }),
  );
  check(true, 'the capacity chart shows desired 9');
  check(/ManualOverride/.test(await page.locator('#group-decisions').innerText()) && /override: desired 9/.test(await page.locator('#group-decisions').innerText()), 'the decision list explains the override');
  await page.screenshot({ path: join(outDir, 'group.png'), fullPage: true });

  // --- the forecast band. A predictive policy needs a day of history, which the test's
  // http_json source cannot backfill, so this one answer of /outlook is canned; the page
  // must draw its mean and both interval bands next to the observed rps.
  const now = Date.now() / 1000;
  const f = { policy: 'ahead', metric: 'rps', mode: 'forecast_only', quantile: 0.9, model: 'ets', note: '', fit_error: '', breaker_open: false,
    t: [], mean: [], lo80: [], hi80: [], lo95: [], hi95: [] };
  for (let k = 0; k < 48; k++) {
    const m = 40 + 10 * Math.sin(k / 6);
    f.t.push(now + 300 * k); f.mean.push(m); f.lo80.push(m - 5); f.hi80.push(m + 5); f.lo95.push(m - 9); f.hi95.push(m + 9);
  }
  await page.route('**/api/v1/groups/web/outlook*', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ now, horizon: 86400, forecasts: [f], scheduled: [] }) }));
  await page.reload();
  const fc = await waitFor('the forecast chart', async () =>
    page.evaluate(() => {
      const c = window.__tide.charts['forecast:ahead'];
      return c && { points: c.data[0].length, bands: c.bands.length, mean: c.data[4].filter((v) => v !== null).length, observed: c.data[1].filter((v) => v !== null).length };
    }),
  );
  check(fc.mean === 48 && fc.bands === 2 && fc.observed > 0, `the forecast chart has the mean (${fc.mean} points), 2 bands (${fc.bands}) and the observed rps (${fc.observed})`);
  const bandPixels = await page.evaluate(() => {
    const cv = document.querySelector('[data-forecast="ahead"] canvas');
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    // The bands are translucent red (214, 39, 40) on a transparent canvas: count pixels of
    // that colour whose alpha is partial (the mean line is opaque).
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 214) < 25 && Math.abs(d[i + 1] - 39) < 25 && Math.abs(d[i + 2] - 40) < 25 && d[i + 3] > 10 && d[i + 3] < 160) n++;
    }
    return n;
  });
  check(bandPixels > 20000, `the interval bands are filled on the canvas (${bandPixels} band-coloured pixels)`);
  await page.locator('#group-forecast').screenshot({ path: join(outDir, 'forecast.png') });
  await page.unroute('**/api/v1/groups/web/outlook*');

  check(consoleErrors.length === 0, `no console errors while every request succeeds (${consoleErrors.join('; ')})`);

  // --- API errors are readable messages, never a blank page
  await page.goto(`${base}/#/group/nope`);
  await page.waitForSelector('#error:not([hidden])', { timeout: 10000 });
  const err = await page.locator('#error').innerText();
  check(/HTTP 404/.test(err) && /nope/.test(err), `unknown group: the page says why (${err})`);
  check((await page.locator('h1').innerText()).includes('nope'), 'unknown group: the page is not blank');
  await page.screenshot({ path: join(outDir, 'error-unknown-group.png'), fullPage: true });

  await page.goto(`${base}/#/`);
  await page.waitForSelector('table.fleet', { timeout: 10000 });
  tide.child.kill('SIGTERM');
  await new Promise((r) => tide.child.once('exit', r));
  await page.waitForSelector('#error:not([hidden])', { timeout: 15000 });
  const down = await page.locator('#error').innerText();
  check(/does not answer/.test(down), `tide stopped: the page says so (${down})`);
  check((await page.locator('h1').innerText()) === 'Fleet', 'tide stopped: the page keeps its content');
  await page.waitForSelector('#fleet-groups .stale', { timeout: 10000 });
  check((await page.locator('table.fleet tr[data-group="web"]').count()) === 1, 'tide stopped: the last fleet table stays, marked as the last data received');
  await page.screenshot({ path: join(outDir, 'error-tide-down.png'), fullPage: true });

  check(pageErrors.length === 0, `no script errors in the page (${pageErrors.join('; ')})`);
  check(offsite.length === 0, `no request leaves the machine (${offsite.join(', ')})`);
}

let code = 0;
try {
  await main();
  code = failures === 0 ? 0 : 1;
} catch (e) {
  console.log(`FAIL ${e.stack || e.message}`);
  code = 1;
}
for (const c of cleanups) {
  try {
    await c();
  } catch {}
}
rmSync(work, { recursive: true, force: true });
console.log(code === 0 ? `PASS (screenshots in ${outDir})` : `FAILED: ${failures} check(s) (screenshots so far in ${outDir})`);
process.exit(code);
