//! The tools the browser side needs, installed when missing and run with the project's settings:
//! the wasm32 target, wasm-bindgen-cli at the version Cargo.lock pins, the npm packages of
//! tests/e2e (wasm-opt from `binaryen`, `playwright-core`), Debian's chromium.

use std::path::Path;

use super::{read, WASM_TARGET};
use crate::process::command;

/// Debian's chromium, which the page tests drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver, which wasm-bindgen-test-runner drives.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Runs wasm-bindgen on `wasm` for `target` (`no-modules`, `web`, `nodejs`), writing
/// `out_dir/out_name.js` and its wasm.
pub fn bindgen(wasm: &Path, target: &str, out_dir: &Path, out_name: &str) -> Result<(), String> {
    let (wasm, out_dir) = (wasm.display().to_string(), out_dir.display().to_string());
    let mut args = vec!["--target", target, "--out-dir", &out_dir, "--out-name", out_name];
    if target == "no-modules" {
        args.push("--no-typescript");
    }
    args.push(&wasm);
    command("wasm-bindgen", &args).run()
}

/// Optimises a wasm file in place with wasm-opt from npm's binaryen (not Debian's, see issue 5).
pub fn wasm_opt(file: &Path) -> Result<(), String> {
    let wasm_opt = crate::repo_root().join("tests/e2e/node_modules/.bin/wasm-opt");
    let file = file.display().to_string();
    let features = [
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
        "--enable-simd",
    ];
    // -O1, not -O3: the higher levels (-O2, -O3, -Os) made the analysis about 20% slower in V8
    // (82 against 68 ms on the CoNLL test text, 2026-11-27) for 0.1% less gzipped size.
    let mut args = vec!["-O1", "--strip-debug", "--strip-producers"];
    args.extend(features);
    args.extend([file.as_str(), "-o", file.as_str()]);
    command(&wasm_opt, &args).run()
}

/// Adds the wasm32 target to the toolchain unless it is there.
pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = command("rustup", ["target", "list", "--installed"]).output()?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    command("rustup", ["target", "add", WASM_TARGET]).run()
}

/// Installs wasm-bindgen-cli (with wasm-bindgen-test-runner) at the version Cargo.lock pins.
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let lock = read(&crate::repo_root().join("Cargo.lock"))?;
    let version = locked_version(&lock, "wasm-bindgen").ok_or("Cargo.lock has no wasm-bindgen")?;
    let installed = command("wasm-bindgen", ["--version"]).output().unwrap_or_default();
    if installed.trim() == format!("wasm-bindgen {version}") {
        return Ok(());
    }
    // Not --locked: the registry lacks one of its locked dependencies (see issue 5).
    command("cargo", ["install", "wasm-bindgen-cli", "--version", &version]).run()
}

/// The version of `package` in a Cargo.lock.
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            let version = lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// The npm packages of tests/e2e (`npm ci` from the committed package-lock.json).
pub fn ensure_node_packages() -> Result<(), String> {
    let e2e = crate::repo_root().join("tests/e2e");
    let modules = e2e.join("node_modules");
    if modules.join(".bin/wasm-opt").exists() && modules.join("playwright-core/package.json").exists() {
        return Ok(());
    }
    if command("npm", ["--version"]).output().is_err() {
        apt_install(&["nodejs", "npm"])?;
    }
    // playwright-core needs Node.js 20 or later; Debian 12's nodejs is 18.
    let version = command("node", ["--version"]).output()?;
    let major: u32 =
        version.trim().trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        return Err(format!("the browser tests need Node.js 20 or later, found {}", version.trim()));
    }
    command("npm", ["ci", "--no-audit", "--no-fund"]).dir(&e2e).run()
}

/// Installs Debian's chromium and its driver unless they are there.
pub fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Installs Debian `packages` with apt-get.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    command("apt-get", ["update"]).run()?;
    let mut args = vec!["install", "-y"];
    args.extend(packages);
    command("apt-get", &args).env("DEBIAN_FRONTEND", "noninteractive").run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version_of_a_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "serde"), None);
    }
}
