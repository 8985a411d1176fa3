//! `cargo xtask fuzz [TARGET] [--seconds N]` and the fuzz step of `cargo xtask test`: the targets
//! of fuzz/ (one per entry point: text, custom-entities JSON, the `--jsonl` stream) under
//! cargo-fuzz, installed when missing. They build on the stable toolchain because they run
//! without a sanitizer (`--sanitizer none`), the one part of cargo-fuzz that needs nightly; the
//! library forbids unsafe code, so a sanitizer would watch only its dependencies. See fuzz/README.md.

use crate::args::Args;
use crate::process::command;

/// The cargo-fuzz release installed when missing.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Each fuzz target (fuzz/fuzz_targets/NAME.rs, seeds in fuzz/corpus/NAME) and the number of
/// inputs of its smoke run, sized to take about 20 s on a loaded two-core machine.
const TARGETS: [(&str, u32); 3] = [("text", 15_000), ("entities_json", 150_000), ("jsonl", 50_000)];

/// libFuzzer options of smoke runs besides the number of inputs: a fixed seed, so that a fresh
/// checkout (as in CI) tries the same inputs every time and a failure there fails again on a rerun,
/// and no line per new input, only the totals.
const SMOKE_OPTIONS: [&str; 3] = ["-seed=1", "-verbosity=0", "-print_final_stats=1"];

/// `cargo xtask fuzz [TARGET] [--seconds N]`: a smoke run of every target (or of TARGET), or N
/// seconds of each from a random seed. New inputs that reach new code are kept under
/// fuzz/target/corpus/; inputs that fail a target are written to fuzz/artifacts/TARGET/.
pub fn run(args: &[String]) -> Result<(), String> {
    let names: Vec<&str> = TARGETS.iter().map(|&(target, _)| target).collect();
    let target_spec = format!("[{}]", names.join("|"));
    let specs = [target_spec.as_str(), "--seconds N"];
    let args = Args::new("fuzz", args, &specs)?;
    let chosen = args.positional();
    if let Some(name) = chosen.filter(|name| !names.contains(name)) {
        return Err(args.error(format!("no fuzz target {name:?}")));
    }
    let seconds: Option<u32> = args.number("--seconds")?;
    ensure_cxx()?;
    ensure_cargo_fuzz()?;
    for (target, smoke_runs) in TARGETS {
        if chosen.is_some_and(|name| name != target) {
            continue;
        }
        let options: Vec<String> = match seconds {
            Some(seconds) => vec![format!("-max_total_time={seconds}")],
            None => std::iter::once(format!("-runs={smoke_runs}"))
                .chain(SMOKE_OPTIONS.map(String::from))
                .collect(),
        };
        fuzz(target, &options)?;
    }
    Ok(())
}

/// Runs `target` from the inputs kept so far and its seeds, with libFuzzer `options`.
fn fuzz(target: &str, options: &[String]) -> Result<(), String> {
    let kept = format!("fuzz/target/corpus/{target}");
    let seeds = format!("fuzz/corpus/{target}");
    let kept_path = crate::repo_root().join(&kept);
    std::fs::create_dir_all(&kept_path).map_err(|e| format!("cannot create {}: {e}", kept_path.display()))?;
    // The first corpus directory receives the new inputs, so the committed seeds stay as they are.
    let mut args = vec!["fuzz", "run", "--sanitizer", "none", target, &kept, &seeds, "--"];
    args.extend(options.iter().map(String::as_str));
    command("cargo", &args).run()
}

/// libfuzzer-sys compiles libFuzzer, which is C++, with `$CXX` or `c++`.
fn ensure_cxx() -> Result<(), String> {
    let compiler = std::env::var("CXX").unwrap_or_else(|_| "c++".to_string());
    command(&compiler, ["--version"]).output().map(drop).map_err(|_| {
        format!("the fuzz targets need a C++ compiler ({compiler}) to build libFuzzer: install g++")
    })
}

/// Installs cargo-fuzz at [`CARGO_FUZZ_VERSION`] unless that version is there.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = command("cargo", ["fuzz", "--version"]).output();
    let wanted = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if installed.is_ok_and(|output| output.trim() == wanted) {
        return Ok(());
    }
    command("cargo", ["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"]).run()
}
