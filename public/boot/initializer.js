// Trunk's loader hooks: a WebAssembly module that fails to load or compile is reported on the
// page (see boot.js) instead of only in the console.
export default function initializer() {
  return {
    onFailure(reason) {
      const text = `its WebAssembly module did not load (${reason}). `
        + 'If you host Skein, serve the .wasm file next to index.html (type application/wasm).';
      window.skeinBootFailed?.(text);
    },
  };
}
