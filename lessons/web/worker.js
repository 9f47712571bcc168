// The run panel's worker (lessons/common/site.cpp writes the panel): runs one lesson's WebAssembly build off the
// page's thread, so the page stays responsive, and sends back what it prints as it prints it, then the files it
// wrote (its page, summary.json, plots) and how long it took.
//
// The page posts {program: URL of NN_name.js} once, then {args: [...]} for each run, and gets back
//   {type: 'out' | 'err', text}                     what the lesson wrote to stdout or stderr, as written
//   {type: 'done', code, seconds, files: {name: bytes}}   main returned `code`; the files under the --out folder
//   {type: 'failed', text}                          the module did not load, or the program stopped
//   {type: 'ready'}                                 the warm-up (below) has ended
//
// The module is compiled once, as soon as the page asks (while the learner reads), and every run instantiates it
// afresh: new memory, so no state carries over from a run to the next, while the machine code the engine compiled
// for the hot functions during one run serves the next.
//
// Warming up. The browser compiles a function of the module when it is first called, quickly and plainly, and
// again, optimized, once it has run hot; a lesson's first run spends most of its time so (lesson 02: 0.4-0.5 s,
// of which a second run needs 0.16 s). So while the learner reads, a second worker runs the lesson's quick
// configuration on the same compiled module, its output thrown away, for at most `warmUpSeconds`; the
// optimized code it leaves in the module (which the two workers share) serves the learner's first run. The
// learner's first run stops it; it fetches nothing (lesson 20's recordings are fetched only for a run asked for),
// and the page is told {type: 'ready'} when it has ended.
'use strict';

var program = null, compiled = null, asked = false, warming = null;
var warmUpSeconds = 3;

// Every file under `folder` in the module's file system, by its path below it; the copies of the source files
// (source/) are the site's own already.
function collect(FS, folder, prefix, files) {
  FS.readdir(folder).forEach(function (name) {
    if (name === '.' || name === '..' || (prefix === '' && name === 'source')) return;
    var path = folder + '/' + name;
    if (FS.isDir(FS.stat(path).mode)) collect(FS, path, prefix + name + '/', files);
    else files[prefix + name] = FS.readFile(path);
  });
  return files;
}

function prepare(url) {
  program = url;
  importScripts(program);
  var wasm = new URL(program.replace(/\.js$/, '.wasm'), self.location.href).href;
  compiled = fetch(wasm).then(function (response) {
    if (!response.ok) throw new Error('could not fetch ' + wasm + ' (' + response.status + ')');
    return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(response)
                                        : response.arrayBuffer().then(WebAssembly.compile);
  });
  compiled.then(warmUp, function (error) { postMessage({ type: 'failed', text: String(error) }); });
}

function instantiate(module, settings) {
  settings.thisProgram = program.split('/').pop().replace(/\.js$/, '');  // argv[0], which its messages start with
  settings.locateFile = function (name) { return new URL(name, program).href; };
  settings.instantiateWasm = function (imports, receive) {
    WebAssembly.instantiate(module, imports).then(function (instance) { receive(instance, module); });
    return {};
  };
  return rnnlabLesson(settings);
}

function warmUp(module) {
  if (asked) return;
  warming = new Worker(self.location.href);
  var end = function () {
    if (!warming) return;
    warming.terminate();
    warming = null;
    postMessage({ type: 'ready' });
  };
  warming.onmessage = end;
  warming.onerror = end;
  setTimeout(end, warmUpSeconds * 1000);
  warming.postMessage({ warmUp: module, program: program });
}

// In the warming worker: the quick run, unseen, twice (the optimizing compiler works beside the first run, and
// what turned hot late in it is ready after the second); a request for data fails, and the lesson stops there.
function warmUpHere(module, runs) {
  self.XMLHttpRequest = function () { throw new Error('no fetching while warming up'); };
  var quiet = function () {};
  instantiate(module, { print: quiet, printErr: quiet }).then(function (lesson) {
    lesson.TTY.stream_ops.write = function (stream, buffer, offset, length) { return length; };
    try {
      lesson.callMain(['--quick', '--out', '/warm-up']);
    } catch (error) { /* it stopped; what it compiled stays */ }
    if (runs > 1) warmUpHere(module, runs - 1); else postMessage({ type: 'warm' });
  }, function () { postMessage({ type: 'warm' }); });
}

function run(args) {
  asked = true;
  if (warming) {
    warming.terminate();
    warming = null;
  }
  compiled.then(function (module) { return instantiate(module, {}); }).then(function (lesson) {
    // What the program writes to its terminal, passed on write by write, as a terminal gets it: a progress bar
    // redraws its line with '\r' and flushes without ending it (Emscripten's own terminal would hold the text
    // back until the line ends, and drop the line ends).
    var decoder = new TextDecoder();
    lesson.TTY.stream_ops.write = function (stream, buffer, offset, length) {
      var bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
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
  if (request.warmUp) {
    program = request.program;
    importScripts(program);
    warmUpHere(request.warmUp, 2);
    return;
  }
  if (request.program) {
    try {
      prepare(request.program);
    } catch (error) {
      postMessage({ type: 'failed', text: 'could not load ' + request.program + ': ' + error });
    }
  }
  if (request.args) run(request.args);
};
