//! The JSON Lines stream of the CLI's `--jsonl`, for archives: one `{"id": .., "text": ..}` object a
//! line in, one `{"id": .., "sentences": .., "entities": .., "groups": .., "quotes": ..}` line out, in order,
//! offsets in UTF-16 code units. `id` is echoed byte for byte (any JSON value, or absent); blank
//! lines are skipped; a UTF-8 byte order mark before the first line is skipped. Memory does not grow
//! with the number of lines. [`analyze_lines`] reads a line once the result of the one before it is
//! flushed; natively, [`analyze_lines_in_parallel`] analyses lines on several threads and writes the
//! same bytes.

use std::fmt;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{Analysis, Analyzer};

/// Why a stream stopped: a line that is not valid UTF-8 or not a JSON object with a `text`, or a
/// failure to read or write.
///
/// Opaque: [`Display`](fmt::Display) says what went wrong, and where.
#[derive(Debug)]
pub struct JsonlError {
    line: Option<usize>,
    message: String,
}

impl JsonlError {
    /// The number of the input line at fault (from 1), if a line was.
    pub fn line(&self) -> Option<usize> {
        self.line
    }
}

impl fmt::Display for JsonlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsonlError {}

/// One input line.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    text: String,
}

/// One output line.
#[derive(Serialize)]
struct Output<'a> {
    id: Option<&'a RawValue>,
    #[serde(flatten)]
    analysis: &'a Analysis,
}

/// Analyses each line of `input` and writes its result line to `output`, flushing after each.
/// Stops at the first bad line, having written the results of the lines before it.
pub fn analyze_lines(
    analyzer: &Analyzer,
    mut input: impl BufRead,
    mut output: impl Write,
) -> Result<(), JsonlError> {
    let mut line = Vec::new();
    let mut result = Vec::new();
    for number in 1.. {
        line.clear();
        if !read_line(&mut input, &mut line)? {
            break;
        }
        result.clear();
        analyze_line(analyzer, number, &line, &mut result)?;
        if !result.is_empty() {
            write_flushed(&mut output, &result)?;
        }
    }
    Ok(())
}

/// Reads the next line of `input`, its `\n` included, into `line`; false at the end of the input.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> Result<bool, JsonlError> {
    let read = input.read_until(b'\n', line).map_err(|e| io_error("read the input", e))?;
    Ok(read > 0)
}

/// Writes `bytes` to `output` and flushes it.
fn write_flushed(output: &mut impl Write, bytes: &[u8]) -> Result<(), JsonlError> {
    output.write_all(bytes).and_then(|()| output.flush()).map_err(|e| io_error("write the output", e))
}

fn io_error(what: &str, e: std::io::Error) -> JsonlError {
    JsonlError { line: None, message: format!("cannot {what}: {e}") }
}

