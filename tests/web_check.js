// The web site's check (CI runs it after `cmake --workflow --preset web`): serves the site the web build wrote,
// opens a lesson's page in headless Chromium, has its run panel run the quick configuration (and then run it again,
// as Run pressed twice; the times of both are printed), waits for each run in the page to finish, and checks that
//   - the page's claims table, now the page's own run's, has the verdicts the native program gives (same seed);
//   - the run's summary.json equals the native one (on the same kernels) but for digits in the 12th place on;
//   - nothing was written to the console as an error (the page, its worker and its images).
// Usage: node tests/web_check.js SITE_FOLDER LESSON NATIVE_PROGRAM [SEED [NAME=VALUE...]]
// (each NAME=VALUE a setting, typed into the run panel's field and given to the native program as --set)
// (RNNLAB_WEB_SCREENSHOT=FILE.png saves a picture of the page after its runs.)
//   e.g. node tests/web_check.js build/web/course 02_autograd build/release/lessons/02_autograd
// Chromium is driven over its DevTools protocol on a pipe (--remote-debugging-pipe): no package beyond Node.js.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [site, lesson, native, seed = '0', ...settings] = process.argv.slice(2);
if (!native) {
  console.error('usage: node tests/web_check.js SITE_FOLDER LESSON NATIVE_PROGRAM [SEED [NAME=VALUE...]]');
  process.exit(2);
}
const seconds_allowed = 120;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnlab-web-check-'));
let server = null, browser = null;
function finish(code, message) {
  if (message) console.log(message);
  if (browser) browser.kill('SIGKILL');
  if (server) server.kill('SIGKILL');
  try {
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  } catch (error) { /* Chromium still closing */ }
  process.exit(code);
}
setTimeout(() => finish(1, `FAIL: no result after ${seconds_allowed} s`), seconds_allowed * 1000);

// The native runs: the verdicts of the page's run must be the native program's; its numbers must be those of the
// native program on its portable kernels (RNNLAB_ISA=portable), the arithmetic the WebAssembly build does. (With
// AVX2's fused multiply-adds the last bits differ, and long training runs carry that further.)
function runNative(folder, environment) {
  const start = process.hrtime.bigint();
  const run = spawnSync(native, ['--quick', '--seed', seed, '--out', path.join(scratch, folder)]
                                  .concat(...settings.map((s) => ['--set', s])),
                        { env: Object.assign({}, process.env, environment) });
  if (run.status !== 0 && run.status !== 1) finish(1, `FAIL: ${native} exited with ${run.status}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9,
           summary: JSON.parse(fs.readFileSync(path.join(scratch, folder, 'summary.json'), 'utf8')) };
}
const nativeRun = runNative('native', {}), portableRun = runNative('portable', { RNNLAB_ISA: 'portable' });
const nativeSummary = nativeRun.summary, nativeSeconds = nativeRun.seconds;

// Two numbers agree when they differ by at most 1e-11 of their size, or 1e-15 near zero (the C libraries' last bits:
// lessons/web/README.md).
function compare(a, b, where, differences) {
  if (typeof a === 'number' && typeof b === 'number') {
    const allowed = 1e-11 * Math.max(Math.abs(a), Math.abs(b)) + 1e-15;
    if (Math.abs(a - b) > allowed) differences.push(`${where}: ${a} vs ${b}`);
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    keys.forEach((k) => compare(a[k], b[k], where + '.' + k, differences));
  } else if (a !== b) {
    differences.push(`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return differences;
}

server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '0', '--directory', site],
               { stdio: ['ignore', 'pipe', 'pipe'] });
let served = '';
const onServerOutput = (chunk) => {
  served += chunk;
  const port = served.match(/port (\d+)/);
  const query = `run=quick&seed=${seed}` + settings.map((s) => '&set=' + encodeURIComponent(s)).join('');
  if (port && !browser) start(`http://127.0.0.1:${port[1]}/${lesson}/index.html?${query}`);
};
server.stdout.on('data', onServerOutput);
server.stderr.on('data', onServerOutput);

