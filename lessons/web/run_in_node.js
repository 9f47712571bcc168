// Runs a lesson's WebAssembly build (or run_course's) under Node.js, as the web build does to write the site's
// pages: node run_in_node.js [--mount FOLDER=PATH]... PROGRAM.js [ARGUMENTS...]. The program sees the host's files
// under their own paths through a mount at /host (an --out folder is rewritten to its place there), prints to this
// terminal, and its exit code is this script's; a lesson whose claims do not all hold (exit code 1) still wrote its
// page, so that is reported, not an error.
'use strict';
const fs = require('fs');
const path = require('path');

// --mount FOLDER=PATH (before PROGRAM.js) shows the program FOLDER, relative to PROGRAM.js's folder, at PATH.
const mounts = [];
let rest = process.argv.slice(2);
while (rest[0] === '--mount' && rest.length > 1) {
  mounts.push(rest[1].split('='));
  rest = rest.slice(2);
}
const [program, ...given] = rest;
if (!program) {
  console.error('usage: node run_in_node.js [--mount FOLDER=PATH]... PROGRAM.js [ARGUMENTS...]');
  process.exit(2);
}
// A threaded build (NN_name.threads.js) sizes its thread pool by navigator.hardwareConcurrency, which a browser has
// and Node.js 20 does not.
if (typeof navigator === 'undefined') globalThis.navigator = { hardwareConcurrency: require('os').cpus().length };
const args = given.map((arg, i) => (i > 0 && given[i - 1] === '--out' ? '/host' + path.resolve(arg) : arg));
const createModule = require(path.resolve(program));
createModule({
  // Handing over the bytes keeps Emscripten 3.1 from fetching them, which it would try with Node.js 18's fetch.
  wasmBinary: fs.readFileSync(program.replace(/\.js$/, '.wasm')),
  thisProgram: path.basename(program, '.js'),
  print: (text) => process.stdout.write(text + '\n'),
  printErr: (text) => process.stderr.write(text + '\n'),
}).then((module) => {
  module.FS.mkdir('/host');
  module.FS.mount(module.FS.filesystems.NODEFS, { root: '/' }, '/host');
  for (const [folder, at] of mounts) {
    const root = path.resolve(path.dirname(program), folder);
    fs.mkdirSync(root, { recursive: true });
    module.FS.mkdirTree(at);
    module.FS.mount(module.FS.filesystems.NODEFS, { root: root }, at);
  }
  let code = 1;
  try {
    code = module.callMain(args);
  } catch (error) {
    console.error(path.basename(program) + ': stopped: ' + error);
  }
  if (code === 1 && program.match(/\/\d\d_[^/]*\.js$/)) {
    console.error(path.basename(program) + ': some claims did not hold (see its page)');
    process.exit(0);
  }
  process.exit(code);
}, (error) => {
  console.error(path.basename(program) + ': ' + error);
  process.exit(1);
});
