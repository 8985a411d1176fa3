//! A small static file server for `dist/` (std only): GET and HEAD, one request per connection,
//! MIME types the browser needs (`application/wasm` for streaming compilation), no directory listing,
//! nothing outside the root. A file with a gzipped copy beside it (`name.gz`, made by `cargo xtask
//! dist`) is sent compressed to a client that accepts gzip, as a production server would. What it reads of a request is bounded: a line longer than
//! [`MAX_LINE_BYTES`] or more than [`MAX_HEADERS`] headers is refused without reading further.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The longest request line or header line read, line ending included.
const MAX_LINE_BYTES: usize = 8 * 1024;
/// The most header lines read before the request is refused.
const MAX_HEADERS: usize = 100;
/// How long a client may pause while sending its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a refused request is read and dropped after the answer, so that the client gets the
/// answer rather than a connection reset (closing a socket with unread input resets it).
const DRAIN_BYTES: u64 = 64 * 1024;

/// Serves `root` on `listener` forever, one thread per connection.
pub fn run(listener: TcpListener, root: PathBuf) {
    let root = Arc::new(root);
    for stream in listener.incoming().flatten() {
        let root = Arc::clone(&root);
        std::thread::spawn(move || {
            // A client that hangs up mid-request is not the server's problem.
            let _ = handle(stream, &root);
        });
    }
}

fn handle(mut stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let Request { line: request_line, gzip } = match read_request(&mut reader)? {
        Ok(request) => request,
        Err(refused) => {
            let (status, message) = refused.answer();
            let answer =
                Answer { status, content_type: "text/plain; charset=utf-8", cache: NO_CACHE, gzipped: false };
            respond(&mut stream, &answer, message, true)?;
            stream.shutdown(Shutdown::Write)?;
            io::copy(&mut reader.take(DRAIN_BYTES), &mut io::sink())?;
            return Ok(());
        }
    };
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let plain = |status| Answer {
        status,
        content_type: "text/plain; charset=utf-8",
        cache: NO_CACHE,
        gzipped: false,
    };
    let (answer, body) = if method != "GET" && method != "HEAD" {
        (plain("405 Method Not Allowed"), b"method not allowed\n".to_vec())
    } else {
        match resolve(root, target)
            .and_then(|path| read_file(&path, gzip).map(|(body, gzipped)| (path, body, gzipped)))
        {
            Some((path, body, gzipped)) => {
                let answer = Answer {
                    status: "200 OK",
                    content_type: mime_type(&path),
                    cache: cache_control(&path),
                    gzipped,
                };
                (answer, body)
            }
            None => (plain("404 Not Found"), b"not found\n".to_vec()),
        }
    };
    respond(&mut stream, &answer, &body, method != "HEAD")
}

/// The content of `path`, or of its gzipped copy (`path.gz`) when the client accepts gzip and the
/// copy exists; with whether it is the gzipped one.
fn read_file(path: &Path, accepts_gzip: bool) -> Option<(Vec<u8>, bool)> {
    if accepts_gzip {
        if let Ok(compressed) = std::fs::read(super::bundle::gz_path(path)) {
            return Some((compressed, true));
        }
    }
    std::fs::read(path).ok().map(|body| (body, false))
}

/// The head of an answer.
struct Answer {
    status: &'static str,
    content_type: &'static str,
    cache: &'static str,
    /// Whether the body is gzipped (`Content-Encoding: gzip`).
    gzipped: bool,
}

/// `Cache-Control` of what may change under its name: the browser asks again each time.
const NO_CACHE: &str = "no-cache";

/// `Cache-Control` of a file: one under a content-hashed name (`app.0123456789.js`) never changes, so
/// a returning reader's browser keeps it for a year without asking; any other is [`NO_CACHE`].
fn cache_control(path: &Path) -> &'static str {
    let hashed = path.file_name().and_then(|name| name.to_str()).is_some_and(super::bundle::is_hashed_name);
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        NO_CACHE
    }
}