function start(url) {
  browser = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                               '--disable-background-networking', '--disable-component-update', '--disable-sync',
                               '--user-data-dir=' + path.join(scratch, 'profile'), '--remote-debugging-pipe',
                               'about:blank'],
                  { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];
  let nextId = 1, pending = {}, buffered = '';
  const errors = [];
  function send(method, params = {}, sessionId) {
    const id = nextId++;
    toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    return new Promise((resolve, reject) => { pending[id] = { resolve, reject }; });
  }
  fromBrowser.on('data', (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (message.id && pending[message.id]) {
        const { resolve, reject } = pending[message.id];
        delete pending[message.id];
        if (message.error) reject(new Error(JSON.stringify(message.error))); else resolve(message.result);
      } else if (message.method === 'Runtime.consoleAPICalled' && message.params.type === 'error') {
        errors.push(message.params.args.map((a) => a.value || a.description).join(' '));
      } else if (message.method === 'Runtime.exceptionThrown') {
        errors.push(message.params.exceptionDetails.exception?.description || message.params.exceptionDetails.text);
      } else if (message.method === 'Log.entryAdded' && message.params.entry.level === 'error') {
        errors.push(message.params.entry.text + ' ' + (message.params.entry.url || ''));
      }
    }
  });
  (async () => {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    await send('Runtime.enable', {}, sessionId);
    await send('Log.enable', {}, sessionId);
    await send('Page.enable', {}, sessionId);
    const opened = process.hrtime.bigint();
    await send('Page.navigate', { url }, sessionId);
    const evaluate = async (expression) =>
      (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
    const finished = async () => {
      let state = null;
      while (state !== 'done' && state !== 'failed') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await evaluate("document.getElementById('run')?.getAttribute('data-state')");
      }
      return state;
    };
    let state = await finished();
    const pageSeconds = Number(process.hrtime.bigint() - opened) / 1e9;
    // Run it again from the panel, as a learner would: the module is compiled once and its hot code is reused.
    const first = await evaluate('window.rnnlabRun && window.rnnlabRun.seconds');
    if (state === 'done') {
      await evaluate("document.querySelector('#run form').requestSubmit()");
      state = await finished();
    }
    const outcome = await evaluate(`({
      run: window.rnnlabRun || null,
      verdicts: Array.from(document.querySelectorAll('table.claims td.pass, table.claims td.fail'))
                     .map(function (cell) { return cell.className === 'pass'; }),
      status: document.querySelector('#run .status').textContent })`);
    if (process.env.RNNLAB_WEB_SCREENSHOT) {  // a picture of the page after its runs, to look at
      await send('Emulation.setDeviceMetricsOverride',
                 { width: 1100, height: 2400, deviceScaleFactor: 1, mobile: false }, sessionId);
      const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
      fs.writeFileSync(process.env.RNNLAB_WEB_SCREENSHOT, Buffer.from(shot.data, 'base64'));
    }
    const failures = [];
    if (state !== 'done' || !outcome.run) failures.push('the run in the page did not finish: ' + outcome.status);
    const nativeVerdicts = nativeSummary.claims.map((c) => c.passed);
    if (JSON.stringify(outcome.verdicts) !== JSON.stringify(nativeVerdicts)) {
      failures.push(`claims table ${JSON.stringify(outcome.verdicts)}, native ${JSON.stringify(nativeVerdicts)}`);
    }
    if (outcome.run && outcome.run.summary) {
      compare(portableRun.summary, outcome.run.summary, 'summary', []).forEach((d) => failures.push(d));
    }
    errors.forEach((e) => failures.push('console: ' + e));
    console.log(`  ${lesson} --quick --seed ${seed}: native ${nativeSeconds.toFixed(2)} s (the whole program); ` +
                `in the page ${first ? first.toFixed(2) : '-'} s (main; ${pageSeconds.toFixed(2)} s from opening ` +
                `the page to its results), run again ${outcome.run ? outcome.run.seconds.toFixed(2) : '-'} s`);
    console.log(`  claims in the page: ${outcome.verdicts.map((v) => (v ? 'pass' : 'FAIL')).join(', ')}`);
    finish(failures.length ? 1 : 0, failures.length ? 'FAIL:\n  ' + failures.join('\n  ') : 'web check: passed');
  })().catch((error) => finish(1, 'FAIL: ' + error.message));
}
