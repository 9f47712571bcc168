// A service worker that makes the site's pages cross-origin isolated, so that a lesson may run on several threads
// (lessons/web/worker.js picks the threaded build there). A page is isolated when it and the workers it starts are
// served with two headers:
//   Cross-Origin-Opener-Policy: same-origin     (no window of another site shares its process)
//   Cross-Origin-Embedder-Policy: require-corp  (it loads nothing from another site that did not agree to it)
// and only then may it share memory between threads (SharedArrayBuffer), which Emscripten's threads need. Most
// static hosts (python3 -m http.server, the common project-page hosts) send neither; this worker adds both to every
// file of the site as it passes it on. Everything the site loads is its own, so nothing is refused.
// A lesson page registers it (lessons/common/site.cpp) and loads again once it is active.
'use strict';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', function (event) {
  var request = event.request;
  // A request the browser makes only from its cache, for another origin, cannot be passed on from here.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.status === 0) return response;  // an opaque response (another origin): its headers are not ours
    var headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    return new Response(response.body, { status: response.status, statusText: response.statusText,
                                          headers: headers });
  }));
});
