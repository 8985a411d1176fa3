//! Serving `dist/`: `cargo xtask serve`, and the browser half of `cargo xtask test`, which serves a
//! fresh `dist/` to the page tests.

use std::net::TcpListener;

use super::tools::{ensure_chromium, ensure_wasm_bindgen, ensure_wasm_target, CHROMEDRIVER, CHROMIUM};
use super::{dist, static_server, target_dir, WASM_TARGET};
use crate::args::Args;
use crate::process::command;

/// `cargo xtask serve [--port N]`: builds `dist/` and serves it on http://127.0.0.1:8080 (or N, or `$PORT`).
pub fn serve(args: &[String]) -> Result<(), String> {
    let args = Args::new("serve", args, &["--port N"])?;
    let port = match args.number("--port")? {
        Some(port) => port,
        None => {
            let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
            port.parse().map_err(|_| format!("invalid port {port:?} in $PORT"))?
        }
    };
    dist()?;
    let listener =
        TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    println!("Serving dist/ on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    static_server::run(listener, crate::repo_root().join("dist"));
    Ok(())
}

/// The browser tests: tests/wasm.rs in headless Chromium, then the page tests (tests/e2e) against a
/// fresh `dist/` served on a free port.
pub fn test() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_chromium()?;
    // The workspace's clippy run is native: src/wasm.rs and tests/wasm.rs exist only for wasm32.
    command("cargo", ["clippy", "--target", WASM_TARGET, "--lib", "--test", "wasm", "--", "-D", "warnings"])
        .run()?;
    command("cargo", ["test", "--target", WASM_TARGET, "--test", "wasm"])
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .run()?;

    dist()?;
    command("cargo", ["build", "--release", "--bin", "article-analyzer"]).run()?;
    let root = crate::repo_root();
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let site = root.join("dist");
    std::thread::spawn(move || static_server::run(listener, site));
    let cli = target_dir().join("release/article-analyzer");
    command(
        "node",
        [
            "--test",
            "--test-reporter=spec",
            "page.test.mjs",
            "highlight.test.mjs",
            "prosemirror.test.mjs",
            "quill.test.mjs",
            "package.test.mjs",
            "demo.test.mjs",
            "jsonld.test.mjs",
        ],
    )
    .dir(&root.join("tests/e2e"))
    .env("E2E_BASE_URL", format!("http://{address}/"))
    .env("E2E_DIST", root.join("dist"))
    .env("E2E_CLI", &cli)
    .env("E2E_CHROMIUM", CHROMIUM)
    .run()
}
