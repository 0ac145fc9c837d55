//! Entry point. In the browser (wasm32 with feature `web`) it mounts the app.

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    skein::ui::mount();
}

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    eprintln!("skein: the viewer runs in the browser (build it with trunk); see README.md");
}
