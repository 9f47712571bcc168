// The run panel's worker (lessons/common/site.cpp writes the panel): runs one lesson's WebAssembly build off the
// page's thread, so the page stays responsive, and sends back what it prints as it prints it, then the files it
// wrote (its page, summary.json, plots) and how long it took.
//
// The page posts {program: URL of NN_name.js, threaded: URL of NN_name.threads.js} once, then {args: [...]} for
// each run, and gets back
//   {type: 'threads', count}                        how many threads a run uses (sent once the module is chosen)
//   {type: 'out' | 'err', text}                     what the lesson wrote to stdout or stderr, as written
//   {type: 'done', code, seconds, files: {name: bytes}}   main returned `code`; the files under the --out folder
//   {type: 'failed', text}                          the module did not load, or the program stopped
//   {type: 'ready'}                                 the warm-up (below) has ended
//
// Threads. A page that is cross-origin isolated (lessons/web/isolate.js) may share memory with workers, and there
// the threaded build runs: its thread pool is min(cores, 4) - 1 workers the program starts, beside its own thread.
// Anywhere else the single-threaded build runs. Results are the same either way (tensor/parallel.cpp).
//
// The module is compiled once, as soon as the page asks (while the learner reads). Every run, and the warm-up,
// happens in a worker of its own (a "run worker", this file again) that instantiates the compiled module afresh
// and is ended with the run: new memory, so no state carries over from a run to the next, and no thread of the
// threaded build outlives its run; while the machine code the engine compiled for the hot functions during one
// run serves the next, since every run worker shares the one compiled module.
//
// Warming up. The browser compiles a function of the module when it is first called, quickly and plainly, and
// again, optimized, once it has run hot; a lesson's first run spends most of its time so (lesson 02: 0.4-0.5 s,
// of which a second run needs 0.16 s). So while the learner reads, a run worker runs the lesson's quick
// configuration, its output thrown away, over and over for a second and at least twice, but for at most
// `warmUpSeconds`; the optimized code it leaves in the module serves the learner's first run. (Lesson 02's first
// run, against 0.04 s natively: 0.069 s in the median of 13 checks when the warm-up ran twice, 0.056 s with a second
// of runs. Lesson 11's on two threads: 2.84 s when the warm-up stopped at 3 s, 2.03 s at 6 s; a second run 1.95 s.)
// The learner's first run stops it; it fetches nothing (lesson 20's recordings are fetched only for a run asked
// for), and the page is told {type: 'ready'} when it has ended.
'use strict';

var program = null, compiled = null, asked = false, warming = null, running = null;
var warmUpSeconds = 6;

// Every file under `folder` in the module's file system, by its path below it; the copies of the source files
// (source/) are the site's own already. Each is a copy of its own, so that it can be handed to the page.
function collect(FS, folder, prefix, files) {
  FS.readdir(folder).forEach(function (name) {
    if (name === '.' || name === '..' || (prefix === '' && name === 'source')) return;
    var path = folder + '/' + name;
    if (FS.isDir(FS.stat(path).mode)) collect(FS, path, prefix + name + '/', files);
    else files[prefix + name] = FS.readFile(path).slice();
  });
  return files;
}

// Threads need memory shared with workers, and a second core to be worth it.
function threadsAvailable() {
  return self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' &&
         navigator.hardwareConcurrency >= 2;
}

function prepare(request) {
  var threaded = request.threaded && threadsAvailable();
  program = threaded ? request.threaded : request.program;
  postMessage({ type: 'threads', count: threaded ? Math.min(navigator.hardwareConcurrency || 1, 4) : 1 });
  var wasm = new URL(program.replace(/\.js$/, '.wasm'), self.location.href).href;
  compiled = fetch(wasm).then(function (response) {
    if (!response.ok) throw new Error('could not fetch ' + wasm + ' (' + response.status + ')');
    return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(response)
                                        : response.arrayBuffer().then(WebAssembly.compile);
  });
  compiled.then(warmUp, function (error) { postMessage({ type: 'failed', text: String(error) }); });
}

// A run worker running `job` ({args} or {warmUp: true}) on the compiled module; its messages go to `receive`.
function spawn(module, job, receive) {
  var child = new Worker(self.location.href);
  child.onmessage = function (event) { receive(event.data); };
  child.onerror = function (event) {
    event.preventDefault();
    receive({ type: 'failed', text: 'the lesson stopped: ' + event.message });
  };
  job.module = module;
  job.program = program;
  child.postMessage(job);
  return child;
}

