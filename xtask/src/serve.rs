//! A small static file server for `dist/` (std only): GET and HEAD, one request per connection,
//! MIME types the browser needs (`application/wasm` for streaming compilation), no directory listing,
//! nothing outside the root.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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

fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, content_type, body) = if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", "text/plain; charset=utf-8", b"method not allowed\n".to_vec())
    } else {
        match resolve(root, target).and_then(|path| std::fs::read(&path).ok().map(|body| (path, body))) {
            Some((path, body)) => ("200 OK", mime_type(&path), body),
            None => ("404 Not Found", "text/plain; charset=utf-8", b"not found\n".to_vec()),
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
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

    fn site() -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(root.join("pkg/a b.wasm"), b"\0asm").unwrap();
        root
    }

    #[test]
    fn resolves_files_directories_and_escapes_inside_the_root_only() {
        let root = site();
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
}
