//! Entry point. In the browser (wasm32 with feature `web`) it mounts the app; natively it is
//! the command line (`skein analyze ...`), a second consumer of the same core.

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    skein::ui::mount();
}

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
mod cli;

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}
