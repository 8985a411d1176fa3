//! The CLI contract: output shape, UTF-16 offsets, `--jsonl` ids and order, `--entities`, and a
//! one-line error with a non-zero exit for every bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs the CLI with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_article-analyzer"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts");
    let mut input = child.stdin.take().expect("piped stdin");
    std::thread::scope(|scope| {
        // Written while the output is read, which a large input needs. The CLI may exit before
        // reading all of stdin (bad arguments, a bad line): a broken pipe is fine.
        scope.spawn(move || {
            let _ = input.write_all(stdin);
        });
        child.wait_with_output().expect("the CLI finishes")
    })
}

/// Asserts that the run failed with exactly one line on stderr, and returns that line.
fn one_line_failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected failure, stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let stderr = String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr");
    let line = stderr.strip_suffix('\n').unwrap_or(&stderr);
    assert!(!line.is_empty() && !line.contains('\n'), "stderr is not one line: {stderr:?}");
    assert!(line.starts_with("article-analyzer: "), "unprefixed error: {line:?}");
    line.to_string()
}

/// The JSON values the CLI printed, one per line.
fn json_lines(output: &Output) -> Vec<Value> {
    assert!(output.status.success(), "CLI failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout");
    stdout.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

/// A file named `name` with `contents` in this test binary's scratch directory.
fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("scratch file written");
    path
}

/// The (text, label) pairs of an analysis's entities.
fn entities(analysis: &Value) -> Vec<(String, String)> {
    analysis["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| (e["text"].as_str().unwrap().to_string(), e["label"].as_str().unwrap().to_string()))
        .collect()
}

const ENTITIES: &str = r#"[
  {"name": "OpenAI", "label": "ORG", "aliases": ["Open AI"]},
  {"name": "Windsurf", "label": "MISC"}
]"#;

#[test]
fn entities_file_tags_and_groups_in_both_modes() {
    let file = scratch_file("entities.json", ENTITIES);
    let file = file.to_str().unwrap();
    let text = "Open AI bought Windsurf. OpenAI’s deal closed.";
    let document = json_lines(&run(&["--entities", file], text.as_bytes()));
    let line = serde_json::json!({ "id": 1, "text": text }).to_string();
    let lines = json_lines(&run(&["--jsonl", &format!("--entities={file}")], line.as_bytes()));
    assert_eq!(document.len(), 1);
    assert_eq!(lines.len(), 1);
    for analysis in [&document[0], &lines[0]] {
        let found = entities(analysis);
        for expected in [("Open AI", "ORG"), ("Windsurf", "MISC"), ("OpenAI", "ORG")] {
            assert!(found.contains(&(expected.0.into(), expected.1.into())), "{expected:?} not in {found:?}");
        }
        let groups = analysis["groups"].as_array().unwrap();
        for entity in analysis["entities"].as_array().unwrap() {
            let group = &groups[entity["group"].as_u64().expect("a group index") as usize];
            assert_eq!(group["label"], entity["label"], "{entity} is in {group}");
            let confidence = entity["confidence"].as_f64().expect("a confidence");
            assert!((0.0..=1.0).contains(&confidence), "{entity}");
            if entity["text"] == "Windsurf" || entity["text"] == "Open AI" {
                assert_eq!(confidence, 1.0, "a custom entity's {entity}");
            }
        }
        let openai =
            groups.iter().find(|g| g["text"] == "OpenAI" && g["label"] == "ORG").expect("OpenAI group");
        assert_eq!(openai["count"], 2);
        assert_eq!(openai["first"], 0);
    }
}

