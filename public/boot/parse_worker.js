// Skein's parse worker (issue 11): the bootstrap of a Web Worker that runs the app's own wasm.
// The post-build hook (scripts/single_file.mjs) writes the wasm-bindgen glue above these lines
// (as a classic script) and names its init function for __SKEIN_INIT__, into
// dist/parse_worker-<hash>.js (and into a Blob URL inside skein.html). The page's first message hands over the compiled WebAssembly.Module of its
// own wasm (nothing is fetched or compiled again); once instantiated, Rust (ui::parse_worker)
// takes over the messages and says it is ready.
self.onmessage = (ev) => {
  self.onmessage = null;
  __SKEIN_INIT__({ module_or_path: ev.data.module }).catch((e) => {
    // rethrown outside the promise, so the page gets the worker's error event
    setTimeout(() => { throw e; });
  });
};
