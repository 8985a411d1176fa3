//! The one argument parser of xtask's tasks. A task declares its flags as they read in its usage,
//! `"--data DIR"` for a flag with a value, `"--errors"` for a switch, `"[TARGET]"` for one optional
//! argument without a flag, and reads them back typed:
//!
//! ```text
//! let args = Args::new("eval", args, &["--data DIR", "--model FILE", "--errors"])?;
//! let data = args.path("--data").unwrap_or_else(|| root.join("../shared/data"));
//! ```
//!
//! Errors name the task and give its usage; arguments it does not declare are refused. A flag given
//! twice takes its last value.

use std::fmt::Display;
use std::path::PathBuf;
use std::str::FromStr;

/// A task's arguments, read against the flags it declares.
#[derive(Debug)]
pub struct Args<'a> {
    task: &'a str,
    specs: &'a [&'a str],
    /// Flags given with their values, in order (a switch has none).
    given: Vec<(&'a str, Option<String>)>,
    positional: Option<String>,
}

impl<'a> Args<'a> {
    /// Reads `args`, the command line after the task's name, against `specs`.
    pub fn new(task: &'a str, args: &[String], specs: &'a [&'a str]) -> Result<Args<'a>, String> {
        let mut parsed = Args { task, specs, given: Vec::new(), positional: None };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let spec = specs.iter().find(|spec| spec.starts_with("--") && flag_name(spec) == arg);
            match spec {
                Some(spec) if spec.contains(' ') => {
                    let placeholder = &spec[arg.len() + 1..];
                    let value =
                        args.next().ok_or_else(|| parsed.error(format!("{arg} needs {placeholder}")))?;
                    parsed.given.push((flag_name(spec), Some(value.clone())));
                }
                Some(spec) => parsed.given.push((spec, None)),
                None if !arg.starts_with('-') && parsed.positional.is_none() && parsed.takes_positional() => {
                    parsed.positional = Some(arg.clone());
                }
                None => return Err(parsed.error(format!("unexpected argument {arg:?}"))),
            }
        }
        Ok(parsed)
    }

    /// `message` as an error of this task, with its usage.
    pub fn error(&self, message: impl Display) -> String {
        let flags: String =
            self.specs.iter().map(|spec| format!(" [{}]", spec.trim_matches(['[', ']']))).collect();
        format!("{}: {message}; usage: cargo xtask {}{flags}", self.task, self.task)
    }

    /// Whether the switch `name` was given.
    pub fn switch(&self, name: &str) -> bool {
        self.declared(name, false);
        self.given.iter().any(|(given, _)| *given == name)
    }

    /// The last value given to the flag `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.declared(name, true);
        self.given.iter().rev().find(|(given, _)| *given == name).and_then(|(_, value)| value.as_deref())
    }

    /// The last value given to the flag `name`, as a path.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.value(name).map(PathBuf::from)
    }

    /// The last value given to the flag `name`, as a number (or any type parsed from text).
    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.value(name)
            .map(|value| {
                value.parse().map_err(|_| self.error(format!("{name} needs a number, got {value:?}")))
            })
            .transpose()
    }

    /// The argument given without a flag, if the task declares one.
    pub fn positional(&self) -> Option<&str> {
        self.positional.as_deref()
    }

    /// Whether the task declares an argument without a flag.
    fn takes_positional(&self) -> bool {
        self.specs.iter().any(|spec| spec.starts_with('['))
    }

    /// Panics if the task reads a flag it does not declare, or reads it as what it is not: a typo
    /// in xtask, not in the command line.
    fn declared(&self, name: &str, with_value: bool) {
        let declared =
            self.specs.iter().any(|spec| flag_name(spec) == name && spec.contains(' ') == with_value);
        assert!(declared, "xtask {} reads {name}, which it does not declare as such", self.task);
    }
}

/// `"--data"` of `"--data DIR"`.
fn flag_name(spec: &str) -> &str {
    spec.split(' ').next().unwrap_or(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [&str; 4] = ["[TARGET]", "--data DIR", "--seed N", "--errors"];

    fn parse(args: &[&str]) -> Result<Args<'static>, String> {
        let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        Args::new("task", &args, &SPECS)
    }

    #[test]
    fn reads_values_switches_and_the_positional_argument_in_any_order() {
        let args = parse(&["--seed", "7", "text", "--errors", "--data", "../d", "--seed", "8"]).unwrap();
        assert_eq!(args.path("--data"), Some(PathBuf::from("../d")));
        assert_eq!(args.number::<u64>("--seed"), Ok(Some(8)), "the last value wins");
        assert!(args.switch("--errors"));
        assert_eq!(args.positional(), Some("text"));

        let none = parse(&[]).unwrap();
        assert_eq!((none.value("--data"), none.number::<u64>("--seed")), (None, Ok(None)));
        assert!(!none.switch("--errors"));
        assert_eq!(none.positional(), None);
    }

    #[test]
    fn errors_name_the_task_and_list_its_flags() {
        let usage = "usage: cargo xtask task [TARGET] [--data DIR] [--seed N] [--errors]";
        assert_eq!(
            parse(&["--port", "80"]).unwrap_err(),
            format!("task: unexpected argument \"--port\"; {usage}")
        );
        assert_eq!(parse(&["a", "b"]).unwrap_err(), format!("task: unexpected argument \"b\"; {usage}"));
        assert_eq!(parse(&["--data"]).unwrap_err(), format!("task: --data needs DIR; {usage}"));
        let seed = parse(&["--seed", "x"]).unwrap().number::<u64>("--seed");
        assert_eq!(seed, Err(format!("task: --seed needs a number, got \"x\"; {usage}")));
        let no_flags = Args::new("dist", &["--fast".to_string()], &[]).unwrap_err();
        assert_eq!(no_flags, "dist: unexpected argument \"--fast\"; usage: cargo xtask dist");
        let no_positional = Args::new("eval", &["x".to_string()], &["--errors"]).unwrap_err();
        assert_eq!(no_positional, "eval: unexpected argument \"x\"; usage: cargo xtask eval [--errors]");
    }

    #[test]
    #[should_panic(expected = "does not declare")]
    fn reading_an_undeclared_flag_is_a_bug_in_xtask() {
        parse(&[]).unwrap().switch("--seed");
    }
}
