// The run panel's worker (lessons/common/site.cpp writes the panel): runs one lesson's WebAssembly build off the
// page's thread, so the page stays responsive, and sends back what it prints as it prints it, then the files it
// wrote (its page, summary.json, plots) and how long it took.
//
// The page posts {program: URL of NN_name.js} once, then {args: [...]} for each run, and gets back
//   {type: 'out' | 'err', text}                     what the lesson wrote to stdout or stderr, as written
//   {type: 'done', code, seconds, files: {name: bytes}}   main returned `code`; the files under the --out folder
//   {type: 'failed', text}                          the module did not load, or the program stopped
//
// The module is compiled once, as soon as the page asks (while the learner reads), and every run instantiates it
// afresh: new memory, so no state carries over from a run to the next, while the machine code the engine compiled
// for the hot functions during one run serves the next (a second run of lesson 02 takes a third of the first's
// time, most of which was compiling).
'use strict';

var program = null, compiled = null;

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
  compiled.catch(function (error) { postMessage({ type: 'failed', text: String(error) }); });
}

function run(args) {
  compiled.then(function (module) {
    return rnnlabLesson({
      locateFile: function (name) { return new URL(name, program).href; },
      thisProgram: program.split('/').pop().replace(/\.js$/, ''),  // argv[0], which its messages start with
      instantiateWasm: function (imports, receive) {
        WebAssembly.instantiate(module, imports).then(function (instance) { receive(instance, module); });
        return {};
      },
    });
  }).then(function (lesson) {
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
  if (request.program) {
    try {
      prepare(request.program);
    } catch (error) {
      postMessage({ type: 'failed', text: 'could not load ' + request.program + ': ' + error });
    }
  }
  if (request.args) run(request.args);
};