function warmUp(module) {
  if (asked) return;
  var end = function () {
    if (!warming) return;
    warming.terminate();
    warming = null;
    postMessage({ type: 'ready' });
  };
  warming = spawn(module, { warmUp: true }, end);
  setTimeout(end, warmUpSeconds * 1000);
}

function run(args) {
  asked = true;
  if (warming) {
    warming.terminate();
    warming = null;
  }
  compiled.then(function (module) {
    running = spawn(module, { args: args }, function (message) {
      if (message.type === 'done' || message.type === 'failed') {
        running.terminate();
        running = null;
      }
      postMessage(message, message.type === 'done' ? Object.keys(message.files).map(function (name) {
        return message.files[name].buffer;
      }) : []);
    });
  }, function (error) {
    postMessage({ type: 'failed', text: 'could not start the lesson: ' + error });
  });
}

// In a run worker: the module instantiated with fresh memory.
function instantiate(module, settings) {
  settings.thisProgram = program.split('/').pop().replace(/(\.threads)?\.js$/, '');  // argv[0], as natively
  settings.locateFile = function (name) { return new URL(name, program).href; };
  settings.mainScriptUrlOrBlob = program;  // what the threaded build's pool workers load
  settings.instantiateWasm = function (imports, receive) {
    WebAssembly.instantiate(module, imports).then(function (instance) { receive(instance, module); });
    return {};
  };
  return rnnlabLesson(settings);
}

// In a run worker: the quick run, unseen, again and again for `warmUpRunSeconds` and at least twice (the optimizing
// compiler works beside the runs, and what turned hot late in one is ready after the next); a request for data fails,
// and the lesson stops there.
var warmUpRunSeconds = 1;
function warmUpHere(module, started, runs) {
  self.XMLHttpRequest = function () { throw new Error('no fetching while warming up'); };
  var quiet = function () {};
  instantiate(module, { print: quiet, printErr: quiet }).then(function (lesson) {
    lesson.TTY.stream_ops.write = function (stream, buffer, offset, length) { return length; };
    try {
      lesson.callMain(['--quick', '--out', '/warm-up']);
    } catch (error) { /* it stopped; what it compiled stays */ }
    if (runs < 1 || performance.now() - started < warmUpRunSeconds * 1000) warmUpHere(module, started, runs + 1);
    else postMessage({ type: 'warm' });
  }, function () { postMessage({ type: 'warm' }); });
}

// In a run worker: the learner's run.
function runHere(module, args) {
  instantiate(module, {}).then(function (lesson) {
    // What the program writes to its terminal, passed on write by write, as a terminal gets it: a progress bar
    // redraws its line with '\r' and flushes without ending it (Emscripten's own terminal would hold the text
    // back until the line ends, and drop the line ends). The bytes are copied out of the module's memory, which
    // the threaded build shares (a decoder reads no shared memory).
    var decoder = new TextDecoder();
    lesson.TTY.stream_ops.write = function (stream, buffer, offset, length) {
      var bytes = buffer.slice(offset, offset + length);
      postMessage({ type: stream.fd === 2 ? 'err' : 'out', text: decoder.decode(bytes) });
      return length;
    };
    var out = args[args.indexOf('--out') + 1];
    var start = performance.now(), code;
    try {
      code = lesson.callMain(args);
    } catch (error) {
      postMessage({ type: 'failed', text: 'the lesson stopped: ' + error });
      return;
    }
    var seconds = (performance.now() - start) / 1000;
    var files = {};
    try { collect(lesson.FS, out, '', files); } catch (error) { /* it wrote nothing (bad options) */ }
    postMessage({ type: 'done', code: code, seconds: seconds, files: files },
                Object.keys(files).map(function (name) { return files[name].buffer; }));
  }, function (error) {
    postMessage({ type: 'failed', text: 'could not start the lesson: ' + error });
  });
}

self.onmessage = function (event) {
  var request = event.data;
  if (request.module) {  // this is a run worker
    program = request.program;
    try {
      importScripts(program);
    } catch (error) {
      postMessage({ type: 'failed', text: 'could not load ' + program + ': ' + error });
      return;
    }
    if (request.warmUp) warmUpHere(request.module, performance.now(), 0);
    else runHere(request.module, request.args);
    return;
  }
  if (request.program) prepare(request);
  if (request.args) run(request.args);
};