/// Writes an answer; the body only if `with_body` (not for HEAD). Every answer of a file that may be
/// sent gzipped or not says so (`Vary`), so that a cache between keeps the two apart.
fn respond(writer: &mut impl Write, answer: &Answer, body: &[u8], with_body: bool) -> io::Result<()> {
    let Answer { status, content_type, cache, gzipped } = answer;
    let encoding = if *gzipped { "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{encoding}\
         Cache-Control: {cache}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    writer.write_all(head.as_bytes())?;
    if with_body {
        writer.write_all(body)?;
    }
    writer.flush()
}

/// Why a request is refused before it is read to its end.
#[derive(Debug, PartialEq)]
enum Refused {
    /// The request line is longer than [`MAX_LINE_BYTES`].
    LongRequestLine,
    /// A header line is longer than [`MAX_LINE_BYTES`], or there are more than [`MAX_HEADERS`].
    LargeHeaders,
    /// The request line is not UTF-8 or ends before its line ending.
    Malformed,
}

impl Refused {
    /// The status and body of the answer.
    fn answer(&self) -> (&'static str, &'static [u8]) {
        match self {
            Refused::LongRequestLine => ("414 URI Too Long", b"request line too long\n"),
            Refused::LargeHeaders => ("431 Request Header Fields Too Large", b"request headers too large\n"),
            Refused::Malformed => ("400 Bad Request", b"malformed request\n"),
        }
    }
}

/// What of a request changes the answer.
#[derive(Debug, PartialEq)]
struct Request {
    /// The request line, without its line ending.
    line: String,
    /// Whether `Accept-Encoding` accepts gzip.
    gzip: bool,
}

/// Reads a request's line and its headers, of which only `Accept-Encoding` changes the answer,
/// reading no more than [`MAX_LINE_BYTES`] per line and [`MAX_HEADERS`] lines of headers. Returns
/// the request, or why it is refused.
fn read_request(reader: &mut impl BufRead) -> io::Result<Result<Request, Refused>> {
    let Some(request_line) = read_line(reader)? else {
        return Ok(Err(Refused::LongRequestLine));
    };
    let Some(request_line) = request_line
        .strip_suffix(b"\n")
        .and_then(|line| String::from_utf8(line.trim_ascii_end().to_vec()).ok())
    else {
        return Ok(Err(Refused::Malformed));
    };
    let mut gzip = false;
    for _ in 0..=MAX_HEADERS {
        match read_line(reader)? {
            // A blank line ends the headers; so does the end of the input, as before HTTP/1.1.
            Some(header) if header.trim_ascii().is_empty() => {
                return Ok(Ok(Request { line: request_line, gzip }))
            }
            Some(header) => gzip |= accepts_gzip(&header),
            None => break,
        }
    }
    Ok(Err(Refused::LargeHeaders))
}

/// Whether `header` is an `Accept-Encoding` that accepts gzip: lists `gzip` (or `*`) without `q=0`.
fn accepts_gzip(header: &[u8]) -> bool {
    let Some((name, value)) = std::str::from_utf8(header).ok().and_then(|header| header.split_once(':'))
    else {
        return false;
    };
    name.trim().eq_ignore_ascii_case("accept-encoding")
        && value.split(',').any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|parameter| {
                parameter.split_once('=').is_some_and(|(key, q)| {
                    key.trim().eq_ignore_ascii_case("q") && q.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
                })
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// The next line with its `\n` (or what is left before the end of the input), or `None` if it is
/// longer than [`MAX_LINE_BYTES`], in which case at most that much of it has been read.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    reader.by_ref().take(MAX_LINE_BYTES as u64).read_until(b'\n', &mut line)?;
    Ok((line.len() < MAX_LINE_BYTES || line.ends_with(b"\n")).then_some(line))
}

/// The file under `root` that a request target names, if it is a file there: `/` and directories
/// map to their `index.html`; query strings and fragments are ignored; `..` is refused.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let decoded = percent_decode(path.strip_prefix('/')?)?;
    let relative = Path::new(&decoded);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` for a file, by extension.
pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "ts" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site in a temporary directory of its own (tests run in parallel).
    fn site(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-serve-test-{name}-{}", std::process::id()));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(root.join("pkg/a b.wasm"), b"\0asm").unwrap();
        root
    }

    #[test]
    fn resolves_files_directories_and_escapes_inside_the_root_only() {
        let root = site("resolve");
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1#top"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/pkg/a%20b.wasm"), Some(root.join("pkg/a b.wasm")));
        for outside in
            ["/../Cargo.toml", "/pkg/../../x", "/%2e%2e/x", "//etc/passwd", "/missing.js", "/%zz", "x"]
        {
            assert_eq!(resolve(&root, outside), None, "{outside}");
        }
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn serves_wasm_and_scripts_with_types_browsers_accept() {
        assert_eq!(mime_type(Path::new("a/analyzer_bg.wasm")), "application/wasm");
        assert_eq!(mime_type(Path::new("app.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime_type(Path::new("favicon.svg")), "image/svg+xml");
        assert_eq!(mime_type(Path::new("LICENSE")), "application/octet-stream");
    }

    #[test]
    fn lets_browsers_keep_content_hashed_files_only() {
        assert_eq!(
            cache_control(Path::new("dist/analyzer_bg.0123456789.wasm")),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control(Path::new("dist/app.abcdef0123.js")), "public, max-age=31536000, immutable");
        assert_eq!(
            cache_control(Path::new("dist/style.0123456789.css")),
            "public, max-age=31536000, immutable"
        );
        for changing in ["dist/index.html", "dist/article-analyzer.html", "dist/pkg/article_analyzer_bg.wasm"]
        {
            assert_eq!(cache_control(Path::new(changing)), NO_CACHE, "{changing}");
        }
    }

    /// A client that never stops sending: `start`, then `line` over and over. Counts what is read.
    struct EndlessClient {
        start: &'static [u8],
        line: &'static [u8],
        sent: usize,
    }

    impl Read for EndlessClient {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            for byte in buf.iter_mut() {
                *byte = match self.start.get(self.sent) {
                    Some(&byte) => byte,
                    None => self.line[(self.sent - self.start.len()) % self.line.len()],
                };
                self.sent += 1;
            }
            Ok(buf.len())
        }
    }

    #[test]
    fn stops_reading_an_endless_line_or_endless_headers() {
        let cases: [(&[u8], &[u8], Refused); 3] = [
            (b"GET /", b"a", Refused::LongRequestLine),
            (b"GET / HTTP/1.1\r\nX-Long: ", b"a", Refused::LargeHeaders),
            (b"GET / HTTP/1.1\r\n", b"X-Many: a\r\n", Refused::LargeHeaders),
        ];
        for (start, line, refused) in cases {
            let mut client = EndlessClient { start, line, sent: 0 };
            let mut reader = BufReader::new(&mut client);
            assert_eq!(read_request(&mut reader).unwrap(), Err(refused));
            let buffered = reader.capacity();
            // Headers: up to MAX_HEADERS lines of "X-Many: a\r\n", then one line that is not blank.
            let bound = MAX_LINE_BYTES.max((MAX_HEADERS + 1) * 11) + start.len() + buffered;
            assert!(client.sent <= bound, "read {} bytes, more than {bound}", client.sent);
        }
    }

    #[test]
    fn reads_requests_within_the_limits() {
        let header = format!("X-Long: {}\r\n", "a".repeat(MAX_LINE_BYTES - 10));
        let request = format!("GET /a HTTP/1.1\r\n{}\r\n", header.repeat(MAX_HEADERS));
        let get = |line: &str, gzip| Ok(Request { line: line.into(), gzip });
        assert_eq!(read_request(&mut request.as_bytes()).unwrap(), get("GET /a HTTP/1.1", false));
        assert_eq!(read_request(&mut &b"GET / HTTP/1.0\n"[..]).unwrap(), get("GET / HTTP/1.0", false));
        let gzipped = b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n\r\n";
        assert_eq!(read_request(&mut &gzipped[..]).unwrap(), get("GET / HTTP/1.1", true));
        for malformed in [&b""[..], b"GET /", b"\xff / HTTP/1.1\r\n\r\n"] {
            assert_eq!(read_request(&mut &malformed[..]).unwrap(), Err(Refused::Malformed));
        }
    }

    #[test]
    fn accepts_gzip_when_the_client_lists_it_without_q_0() {
        for yes in [
            "Accept-Encoding: gzip, deflate, br, zstd\r\n",
            "accept-encoding:br;q=1.0, GZIP;q=0.5",
            "Accept-Encoding: *",
        ] {
            assert!(accepts_gzip(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Accept-Encoding: identity",
            "Accept-Encoding: br, gzip;q=0",
            "Accept-Encoding: gzipx",
            "X-Gzip: gzip",
        ] {
            assert!(!accepts_gzip(no.as_bytes()), "{no}");
        }
        assert!(!accepts_gzip(b"Accept-Encoding: \xffgzip"));
    }

    /// Sends `request` to the server at `address` and returns the whole answer.
    fn exchange(address: std::net::SocketAddr, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn answers_over_tcp_and_refuses_an_over_long_line_with_an_answer() {
        let root = site("tcp");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let served = root.clone();
        std::thread::spawn(move || run(listener, served));
        let ok = exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n") && ok.ends_with("\r\n\r\n<!doctype html>"), "{ok}");
        assert!(!ok.contains("Content-Encoding"), "{ok}");
        // With a gzipped copy beside the file, a client that accepts gzip gets the copy.
        std::fs::write(root.join("index.html.gz"), b"GZ").unwrap();
        let gzipped = exchange(address, b"GET / HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n");
        assert!(gzipped.contains("\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n"), "{gzipped}");
        assert!(
            gzipped.contains("Content-Type: text/html; charset=utf-8\r\n") && gzipped.ends_with("\r\n\r\nGZ"),
            "{gzipped}"
        );
        let plain = exchange(address, b"GET / HTTP/1.1\r\nAccept-Encoding: br\r\n\r\n");
        assert!(plain.ends_with("\r\n\r\n<!doctype html>"), "{plain}");
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(4 * MAX_LINE_BYTES));
        let refused = exchange(address, long_target.as_bytes());
        assert!(refused.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{refused}");
        let long_header = format!("GET / HTTP/1.1\r\nX-Long: {}\r\n\r\n", "a".repeat(MAX_LINE_BYTES));
        let refused = exchange(address, long_header.as_bytes());
        assert!(refused.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{refused}");
        std::fs::remove_dir_all(root).unwrap();
    }
}