#[test]
fn bad_entities_files_fail_with_one_line() {
    let missing = one_line_failure(&run(&["--entities", "/nonexistent/entities.json"], b"text"));
    assert!(missing.contains("/nonexistent/entities.json"), "{missing}");
    let malformed = scratch_file("malformed.json", r#"[{"name": "OpenAI", "label": "ORG"#);
    let message = one_line_failure(&run(&["--entities", malformed.to_str().unwrap()], b"text"));
    assert!(message.contains("malformed.json"), "{message}");
    let unknown_label = scratch_file("label.json", r#"[{"name": "OpenAI", "label": "COMPANY"}]"#);
    one_line_failure(&run(&["--jsonl", "--entities", unknown_label.to_str().unwrap()], b""));
    one_line_failure(&run(&["--entities"], b"text"));
    // A typo in a field name would otherwise do nothing: it is named instead.
    let typo = scratch_file("typo.json", r#"[{"name": "OpenAI", "label": "ORG", "alias": ["Open AI"]}]"#);
    let message = one_line_failure(&run(&["--entities", typo.to_str().unwrap()], b"text"));
    assert!(message.contains("unknown field `alias`"), "{message}");
    let long_name = format!(r#"[{{"name": "{}", "label": "ORG"}}]"#, "Word ".repeat(1000));
    let long = scratch_file("long.json", &long_name);
    let message = one_line_failure(&run(&["--entities", long.to_str().unwrap()], b"text"));
    assert!(message.contains("custom entity 0") && message.contains("1000 tokens"), "{message}");
}

#[test]
fn a_byte_order_mark_before_the_entities_or_the_jsonl_stream_is_skipped() {
    let file = scratch_file("bom.json", &format!("\u{feff}{ENTITIES}"));
    let line = format!("\u{feff}{}\n", serde_json::json!({ "id": 1, "text": "Windsurf grew." }));
    let lines = json_lines(&run(&["--jsonl", "--entities", file.to_str().unwrap()], line.as_bytes()));
    assert_eq!(entities(&lines[0]), [("Windsurf".to_string(), "MISC".to_string())]);
}

#[test]
fn invalid_utf8_on_stdin_fails_with_one_line() {
    let message = one_line_failure(&run(&[], b"caf\xe9 au lait"));
    assert!(message.contains("UTF-8"), "{message}");
    for threads in ["1", "2", "4"] {
        let input = b"{\"id\":1,\"text\":\"ok\"}\n{\"text\":\"caf\xe9\"}\n{\"id\":3,\"text\":\"ok\"}\n";
        let output = run(&["--jsonl", "--threads", threads], input);
        let message = one_line_failure(&output);
        assert_eq!(message, "article-analyzer: line 2: not valid UTF-8 (invalid byte at column 13)");
        assert_eq!(output.stdout.iter().filter(|&&b| b == b'\n').count(), 1, "the line before it");
    }
}

#[test]
fn malformed_json_line_names_its_line_number() {
    let input =
        "{\"id\": 1, \"text\": \"One.\"}\n\n{\"id\": 2, \"text\": \"Two.\"}\n{\"id\": 3, \"text\": }\n";
    let output = run(&["--jsonl"], input.as_bytes());
    let message = one_line_failure(&output);
    assert!(message.contains("line 4"), "{message}");
}

#[test]
fn unreadable_input_file_fails() {
    let message = one_line_failure(&run(&["/nonexistent/article.txt"], b""));
    assert!(message.contains("/nonexistent/article.txt"), "{message}");
}

#[test]
fn jsonl_preserves_ids_and_order() {
    let ids = [r#"7"#, r#""doc-a""#, r#"{"feed":"wire","n":[1,2.5]}"#, r#"null"#, r#"-3.25e2"#];
    let input: String = ids
        .iter()
        .enumerate()
        .map(|(n, id)| format!("{{\"id\":{id},\"text\":\"Story {n} in 2019.\"}}\n"))
        .collect();
    let output = run(&["--jsonl"], input.as_bytes());
    let lines = json_lines(&output);
    assert_eq!(lines.len(), ids.len());
    // The id is copied through as written, not re-encoded.
    let stdout = String::from_utf8(output.stdout).unwrap();
    for (raw, id) in stdout.lines().zip(ids) {
        assert!(raw.starts_with(&format!("{{\"id\":{id},")), "{raw}");
    }
    for (n, (line, id)) in lines.iter().zip(ids).enumerate() {
        let expected: Value = serde_json::from_str(id).unwrap();
        assert_eq!(line["id"], expected, "line {n}");
        assert_eq!(line["sentences"][0]["end"], format!("Story {n} in 2019.").len(), "line {n} out of order");
    }
}

#[test]
fn offsets_are_utf16_code_units() {
    let text = "😀 Emoji first. Prices rose 20% in 2019.";
    let analysis = &json_lines(&run(&[], text.as_bytes()))[0];
    let units: Vec<u16> = text.encode_utf16().collect();
    let slice = |start: &Value, end: &Value| {
        String::from_utf16(&units[start.as_u64().unwrap() as usize..end.as_u64().unwrap() as usize]).unwrap()
    };
    let sentences: Vec<String> =
        analysis["sentences"].as_array().unwrap().iter().map(|s| slice(&s["start"], &s["end"])).collect();
    assert_eq!(sentences, ["😀 Emoji first.", "Prices rose 20% in 2019."]);
    for entity in analysis["entities"].as_array().unwrap() {
        assert_eq!(slice(&entity["start"], &entity["end"]), entity["text"].as_str().unwrap());
    }
    let found = entities(analysis);
    assert!(found.contains(&("20%".into(), "PERCENT".into())), "{found:?}");
    assert!(found.contains(&("2019".into(), "DATE".into())), "{found:?}");
    let group =
        analysis["groups"].as_array().unwrap().iter().find(|g| g["text"] == "2019").expect("2019 group");
    assert_eq!(group["first"], text[..text.find("2019").unwrap()].encode_utf16().count());
}

#[test]
fn a_file_stdin_and_dash_give_the_same_document() {
    let text = "Mr. Smith left Acme Inc. on Tuesday. He joined the U.S. Senate.";
    let path = scratch_file("document.txt", text);
    let from_file = json_lines(&run(&[path.to_str().unwrap()], b""));
    let from_stdin = json_lines(&run(&[], text.as_bytes()));
    let from_dash = json_lines(&run(&["-"], text.as_bytes()));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file, from_dash);
    assert_eq!(from_file.len(), 1, "one JSON object");
    let ends: Vec<u64> =
        from_file[0]["sentences"].as_array().unwrap().iter().map(|s| s["end"].as_u64().unwrap()).collect();
    assert_eq!(ends, [36, text.len() as u64]);
}

/// The CLI's `--jsonl` on `threads` threads, its stdin, stdout and stderr piped.
fn spawn_jsonl(threads: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_article-analyzer"))
        .args(["--jsonl", "--threads", threads])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts")
}

#[test]
fn jsonl_answers_each_line_before_the_next_arrives() {
    use std::io::{BufRead, BufReader};
    for threads in ["1", "2", "4"] {
        let mut child = spawn_jsonl(threads);
        let mut stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        for id in 0..3 {
            writeln!(stdin, r#"{{"id":{id},"text":"Line {id}. It streams."}}"#).expect("written");
            stdin.flush().expect("flushed");
            // Stdin stays open: the answer must come while the CLI still waits for more input.
            let mut line = String::new();
            stdout.read_line(&mut line).expect("an answer line");
            let answer: Value = serde_json::from_str(&line).expect("a JSON line");
            assert_eq!(answer["id"], id, "{threads} threads");
            assert_eq!(answer["sentences"].as_array().unwrap().len(), 2);
        }
        drop(stdin);
        assert!(child.wait().expect("the CLI finishes").success());
    }
}

#[test]
fn a_bad_line_ends_the_stream_while_the_input_stays_open() {
    use std::io::Read;
    for threads in ["1", "2", "4"] {
        let mut child = spawn_jsonl(threads);
        let mut stdin = child.stdin.take().expect("piped stdin");
        writeln!(stdin, "{{\"id\":1,\"text\":\"Paris.\"}}\n{{\"id\":2,\"text\":}}").expect("written");
        stdin.flush().expect("flushed");
        // Stdin stays open, as a producer waiting for the answers would keep it: the CLI ends anyway.
        let mut stdout = String::new();
        child.stdout.take().expect("piped stdout").read_to_string(&mut stdout).expect("stdout read");
        let status = child.wait().expect("the CLI finishes");
        let mut stderr = String::new();
        child.stderr.take().expect("piped stderr").read_to_string(&mut stderr).expect("stderr read");
        assert_eq!(status.code(), Some(1), "{threads} threads: {stderr}");
        assert_eq!(stdout.lines().count(), 1, "{threads} threads: {stdout}");
        assert!(stderr.starts_with("article-analyzer: line 2: malformed JSON line"), "{stderr}");
        drop(stdin);
    }
}

/// `count` JSON lines of the sample article's paragraphs, 1 to 25 of them a line (so that threads
/// finish out of order), with blank lines between some.
fn many_lines(count: usize) -> String {
    let paragraphs: Vec<&str> = include_str!("../www/sample.txt").split("\n\n").collect();
    let mut lines = String::new();
    for n in 0..count {
        let text: Vec<&str> = (0..n * 11 % 25 + 1).map(|i| paragraphs[(n + i) % paragraphs.len()]).collect();
        lines +=
            &format!("{}\n", serde_json::json!({ "id": format!("story-{n}"), "text": text.join("\n\n") }));
        if n % 7 == 3 {
            lines += "\n";
        }
    }
    lines
}

#[test]
fn jsonl_on_any_number_of_threads_writes_the_single_thread_output_byte_for_byte() {
    let input = many_lines(200);
    let single = run(&["--jsonl", "--threads", "1"], input.as_bytes());
    let lines = json_lines(&single);
    assert_eq!(lines.len(), 200);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line["id"], format!("story-{n}"), "in input order");
    }
    for args in [
        &["--jsonl", "--threads", "2"][..],
        &["--jsonl", "--threads=4"],
        &["--threads", "3", "--jsonl"],
        &["--jsonl"],
    ] {
        let output = run(args, input.as_bytes());
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stdout == single.stdout, "{args:?}: the output differs from one thread's");
    }
}

#[test]
fn a_malformed_line_stops_every_thread_count_after_the_lines_before_it() {
    let input = many_lines(100);
    let mut lines: Vec<&str> = input.split_inclusive('\n').collect();
    lines[70] = "{\"id\": \"bad\", \"text\": \"unterminated}\n";
    let before = lines[..70].concat();
    let expected = run(&["--jsonl", "--threads", "1"], before.as_bytes()).stdout;
    let input = lines.concat();
    for threads in ["1", "2", "4"] {
        let output = run(&["--jsonl", "--threads", threads], input.as_bytes());
        let message = one_line_failure(&output);
        assert_eq!(output.status.code(), Some(1));
        assert!(message.starts_with("article-analyzer: line 71: malformed JSON line: "), "{message}");
        assert!(output.stdout == expected, "{threads} threads: not the results of every line before it");
    }
}

#[test]
fn bad_thread_counts_fail_with_one_line() {
    for args in [
        &["--jsonl", "--threads", "0"][..],
        &["--jsonl", "--threads", "two"],
        &["--jsonl", "--threads=-1"],
        &["--jsonl", "--threads", ""],
    ] {
        let message = one_line_failure(&run(args, b""));
        assert!(message.contains("--threads needs a whole number of threads, 1 or more, got"), "{message}");
    }
    let message = one_line_failure(&run(&["--jsonl", "--threads"], b""));
    assert!(message.contains("--threads needs a number"), "{message}");
    let message = one_line_failure(&run(&["--jsonl", "--threads", "2", "--threads", "3"], b""));
    assert!(message.contains("--threads given twice"), "{message}");
    let message = one_line_failure(&run(&["--threads", "2"], b"A text."));
    assert!(message.contains("--threads is for --jsonl"), "{message}");
}

#[test]
fn quotes_come_with_utf16_offsets_in_json_and_jsonl() {
    // "😀" is two UTF-16 units: every offset after it is one more than a count of characters.
    let text = "😀 Zoë Brandt met the board. “We will grow in every market this year,” Zoë Brandt said.";
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let slice = |span: &Value| {
        let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
        String::from_utf16(&utf16[start..end]).expect("a slice on UTF-16 boundaries")
    };
    let line = serde_json::json!({"id": 1, "text": text}).to_string();
    let plain = json_lines(&run(&[], text.as_bytes())).remove(0);
    let jsonl = json_lines(&run(&["--jsonl"], line.as_bytes())).remove(0);
    for analysis in [&plain, &jsonl] {
        let quotes = analysis["quotes"].as_array().expect("quotes");
        assert_eq!(quotes.len(), 1, "{analysis}");
        let quote = &quotes[0];
        assert_eq!(slice(quote), "“We will grow in every market this year,”");
        assert_eq!(slice(&quote["speaker"]), "Zoë Brandt");
        assert_eq!(quote["speaker"]["text"], "Zoë Brandt");
        let group = quote["speaker"]["group"].as_u64().expect("a named speaker's group") as usize;
        assert_eq!(analysis["groups"][group]["text"], "Zoë Brandt");
        assert_eq!(slice(&quote["cue"]), "said");
    }
    assert_eq!(plain["quotes"], jsonl["quotes"]);
}

#[test]
fn jsonld_is_a_news_article_about_the_most_salient_entities() {
    let file = scratch_file(
        "jsonld-entities.json",
        r#"[{"name": "Nordvik Shipping", "label": "ORG", "aliases": ["Nordvik"], "url": "https://nordvik.example"}]"#,
    );
    let text = "Nordvik to cut 500 jobs\n\nNordvik Shipping said on Monday it would cut 500 jobs in Oslo. \
                Its chief, Jane Doe, said Nordvik had no choice. Unions in Bergen and Oslo protested, \
                and Reuters reported that the Labour Party would ask questions.";
    let args = ["--entities", file.to_str().unwrap(), "--jsonld", "--headline", "Nordvik cuts jobs"];
    let jsonld = &json_lines(&run(&args, text.as_bytes()))[0];
    let analysis = &json_lines(&run(&["--entities", file.to_str().unwrap()], text.as_bytes()))[0];
    assert_eq!(jsonld["@context"], "https://schema.org");
    assert_eq!(jsonld["@type"], "NewsArticle");
    assert_eq!(jsonld["headline"], "Nordvik cuts jobs");
    assert!(jsonld.get("url").is_none(), "{jsonld}");
    let about = jsonld["about"].as_array().expect("about");
    let mentions = jsonld["mentions"].as_array().expect("mentions");
    assert_eq!(about.len(), 3, "{jsonld}");
    assert_eq!(
        about[0],
        serde_json::json!({"@type": "Organization", "name": "Nordvik Shipping", "sameAs": "https://nordvik.example"})
    );
    // Every named group once, by salience, typed by its label; dates and amounts left out.
    let mut named: Vec<&Value> = analysis["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| ["PERSON", "ORG", "LOC", "MISC"].contains(&g["label"].as_str().unwrap()))
        .collect();
    named.sort_by(|a, b| b["salience"].as_f64().unwrap().total_cmp(&a["salience"].as_f64().unwrap()));
    let things: Vec<(&str, &str)> = about
        .iter()
        .chain(mentions)
        .map(|t| (t["@type"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> = named
        .iter()
        .map(|g| {
            let kind = match g["label"].as_str().unwrap() {
                "PERSON" => "Person",
                "ORG" => "Organization",
                "LOC" => "Place",
                _ => "Thing",
            };
            (kind, g["text"].as_str().unwrap())
        })
        .collect();
    assert_eq!(things, expected);
    assert!(things.contains(&("Place", "Oslo")) && things.contains(&("Person", "Jane Doe")), "{things:?}");
    let url = json_lines(&run(&["--jsonld", "--url=https://news.example/a"], b"Paris."));
    assert_eq!(url[0]["url"], "https://news.example/a");
    assert_eq!(url[0]["about"], serde_json::json!([{"@type": "Place", "name": "Paris"}]));
    assert_eq!(url[0]["mentions"], serde_json::json!([]));
    for (args, message) in [
        (&["--headline", "H"][..], "--headline and --url are for --jsonld"),
        (&["--jsonld", "--jsonl"][..], "--jsonld is for one document"),
        (&["--jsonld", "--url"][..], "--url needs a URL argument"),
    ] {
        let line = one_line_failure(&run(args, b"text"));
        assert!(line.contains(message), "{args:?}: {line}");
    }
}
