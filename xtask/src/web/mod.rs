//! The browser side: `cargo xtask dist` (static site, single file, custom element, npm and Node
//! packages, in [`bundle`]), `cargo xtask serve` and the browser half of `cargo xtask test` (in
//! [`serve`], with the [`static_server`]). Each installs what it needs when missing ([`tools`]).

use std::path::{Path, PathBuf};

mod bundle;
mod serve;
mod static_server;
mod tools;

pub use bundle::{dist, site_file};
pub use serve::{serve, test};

/// The target of the browser build.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Cargo's target directory (`$CARGO_TARGET_DIR`, relative to the repository root, or target/).
pub(crate) fn target_dir() -> PathBuf {
    let root = crate::repo_root();
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

/// The text of the file at `path`.
fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
