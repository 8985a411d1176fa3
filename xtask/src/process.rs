//! The one way xtask runs another program: [`command`] builds a [`Step`] that runs from the
//! repository root; [`Step::run`] echoes it and lets it print, [`Step::output`] captures what it
//! prints. Either fails with a message that names the command line.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

/// A program with its arguments, run from the repository root unless [`Step::dir`] says otherwise.
pub struct Step {
    command: Command,
    /// The command line as echoed and as named in errors (with its directory when not the root).
    shown: String,
}

/// `program` with `args`, to run from the repository root.
pub fn command<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: impl IntoIterator<Item = S>) -> Step {
    let mut step =
        Step { command: Command::new(&program), shown: program.as_ref().to_string_lossy().into_owned() };
    step.command.current_dir(crate::repo_root());
    for arg in args {
        step = step.arg(arg);
    }
    step
}

impl Step {
    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Step {
        self.shown.push(' ');
        self.shown.push_str(&arg.as_ref().to_string_lossy());
        self.command.arg(arg);
        self
    }

    /// Runs it from `dir` instead of the repository root.
    pub fn dir(mut self, dir: &Path) -> Step {
        let shown_dir = dir.strip_prefix(crate::repo_root()).unwrap_or(dir);
        self.shown = format!("{} (in {})", self.shown, shown_dir.display());
        self.command.current_dir(dir);
        self
    }

    /// Sets an environment variable for it.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Step {
        self.command.env(key, value);
        self
    }

    /// Echoes it, then runs it with the terminal's input and output; fails if it fails.
    pub fn run(mut self) -> Result<(), String> {
        eprintln!("xtask: running {}", self.shown);
        let status = self.command.status().map_err(|e| format!("cannot start {}: {e}", self.shown))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} failed ({status})", self.shown))
        }
    }

    /// Runs it quietly and returns its standard output as text (invalid UTF-8 replaced); fails if
    /// it fails, with what it wrote to standard error.
    pub fn output(self) -> Result<String, String> {
        self.output_bytes().map(|stdout| String::from_utf8_lossy(&stdout).into_owned())
    }

    /// Runs it quietly and returns its standard output as it is; fails as [`Step::output`] does.
    pub fn output_bytes(mut self) -> Result<Vec<u8>, String> {
        let Output { status, stdout, stderr } =
            self.command.output().map_err(|e| format!("cannot start {}: {e}", self.shown))?;
        if status.success() {
            return Ok(stdout);
        }
        let stderr = String::from_utf8_lossy(&stderr);
        let stderr = stderr.trim_end();
        if stderr.is_empty() {
            Err(format!("{} failed ({status})", self.shown))
        } else {
            Err(format!("{} failed ({status}):\n{stderr}", self.shown))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_captured_from_the_directory_asked_for() {
        let output = command("sh", ["-c", "echo \"$GREETING from $(basename \"$PWD\")\"; echo noise >&2"])
            .env("GREETING", "hello")
            .dir(&crate::repo_root().join("xtask"))
            .output();
        assert_eq!(output.as_deref(), Ok("hello from xtask\n"));
        let bytes = command("printf", ["\\377\\000"]).output_bytes();
        assert_eq!(bytes, Ok(vec![0xff, 0]));
    }

    #[test]
    fn a_command_that_fails_is_named_with_what_it_wrote_to_standard_error() {
        let error = command("sh", ["-c", "echo broken >&2; exit 3"]).output().unwrap_err();
        assert!(error.starts_with("sh -c echo broken >&2; exit 3 failed ("), "{error}");
        assert!(error.ends_with("3):\nbroken"), "{error}");
        let error = command("sh", ["-c", "exit 4"]).dir(Path::new("/")).run().unwrap_err();
        assert!(error.starts_with("sh -c exit 4 (in /) failed ("), "{error}");
        let error = command("no-such-program-xtask", ["--version"]).run().unwrap_err();
        assert!(error.starts_with("cannot start no-such-program-xtask --version: "), "{error}");
    }
}
