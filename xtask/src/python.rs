//! The Python package of `python/`: `cargo xtask wheel` builds its abi3 wheel with maturin (and with
//! `--bench` measures it), and `cargo xtask test` runs its pytest tests against the CLI. Both install
//! what they need from PyPI into a virtual environment under the target directory, at the versions
//! that `python/requirements-dev.txt` pins, and only when those change.

use std::path::{Path, PathBuf};

use crate::args::Args;
use crate::process::command;
use crate::web::target_dir;

/// The pinned requirements of the virtual environment, from the repository root.
const REQUIREMENTS: &str = "python/requirements-dev.txt";

/// `cargo xtask wheel [--bench] [--data DIR]`: builds the wheel into target/wheels and prints its size;
/// `--bench` then measures it on the CoNLL-2003 test documents of DIR (../shared/data).
pub fn wheel(args: &[String]) -> Result<(), String> {
    let args = Args::new("wheel", args, &["--bench", "--data DIR"])?;
    let venv = Venv::ready()?;
    let wheel = venv.build_wheel()?;
    let bytes = std::fs::metadata(&wheel).map_err(|e| format!("cannot read {}: {e}", wheel.display()))?.len();
    println!("{}: {bytes} bytes ({:.2} MB)", wheel.display(), bytes as f64 / 1e6);
    if !args.switch("--bench") {
        return Ok(());
    }
    let data = args.path("--data").unwrap_or_else(|| crate::repo_root().join("../shared/data"));
    let archive = conll_archive(&data)?;
    let cli = build_cli(true)?;
    venv.install(&wheel)?;
    command(
        &venv.python,
        ["python/bench.py".as_ref(), archive.as_os_str(), "--cli".as_ref(), cli.as_os_str()],
    )
    .run()
}

/// The Python package's tests: builds the wheel and the CLI, installs the wheel, runs pytest.
pub fn test() -> Result<(), String> {
    let venv = Venv::ready()?;
    let wheel = venv.build_wheel()?;
    venv.install(&wheel)?;
    let cli = build_cli(false)?;
    command(&venv.python, ["-m", "pytest", "-p", "no:cacheprovider", "-q", "python/tests"])
        .env("ARTICLE_ANALYZER_CLI", cli)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .run()
}

/// The virtual environment of target/python-venv, with the pinned requirements installed.
struct Venv {
    dir: PathBuf,
    python: PathBuf,
}

impl Venv {
    /// Creates the environment with the machine's `python3` (or `$PYTHON`) when missing, and
    /// installs the requirements when they differ from those it last installed.
    fn ready() -> Result<Venv, String> {
        let dir = target_dir().join("python-venv");
        let venv = Venv { python: dir.join("bin/python"), dir };
        if !venv.python.exists() {
            let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
            command(python, ["-m".as_ref(), "venv".as_ref(), venv.dir.as_os_str()]).run()?;
        }
        let root = crate::repo_root();
        let requirements = read(&root.join(REQUIREMENTS))?;
        let stamp = venv.dir.join("xtask-requirements.txt");
        if read(&stamp).ok().as_deref() != Some(requirements.as_str()) {
            command(
                &venv.python,
                ["-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", REQUIREMENTS],
            )
            .run()?;
            std::fs::write(&stamp, requirements)
                .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
        }
        Ok(venv)
    }

    /// Builds the release wheel with maturin into target/wheels (emptied of older ones first) and
    /// returns its path. Cargo builds it in target/python-wheel: pyo3's macros need more features of
    /// shared crates (syn) than the CLI's build, and in one folder each build would undo the other.
    fn build_wheel(&self) -> Result<PathBuf, String> {
        let out = target_dir().join("wheels");
        for old in wheels(&out) {
            std::fs::remove_file(&old).map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
        }
        command(self.dir.join("bin/maturin"), ["build", "--release", "--manifest-path", "python/Cargo.toml"])
            .arg("--interpreter")
            .arg(&self.python)
            .arg("--out")
            .arg(&out)
            .env("CARGO_TARGET_DIR", target_dir().join("python-wheel"))
            .run()?;
        match wheels(&out).as_slice() {
            [wheel] => Ok(wheel.clone()),
            found => Err(format!("maturin built {} wheels into {}, not one", found.len(), out.display())),
        }
    }

    /// Installs `wheel` in place of any earlier build of the package.
    fn install(&self, wheel: &Path) -> Result<(), String> {
        command(&self.python, ["-m", "pip", "install", "--disable-pip-version-check", "-q"])
            .arg("--force-reinstall")
            .arg("--no-deps")
            .arg(wheel)
            .run()
    }
}

/// The package's wheels in `dir`.
fn wheels(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("article_analyzer-") && name.ends_with(".whl"))
        })
        .collect();
    found.sort();
    found
}

/// Builds the CLI and returns its path: the release build, which the bench runs, or the debug build,
/// which the tests compare with (its library is mostly built already for xtask itself).
fn build_cli(release: bool) -> Result<PathBuf, String> {
    let profile = if release { "release" } else { "dev" };
    command("cargo", ["build", "--bin", "article-analyzer", "--profile", profile]).run()?;
    Ok(target_dir().join(if release { "release" } else { "debug" }).join("article-analyzer"))
}

/// Writes the CoNLL-2003 test documents of `data` as an archive of `{"id", "text"}` lines and
/// returns its path.
fn conll_archive(data: &Path) -> Result<PathBuf, String> {
    let documents = crate::conll::read(&data.join("conll2003/test.txt"))?;
    let lines: Vec<String> = documents
        .iter()
        .enumerate()
        .map(|(id, document)| serde_json::json!({"id": id, "text": document.text}).to_string())
        .collect();
    let path = target_dir().join("python-bench/conll-test.jsonl");
    std::fs::create_dir_all(path.parent().expect("a folder"))
        .map_err(|e| format!("cannot create a folder: {e}"))?;
    std::fs::write(&path, lines.join("\n") + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
