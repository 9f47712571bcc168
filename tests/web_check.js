// The web site's check (CI runs it after `cmake --workflow --preset web`): serves the site the web build wrote,
// opens a lesson's page in headless Chromium, and runs the quick configuration from its run panel three times: as
// a learner does (the worker warmed up, the fields filled in, Run pressed, then pressed again) and from a link
// (?run=quick&seed=N&set=...); it prints the times, and checks of every run that
//   - the page's claims table, now the page's own run's, has the verdicts the native program gives (same seed);
//   - the run's summary.json equals the native one (on the same kernels) but for digits in the 12th place on;
//   - nothing was written to the console as an error (the page, its worker and its images);
//   - it ran on as many threads as it should: a lesson with a threaded build (lessons/web/web.cmake) makes its page
//     cross-origin isolated (lessons/web/isolate.js, a service worker) and runs on min(cores, 4) threads; the
//     others on one. With RNNLAB_WEB_ONE_THREAD=1 the browser bypasses service workers, as where they are not
//     allowed, and every page must run on one thread.
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
  if (port && !browser) start(`http://127.0.0.1:${port[1]}/${lesson}/index.html`);
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
    const oneThread = process.env.RNNLAB_WEB_ONE_THREAD === '1';
    if (oneThread) {
      await send('Network.enable', {}, sessionId);
      await send('Network.setBypassServiceWorker', { bypass: true }, sessionId);
    }
    await send('Page.navigate', { url }, sessionId);
    const evaluate = async (expression) =>
      (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
    // Polls until `expression` is true; the page may load again meanwhile (once, to run under isolate.js), and an
    // expression evaluated as it goes has no answer.
    const until = async (expression) => {
      while (!(await evaluate(expression).catch(() => false))) await new Promise((r) => setTimeout(r, 100));
    };
    // One run: its state, its time (main in the worker), the claims table's verdicts, the summary.
    const finished = async () => {
      await until("['done', 'failed'].includes(document.getElementById('run')?.getAttribute('data-state'))");
      return evaluate(`({
        state: document.getElementById('run').getAttribute('data-state'),
        run: window.rnnlabRun || null,
        verdicts: Array.from(document.querySelectorAll('table.claims td.pass, table.claims td.fail'))
                       .map(function (cell) { return cell.className === 'pass'; }),
        status: document.querySelector('#run .status').textContent })`);
    };
    // As a learner: the page opens, its worker warms up while they read (data-ready), they fill in the seed and the
    // settings and press Run; then Run again. Then as a link to a run: ?run=quick&seed=N&set=NAME=VALUE.
    await until("document.getElementById('run')?.hasAttribute('data-ready')");
    const threads = await evaluate(`({ isolated: window.crossOriginIsolated, cores: navigator.hardwareConcurrency,
                                       offered: document.getElementById('run').hasAttribute('data-threaded'),
                                       threads: document.getElementById('run').getAttribute('data-threads') })`);
    const isolatedExpected = threads.offered && !oneThread;
    const threadsExpected = isolatedExpected && threads.cores >= 2 ? Math.min(threads.cores, 4) : 1;
    await evaluate(`(function (form) {
      form.seed.value = ${JSON.stringify(seed)};
      ${JSON.stringify(settings)}.forEach(function (assignment) {
        var equals = assignment.indexOf('=');
        form.querySelector('input[data-name="' + assignment.slice(0, equals) + '"]').value = assignment.slice(equals + 1);
      });
      form.requestSubmit();
    })(document.querySelector('#run form'))`);
    const runs = [await finished()];
    if (runs[0].state === 'done') {
      await evaluate("document.querySelector('#run form').requestSubmit()");
      runs.push(await finished());
    }
    const query = `run=quick&seed=${seed}` + settings.map((s) => '&set=' + encodeURIComponent(s)).join('');
    await send('Page.navigate', { url: url + '?' + query }, sessionId);
    runs.push(await finished());
    if (process.env.RNNLAB_WEB_SCREENSHOT) {  // a picture of the page after its runs, to look at
      await send('Emulation.setDeviceMetricsOverride',
                 { width: 1100, height: 2400, deviceScaleFactor: 1, mobile: false }, sessionId);
      const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
      fs.writeFileSync(process.env.RNNLAB_WEB_SCREENSHOT, Buffer.from(shot.data, 'base64'));
    }
    const failures = [];
    const nativeVerdicts = nativeSummary.claims.map((c) => c.passed);
    const names = ['first run', 'run again', 'run from a link'];
    runs.forEach((outcome, i) => {
      if (outcome.state !== 'done' || !outcome.run) {
        failures.push(`${names[i]}: the run in the page did not finish: ${outcome.status}`);
        return;
      }
      if (JSON.stringify(outcome.verdicts) !== JSON.stringify(nativeVerdicts)) {
        failures.push(`${names[i]}: claims table ${JSON.stringify(outcome.verdicts)}, native ` +
                      JSON.stringify(nativeVerdicts));
      }
      compare(portableRun.summary, outcome.run.summary, names[i] + ': summary', []).forEach((d) => failures.push(d));
    });
    if (runs.length < names.length) failures.push('the page did not run ' + names.slice(runs.length).join(', '));
    if (Number(threads.threads) !== threadsExpected || threads.isolated !== isolatedExpected) {
      failures.push(`threads: ${threads.threads} (cross-origin isolated: ${threads.isolated}), ` +
                    `expected ${threadsExpected}`);
    }
    errors.forEach((e) => failures.push('console: ' + e));
    const seconds = runs.map((outcome, i) => `${names[i]} ${outcome.run ? outcome.run.seconds.toFixed(3) : '-'} s`);
    console.log(`  ${lesson} --quick --seed ${seed}: native ${nativeSeconds.toFixed(3)} s (the whole program); ` +
                `in the page (main, ${threads.threads} thread${threads.threads === '1' ? '' : 's'}): ` +
                seconds.join(', '));
    console.log(`  claims in the page: ${runs[0].verdicts.map((v) => (v ? 'pass' : 'FAIL')).join(', ')}`);
    finish(failures.length ? 1 : 0, failures.length ? 'FAIL:\n  ' + failures.join('\n  ') : 'web check: passed');
  })().catch((error) => finish(1, 'FAIL: ' + error.message));
}