/// Appends the result line of input line `number`, `line`, to `result`: nothing for a blank line.
fn analyze_line(
    analyzer: &Analyzer,
    number: usize,
    line: &[u8],
    result: &mut Vec<u8>,
) -> Result<(), JsonlError> {
    let at_line = |message: String| JsonlError { line: Some(number), message };
    let text = std::str::from_utf8(line)
        .map_err(|e| at_line(format!("not valid UTF-8 (invalid byte at column {})", e.valid_up_to() + 1)))?;
    let text = if number == 1 { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
    if text.trim().is_empty() {
        return Ok(());
    }
    // serde would also take the fields in order from an array (`[1, "text"]`).
    if !text.trim_start().starts_with('{') {
        return Err(at_line("not a JSON object {\"id\": .., \"text\": ..}".to_string()));
    }
    let document: Document =
        serde_json::from_str(text).map_err(|e| at_line(format!("malformed JSON line: {e}")))?;
    let analysis = analyzer.analyze(&document.text).into_utf16(&document.text);
    serde_json::to_writer(&mut *result, &Output { id: document.id, analysis: &analysis })
        .map_err(|e| io_error("write the output", e.into()))?;
    result.push(b'\n');
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
pub use parallel::analyze_lines_in_parallel;

/// The stream on several threads (native only: wasm has no threads to start).
///
/// The calling thread hands lines to `threads` workers and writes their results in input order; a
/// thread of its own reads the input, at most a window of lines ahead of the output, so that a
/// result is written while the next line is awaited, and a bad line stops the stream at once.
#[cfg(not(target_arch = "wasm32"))]
mod parallel {
    use std::any::Any;
    use std::collections::BTreeMap;
    use std::io::{BufRead, Write};
    use std::num::NonZeroUsize;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Arc, Mutex, PoisonError};
    use std::thread;

    use super::{analyze_line, io_error, read_line, JsonlError};
    use crate::Analyzer;

    /// Lines in flight (read, and not yet written) per thread: enough that a long line does not
    /// leave the other threads idle for long, few enough that memory is a few lines' worth.
    const WINDOW_PER_THREAD: NonZeroUsize = NonZeroUsize::new(8).unwrap();

    /// What reaches the writing thread, from the reader or a worker.
    enum Event {
        /// The next line and its number, `None` at the end of the input.
        Read(Result<Option<(usize, Vec<u8>)>, JsonlError>),
        /// The result of the line at a place in the stream (from 0).
        Done(usize, Result<Vec<u8>, JsonlError>),
        /// A reader or worker panicked: the stream panics with it.
        Panicked(Box<dyn Any + Send>),
    }

    /// A line read and not yet written: the window's count, and the most it held at once.
    #[derive(Default)]
    pub(super) struct InFlight {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    impl InFlight {
        fn add(&self) {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(now, Ordering::SeqCst);
        }

        fn remove(&self) {
            self.now.fetch_sub(1, Ordering::SeqCst);
        }

        /// The most lines in flight at once so far.
        #[cfg(test)]
        pub(super) fn max(&self) -> usize {
            self.max.load(Ordering::SeqCst)
        }
    }

    /// [`analyze_lines`](super::analyze_lines) on `threads` threads: the same output, byte for
    /// byte, and the same error for the same line, after the results of every line before it.
    /// Each result is written in input order as soon as it and those before it are done, and the
    /// output is flushed before the stream waits; at most `8 * threads` lines are read ahead of the
    /// output, so memory is bounded by a few lines, not by the length of the stream.
    ///
    /// The input is read on a thread of its own (hence `Send + 'static`). If the stream stops
    /// while that thread waits for input, it is left to end when its read returns, without reading
    /// further.
    pub fn analyze_lines_in_parallel(
        analyzer: &Analyzer,
        input: impl BufRead + Send + 'static,
        output: impl Write,
        threads: NonZeroUsize,
    ) -> Result<(), JsonlError> {
        let window = threads.saturating_mul(WINDOW_PER_THREAD);
        analyze_in_window(analyzer, input, output, threads, window, &Arc::default())
    }

    /// The stream with at most `window` lines in flight, counted in `in_flight`.
    pub(super) fn analyze_in_window(
        analyzer: &Analyzer,
        input: impl BufRead + Send + 'static,
        mut output: impl Write,
        threads: NonZeroUsize,
        window: NonZeroUsize,
        in_flight: &Arc<InFlight>,
    ) -> Result<(), JsonlError> {
        let (events, received) = mpsc::channel();
        // A permit per line the reader may read ahead of the output; one returns per line written.
        let (permits, permit) = mpsc::sync_channel(window.get());
        for _ in 0..window.get() {
            permits.send(()).map_err(|_| stopped())?;
        }
        let reader = (events.clone(), Arc::clone(in_flight));
        thread::Builder::new()
            .name("jsonl reader".into())
            .spawn(move || {
                let (events, in_flight) = reader;
                if let Err(panic) =
                    panic::catch_unwind(AssertUnwindSafe(|| read(input, &permit, &events, &in_flight)))
                {
                    let _ = events.send(Event::Panicked(panic));
                }
            })
            .map_err(cannot_start)?;
        let (jobs, queue) = mpsc::channel::<(usize, usize, Vec<u8>)>();
        let queue = Mutex::new(queue);
        thread::scope(|scope| {
            // Moved in: however the writer stops, the workers see the queue close and end.
            let jobs = jobs;
            for _ in 0..threads.get() {
                let (events, queue) = (events.clone(), &queue);
                let work = move || loop {
                    let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((place, number, line)) = job else { break };
                    let event = match panic::catch_unwind(AssertUnwindSafe(|| {
                        let mut result = Vec::new();
                        analyze_line(analyzer, number, &line, &mut result).map(|()| result)
                    })) {
                        Ok(result) => Event::Done(place, result),
                        Err(panic) => Event::Panicked(panic),
                    };
                    if events.send(event).is_err() {
                        break;
                    }
                };
                thread::Builder::new()
                    .name("jsonl worker".into())
                    .spawn_scoped(scope, work)
                    .map_err(cannot_start)?;
            }
            drop(events);
            // Results waiting for their turn, by place; `read` lines have come, `written` are done.
            let mut done = BTreeMap::new();
            let (mut read, mut written, mut ended) = (0, 0, false);
            while !(ended && written == read) {
                match received.recv().map_err(|_| stopped())? {
                    Event::Read(Ok(Some((number, line)))) => {
                        jobs.send((read, number, line)).map_err(|_| stopped())?;
                        read += 1;
                    }
                    Event::Read(Ok(None)) => ended = true,
                    Event::Read(Err(error)) => {
                        done.insert(read, Err(error));
                        (read, ended) = (read + 1, true);
                    }
                    Event::Done(place, result) => {
                        done.insert(place, result);
                    }
                    Event::Panicked(panic) => panic::resume_unwind(panic),
                }
                let before = written;
                while let Some(result) = done.remove(&written) {
                    let result = result?;
                    output.write_all(&result).map_err(|e| io_error("write the output", e))?;
                    written += 1;
                    in_flight.remove();
                    // Refused only once the reader has stopped, at the end of the input or a failed read.
                    let _ = permits.send(());
                }
                if written > before {
                    output.flush().map_err(|e| io_error("write the output", e))?;
                }
            }
            Ok(())
        })
    }

    /// The reading thread: takes a permit, reads a line and sends it on, until the input ends or
    /// fails, or the stream stops.
    fn read(
        mut input: impl BufRead,
        permit: &mpsc::Receiver<()>,
        events: &mpsc::Sender<Event>,
        in_flight: &InFlight,
    ) {
        for number in 1.. {
            if permit.recv().is_err() {
                return;
            }
            let mut line = Vec::new();
            let event = match read_line(&mut input, &mut line) {
                Ok(true) => {
                    in_flight.add();
                    Ok(Some((number, line)))
                }
                Ok(false) => Ok(None),
                Err(error) => Err(error),
            };
            let last = !matches!(event, Ok(Some(_)));
            if events.send(Event::Read(event)).is_err() || last {
                return;
            }
        }
    }

    fn cannot_start(e: std::io::Error) -> JsonlError {
        JsonlError { line: None, message: format!("cannot start a thread: {e}") }
    }

    /// A thread of the stream stopped before its time (it cannot without a panic, which is passed on).
    fn stopped() -> JsonlError {
        JsonlError { line: None, message: "a thread of the stream stopped".to_string() }
    }

    #[cfg(test)]
    mod tests {
        use std::io::{self, BufReader, Cursor, Read};
        use std::time::Duration;

        use super::super::analyze_lines;
        use super::*;

        const SENTENCES: [&str; 6] = [
            "Satya Nadella met Sundar Pichai in Oslo on Tuesday.",
            "Prices rose 20% in 2019, the U.S. Commerce Department said.",
            "Nordvik Shipping agreed to buy Harbor Freight Lines for $1.2 billion.",
            "\u{1f600} Emoji first, then \"quotes\" and caf\u{e9} au lait.",
            "OSLO 1996-08-22",
            "Mr. Smith went to Washington.",
        ];

        /// `count` lines of 1 to 40 sentences each (so that threads finish out of order), every
        /// kind of id, a blank line now and then, and a byte order mark first.
        fn many_lines(count: usize) -> String {
            let mut lines = String::from("\u{feff}");
            for n in 0..count {
                let text: Vec<&str> =
                    (0..n * 7 % 40 + 1).map(|i| SENTENCES[(n + i) % SENTENCES.len()]).collect();
                let text = text.join(if n % 2 == 0 { " " } else { "\n" });
                let line = match n % 4 {
                    0 => serde_json::json!({ "id": n, "text": text }),
                    1 => serde_json::json!({ "id": format!("doc-{n}"), "text": text }),
                    2 => serde_json::json!({ "text": text }),
                    _ => serde_json::json!({ "id": { "feed": "wire", "n": [n, 2.5] }, "text": text }),
                };
                lines.push_str(&format!("{line}\n"));
                if n % 10 == 9 {
                    lines.push_str("  \n");
                }
            }
            lines
        }

        /// The single-thread stream's output and outcome, as text.
        fn single(input: &[u8]) -> (String, Result<(), String>) {
            let mut output = Vec::new();
            let outcome = analyze_lines(&Analyzer::new(), input, &mut output);
            (String::from_utf8(output).expect("UTF-8 output"), outcome.map_err(|e| e.to_string()))
        }

        /// The threaded stream's output and outcome, as text, and the most lines it had in flight.
        fn threaded(
            input: impl BufRead + Send + 'static,
            threads: usize,
            window: usize,
        ) -> (String, Result<(), String>, usize) {
            let (threads, window) = (NonZeroUsize::new(threads).unwrap(), NonZeroUsize::new(window).unwrap());
            let in_flight = Arc::default();
            let mut output = Vec::new();
            let outcome =
                analyze_in_window(&Analyzer::new(), input, &mut output, threads, window, &in_flight);
            let output = String::from_utf8(output).expect("UTF-8 output");
            (output, outcome.map_err(|e| e.to_string()), in_flight.max())
        }

        #[test]
        fn every_thread_count_and_window_writes_what_one_thread_writes() {
            let input = many_lines(120);
            let (expected, outcome) = single(input.as_bytes());
            assert_eq!(outcome, Ok(()));
            assert_eq!(expected.lines().count(), 120);
            for (threads, window) in [(1, 1), (1, 8), (2, 1), (2, 3), (2, 16), (4, 5), (4, 32), (8, 64)] {
                let (output, outcome, most) = threaded(Cursor::new(input.clone()), threads, window);
                assert_eq!(outcome, Ok(()), "{threads} threads, window {window}");
                assert!(output == expected, "{threads} threads, window {window}: output differs");
                assert!((1..=window).contains(&most), "{most} lines in flight, window {window}");
            }
            assert_eq!(threaded(Cursor::new(""), 4, 8).0, "");
            let public = analyze_lines_in_parallel(
                &Analyzer::new(),
                Cursor::new(input),
                Vec::new(),
                NonZeroUsize::MIN,
            );
            assert!(public.is_ok());
        }

        #[test]
        fn a_bad_line_stops_every_thread_count_where_one_thread_stops() {
            let lines = many_lines(60);
            let mut lines: Vec<&[u8]> = lines.as_bytes().split_inclusive(|&b| b == b'\n').collect();
            for bad in [
                &b"{\"id\": 1, \"text\": }\n"[..],
                b"[1, \"text\"]\n",
                b"{\"text\": \"caf\xe9\"}\n",
                b"{\"id\": 3}",
            ] {
                lines[40] = bad;
                let input = lines.concat();
                let (expected, outcome) = single(&input);
                let error = outcome.expect_err("a bad line");
                assert!(error.starts_with("line 41: "), "{error}");
                assert_eq!(expected.lines().count(), 37, "the results of the lines before it");
                for (threads, window) in [(1, 1), (2, 2), (2, 16), (4, 32)] {
                    let (output, outcome, _) = threaded(Cursor::new(input.clone()), threads, window);
                    assert_eq!(outcome.as_ref(), Err(&error), "{threads} threads, window {window}");
                    assert!(output == expected, "{threads} threads, window {window}: output differs");
                }
            }
        }

        /// Fails every read.
        struct Failing;

        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk gone"))
            }
        }

        #[test]
        fn a_failing_input_stops_after_the_lines_read_before_it() {
            let input = many_lines(30);
            let read = || BufReader::new(Cursor::new(input.clone().into_bytes()).chain(Failing));
            let (expected, outcome) = single(input.as_bytes());
            assert_eq!(outcome, Ok(()));
            let mut single_output = Vec::new();
            let error = analyze_lines(&Analyzer::new(), read(), &mut single_output).unwrap_err().to_string();
            assert_eq!(error, "cannot read the input: disk gone");
            assert_eq!(String::from_utf8(single_output).unwrap(), expected);
            for threads in [1, 2, 4] {
                let (output, outcome, _) = threaded(read(), threads, 4);
                assert_eq!(outcome, Err(error.clone()), "{threads} threads");
                assert!(output == expected, "{threads} threads: output differs");
            }
        }

        /// Input lines, counting those the stream has taken (read to their end).
        struct Counted {
            lines: Vec<Vec<u8>>,
            offset: usize,
            taken: Arc<AtomicUsize>,
        }

        impl Read for Counted {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                let count = self.fill_buf()?.read(buffer)?;
                self.consume(count);
                Ok(count)
            }
        }

        impl BufRead for Counted {
            fn fill_buf(&mut self) -> io::Result<&[u8]> {
                let taken = self.taken.load(Ordering::SeqCst);
                Ok(self.lines.get(taken).map_or(&[], |line| &line[self.offset..]))
            }

            fn consume(&mut self, count: usize) {
                self.offset += count;
                let taken = self.taken.load(Ordering::SeqCst);
                if self.lines.get(taken).is_some_and(|line| self.offset == line.len()) {
                    self.offset = 0;
                    self.taken.fetch_add(1, Ordering::SeqCst);
                }
            }
        }

        /// Output that checks, at each line written, how far ahead of it the input has been taken;
        /// its first line waits until the input is `window` lines ahead.
        struct Watch {
            taken: Arc<AtomicUsize>,
            window: usize,
            written: usize,
            most_ahead: usize,
        }

        impl Write for Watch {
            fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
                while self.written == 0 && self.taken.load(Ordering::SeqCst) < self.window {
                    thread::sleep(Duration::from_millis(1));
                }
                let ahead = self.taken.load(Ordering::SeqCst) - self.written;
                self.most_ahead = self.most_ahead.max(ahead);
                self.written += bytes.iter().filter(|&&b| b == b'\n').count();
                Ok(bytes.len())
            }

            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        #[test]
        fn the_input_is_read_at_most_a_window_ahead_of_the_output() {
            for (threads, window) in [(1, 1), (2, 3), (4, 4), (2, 16)] {
                let taken = Arc::new(AtomicUsize::new(0));
                let lines = (0..80).map(|n| format!("{{\"id\":{n},\"text\":\"Paris {n}.\"}}\n").into_bytes());
                let input = Counted { lines: lines.collect(), offset: 0, taken: Arc::clone(&taken) };
                let mut output = Watch { taken: Arc::clone(&taken), window, written: 0, most_ahead: 0 };
                let in_flight = Arc::default();
                let (threads, window) =
                    (NonZeroUsize::new(threads).unwrap(), NonZeroUsize::new(window).unwrap());
                analyze_in_window(&Analyzer::new(), input, &mut output, threads, window, &in_flight)
                    .expect("the stream ends");
                assert_eq!((output.written, taken.load(Ordering::SeqCst)), (80, 80));
                // The first line waited for the window to fill: it is reached, and never passed.
                assert_eq!(output.most_ahead, window.get(), "{threads} threads");
                assert_eq!(in_flight.max(), window.get(), "{threads} threads");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> (String, Result<(), JsonlError>) {
        let mut output = Vec::new();
        let outcome = analyze_lines(&Analyzer::new(), input.as_bytes(), &mut output);
        (String::from_utf8(output).expect("UTF-8 output"), outcome)
    }

    #[test]
    fn each_line_gets_its_id_and_analysis_until_a_bad_line() {
        let (output, outcome) =
            run("\u{feff}{\"id\": [1, \"a\"], \"text\": \"Paris.\"}\n\n{\"text\": \"\"}\n{\"id\": 3}\n");
        let array = run("[1, \"Paris.\"]\n").1.unwrap_err();
        assert_eq!(array.to_string(), "line 1: not a JSON object {\"id\": .., \"text\": ..}");
        assert_eq!(
            output,
            "{\"id\":[1, \"a\"],\"sentences\":[{\"start\":0,\"end\":6}],\"entities\":[{\"start\":0,\"end\":5,\
             \"label\":\"LOC\",\"text\":\"Paris\",\"group\":0,\"confidence\":0.943}],\"groups\":[{\"text\":\"Paris\",\"label\":\"LOC\",\
             \"count\":1,\"first\":0,\"salience\":1.0}],\"quotes\":[]}\n{\"id\":null,\"sentences\":[],\"entities\":[],\"groups\":[],\"quotes\":[]}\n"
        );
        let error = outcome.unwrap_err();
        assert_eq!(error.line(), Some(4));
        assert!(
            error.to_string().starts_with("line 4: malformed JSON line: missing field `text`"),
            "{error}"
        );
    }

    #[test]
    fn invalid_utf8_names_its_line_and_column() {
        let mut output = Vec::new();
        let error = analyze_lines(
            &Analyzer::new(),
            &b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n"[..],
            &mut output,
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "line 2: not valid UTF-8 (invalid byte at column 14)");
        assert_eq!(output.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}
