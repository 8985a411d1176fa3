//! `cargo xtask dist`: what a browser, a bundler or Node needs, in `dist/`: the static site (its
//! scripts and wasm under content-hashed names, so that a browser may keep them), the single file
//! (article-analyzer.html, everything inlined under a CSP of hashes), the custom element
//! (article-analyzer-element.js), the demo CMS page (demo.html), pkg/ (the npm package, with its
//! Subresource-Integrity hashes) and node/ (CommonJS), and their sizes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::tools::{bindgen, ensure_node_packages, ensure_wasm_bindgen, ensure_wasm_target, wasm_opt};
use sha2::{Digest, Sha256, Sha384};

use super::{read, target_dir, WASM_TARGET};
use crate::process::command;

/// `cargo xtask dist`: builds everything a browser, a bundler or Node needs into `dist/`.
pub fn dist() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_node_packages()?;
    let root = crate::repo_root();
    let work = target_dir().join("web");
    let dist = root.join("dist");

    command("cargo", ["build", "--lib", "--target", WASM_TARGET, "--profile", "wasm"]).run()?;
    let wasm = target_dir().join(WASM_TARGET).join("wasm/article_analyzer.wasm");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    // The page's build (a classic script) stays under target/; dist/ gets what a browser downloads.
    // Every build has the out-name article_analyzer, which names the module of the wasm's imports:
    // so their wasm files are one and the same, optimised once, and a browser caches it once.
    let classic = work.join("no-modules");
    bindgen(&wasm, "no-modules", &classic, "article_analyzer")?;
    bindgen(&wasm, "web", &dist.join("pkg"), "article_analyzer")?;
    bindgen(&wasm, "nodejs", &dist.join("node"), "article_analyzer")?;
    let optimised = classic.join("article_analyzer_bg.wasm");
    let unoptimised = std::fs::read(&optimised).map_err(|e| format!("cannot read wasm: {e}"))?;
    wasm_opt(&optimised)?;
    for dir in ["pkg", "node"] {
        let copy = dist.join(dir).join("article_analyzer_bg.wasm");
        if std::fs::read(&copy).map_err(|e| format!("cannot read wasm: {e}"))? != unoptimised {
            return Err(format!("{} differs from the classic build's wasm", copy.display()));
        }
        std::fs::copy(&optimised, &copy).map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
    }
    let site = Site::load(&classic)?;
    site.write(&dist)?;
    write_node_package(&dist)?;
    site.write_package(&dist.join("pkg"))?;
    report_sizes(&dist)
}

/// The static site under `dist/`, the single file and the custom element, from `www/` and the
/// classic-script build in `classic`.
struct Site {
    www: BTreeMap<&'static str, String>,
    /// analyzer.js: wasm-bindgen's glue, then www/loader.js, the loader that the page, its worker
    /// and the element share.
    glue: String,
    wasm: Vec<u8>,
}

impl Site {
    /// The HTML entry points, which keep their names (a reader types or links them) and are
    /// templated with the hashed names of what they load.
    const PAGES: [&'static str; 2] = ["index.html", "embed.html"];

    /// The modules of `highlight()`, copied under their own names: an integrator's code imports
    /// them by name (see docs/editor.md).
    const EDITOR_MODULES: [&'static str; 5] =
        ["highlight.js", "text-reader.js", "highlight.css", "prosemirror.js", "jsonld.js"];

    /// What the demo CMS page (www/demo.html, which imports dist/pkg/) loads besides the package,
    /// copied under the same names: its script and styles, and the vendored ProseMirror with its
    /// licences (www/vendor/build-prosemirror.sh makes them).
    const DEMO_FILES: [&'static str; 5] = [
        "demo.js",
        "demo.css",
        "vendor/prosemirror.js",
        "vendor/prosemirror.css",
        "vendor/prosemirror.LICENSE.txt",
    ];

    fn load(classic: &Path) -> Result<Site, String> {
        let www_dir = crate::repo_root().join("www");
        let mut www = BTreeMap::new();
        for name in Site::PAGES.into_iter().chain(Site::EDITOR_MODULES).chain([
            "style.css",
            "marks.css",
            "favicon.svg",
            "app.js",
            "worker.js",
            "sample.txt",
            "element.js",
            "element.css",
        ]) {
            www.insert(name, read(&www_dir.join(name))?);
        }
        let glue =
            format!("{}\n{}", read(&classic.join("article_analyzer.js"))?, read(&www_dir.join("loader.js"))?);
        let wasm = std::fs::read(classic.join("article_analyzer_bg.wasm"))
            .map_err(|e| format!("cannot read wasm: {e}"))?;
        Ok(Site { www, glue, wasm })
    }

    fn write(&self, dist: &Path) -> Result<(), String> {
        let index = self.index()?;
        let mut pages = [index.clone(), self.www["embed.html"].clone()];
        // Every file a page loads, under its hashed name, and where the pages (index.html, embed.html)
        // name it: a browser may keep all of them, and asks again only for the pages.
        let hashed: [(&str, &[u8], [References; 2]); 7] = [
            (
                "analyzer.js",
                self.glue.as_bytes(),
                [&["href=\"analyzer.js\"", "src=\"analyzer.js\"", "data-glue=\"analyzer.js\""], &[]],
            ),
            ("app.js", self.www["app.js"].as_bytes(), [&["href=\"app.js\"", "src=\"app.js\""], &[]]),
            ("worker.js", self.www["worker.js"].as_bytes(), [&["data-worker=\"worker.js\""], &[]]),
            ("analyzer_bg.wasm", &self.wasm, [&["href=\"analyzer_bg.wasm\""], &[]]),
            ("marks.css", self.www["marks.css"].as_bytes(), [&["href=\"marks.css\""], &[]]),
            ("style.css", self.www["style.css"].as_bytes(), [&["href=\"style.css\""]; 2]),
            ("favicon.svg", self.www["favicon.svg"].as_bytes(), [&["href=\"favicon.svg\""]; 2]),
        ];
        let mut compressible = Vec::new();
        for (name, bytes, references) in hashed {
            let file = hashed_name(name, bytes);
            for (page, references) in pages.iter_mut().zip(references) {
                for reference in references {
                    *page = replace_once(page, reference, &reference.replace(name, &file))?;
                }
            }
            write(&dist.join(&file), bytes)?;
            compressible.push(file);
        }
        for (name, page) in Site::PAGES.into_iter().zip(&pages) {
            write(&dist.join(name), page.as_bytes())?;
            compressible.push(name.to_string());
        }
        for name in Site::EDITOR_MODULES {
            write(&dist.join(name), self.www[name].as_bytes())?;
            compressible.push(name.to_string());
        }
        write(&dist.join("demo.html"), self.demo()?.as_bytes())?;
        compressible.push("demo.html".into());
        let www = crate::repo_root().join("www");
        for name in Site::DEMO_FILES {
            let bytes = std::fs::read(www.join(name)).map_err(|e| format!("cannot read www/{name}: {e}"))?;
            write(&dist.join(name), &bytes)?;
            compressible.push(name.to_string());
        }
        write(&dist.join("article-analyzer.html"), self.single_file(&index)?.as_bytes())?;
        write(&dist.join("article-analyzer-element.js"), self.element()?.as_bytes())?;
        compressible.extend(["article-analyzer.html".into(), "article-analyzer-element.js".into()]);
        for file in compressible {
            write_gzipped(&dist.join(file))?;
        }
        Ok(())
    }

    /// demo.html with its CSP allowing its inline import map by hash, and the favicon's hashed name.
    fn demo(&self) -> Result<String, String> {
        let html = read(&crate::repo_root().join("www/demo.html"))?;
        let open = "<script type=\"importmap\">";
        let start = html.find(open).ok_or("demo.html has no import map")? + open.len();
        let end = start + html[start..].find("</script>").ok_or("unterminated import map")?;
        let html = replace_once(&html, "@IMPORTMAP_HASH@", &csp_hash(&html[start..end]))?;
        let favicon = hashed_name("favicon.svg", self.www["favicon.svg"].as_bytes());
        replace_once(&html, "href=\"favicon.svg\"", &format!("href=\"{favicon}\""))
    }

    /// index.html with the sample article in its textarea.
    fn index(&self) -> Result<String, String> {
        replace_once(&self.www["index.html"], "@SAMPLE@", &escape_html(&self.www["sample.txt"]))
    }

    /// The page as one file: styles, scripts, worker, favicon and wasm (base64) inlined, under a CSP
    /// that lets exactly these inline scripts and styles run (`single_file_csp`).
    fn single_file(&self, index: &str) -> Result<String, String> {
        let [marks, style] =
            [inline(&self.www["marks.css"], "style")?, inline(&self.www["style.css"], "style")?];
        let [glue, app] = [inline(&self.glue, "script")?, inline(&self.www["app.js"], "script")?];
        let csp_start =
            index.find("<meta http-equiv=\"Content-Security-Policy\"").ok_or("index.html has no CSP")?;
        let csp_end = csp_start + index[csp_start..].find('>').ok_or("unterminated CSP meta")? + 1;
        let mut html = format!(
            "{}<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">{}",
            &index[..csp_start],
            single_file_csp(&[&glue, &app], &[&marks, &style]),
            &index[csp_end..]
        );
        let favicon = format!("data:image/svg+xml;base64,{}", base64(self.www["favicon.svg"].as_bytes()));
        html = replace_once(&html, "href=\"favicon.svg\"", &format!("href=\"{favicon}\""))?;
        for (sheet, content) in [("marks.css", &marks), ("style.css", &style)] {
            let tag = format!("<link rel=\"stylesheet\" href=\"{sheet}\">");
            html = replace_once(&html, &tag, &format!("<style>{content}</style>"))?;
        }
        html = replace_once(&html, PRELOAD, "")?;
        let glue = format!("<script id=\"analyzer-glue\">{glue}</script>");
        html = replace_once(&html, "<script src=\"analyzer.js\"></script>", &glue)?;
        let app = format!(
            "<script id=\"analyzer-wasm\" type=\"application/octet-stream\">{}</script>\n\
             <script id=\"worker-source\" type=\"text/plain\">{}</script>\n<script>{app}</script>",
            base64(&self.wasm),
            inline(&self.www["worker.js"], "script")?,
        );
        replace_once(&html, APP_SCRIPT, &app)
    }

    /// The element's styles (marks.css and element.css, without their comments) as a JavaScript string.
    fn element_css(&self) -> Result<String, String> {
        let css = format!("{}\n{}", self.www["marks.css"], self.www["element.css"]);
        serde_json::to_string(&without_css_comments(&css)).map_err(|e| e.to_string())
    }

    /// `<article-analyzer>` as one classic script: glue, wasm and styles inside a closure.
    fn element(&self) -> Result<String, String> {
        let css = self.element_css()?;
        Ok(format!(
            "/*! <article-analyzer> custom element, article-analyzer {} (MIT). \
             Usage: <script src=\"article-analyzer-element.js\"></script> \
             <article-analyzer text=\"...\"></article-analyzer> */\n\
             (() => {{\n'use strict';\n{}\nconst WASM_BASE64 = \"{}\";\nlet loading = null;\n\
             const analyzerReady = () => (loading ??= loadAnalyzer({{ base64: WASM_BASE64 }}));\n\
             const ELEMENT_CSS = {css};\n{}}})();\n",
            crate_version()?,
            self.glue,
            base64(&self.wasm),
            // The element reads its HTML with the reader of `highlight`, inlined without its export.
            self.www["text-reader.js"].replace("\nexport ", "\n") + &self.www["element.js"]
        ))
    }

    /// `<article-analyzer>` as the npm package's ES module: the package's glue and reader imported,
    /// the wasm fetched from article_analyzer_bg.wasm beside it (or where `setWasm` says).
    fn element_module(&self) -> Result<String, String> {
        let css = self.element_css()?;
        Ok(format!(
            "/*! <article-analyzer> custom element, article-analyzer {} (MIT). \
             Usage: import 'article-analyzer/element'; <article-analyzer text=\"...\"></article-analyzer> */\n\
             import initAnalyzer, * as wasm_bindgen from './article_analyzer.js';\n\
             import {{ readText }} from './text-reader.js';\n\n\
             if (typeof HTMLElement === 'undefined') {{\n  \
             throw new Error('article-analyzer/element defines a custom element: it needs a browser (no HTMLElement here)');\n}}\n\n\
             let wasmSource = new URL('./article_analyzer_bg.wasm', import.meta.url);\n\
             let loading = null;\n\n\
             /** Where the element loads the wasm from (a URL or a compiled module); before the first element connects. */\n\
             export function setWasm(source) {{\n  \
             if (loading) throw new Error('article-analyzer: setWasm() after an element has loaded the wasm');\n  \
             wasmSource = source;\n}}\n\n\
             const analyzerReady = () => (loading ??= initAnalyzer({{ module_or_path: wasmSource }}));\n\
             const ELEMENT_CSS = {css};\n\n{}\nexport {{ ArticleAnalyzerElement }};\n",
            crate_version()?,
            self.www["element.js"]
        ))
    }

    /// The npm package in `pkg` (dist/pkg, where wasm-bindgen's ES module build already is): its
    /// entries, the worker and its glue under fixed names, the element in both forms, the styles,
    /// the manifest, and integrity.json, the Subresource-Integrity hash of each file, which it
    /// prints with the sizes.
    fn write_package(&self, pkg: &Path) -> Result<(), String> {
        let www = crate::repo_root().join("www");
        for (from, to) in PACKAGE_FILES {
            let text = read(&www.join(from))?;
            // The modules' documentation is in their .d.ts files: the code ships without its comment lines.
            let text = if to.ends_with(".js") { without_js_comment_lines(&text) } else { text };
            write(&pkg.join(to), text.as_bytes())?;
        }
        write(&pkg.join("analyzer.js"), self.glue.as_bytes())?;
        write(&pkg.join("element.js"), self.element_module()?.as_bytes())?;
        write(&pkg.join("article-analyzer-element.js"), self.element()?.as_bytes())?;
        let style = format!("{}\n{}", self.www["marks.css"], self.www["highlight.css"]);
        write(&pkg.join("style.css"), style.as_bytes())?;
        // The manifest is written out by hand in www/ (serde_json's maps would sort the keys, and the
        // conditions of an export are tried in their order).
        let manifest =
            replace_once(&read(&www.join("package/package.json"))?, "@VERSION@", &crate_version()?)?;
        write(&pkg.join("package.json"), manifest.as_bytes())?;

        let mut files: Vec<String> = std::fs::read_dir(pkg)
            .map_err(|e| format!("cannot list {}: {e}", pkg.display()))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        files.sort();
        let mut integrity = serde_json::Map::new();
        let mut report = String::from(
            "xtask: dist/pkg, the npm package (bytes raw and gzip -9, Subresource Integrity as in integrity.json):\n",
        );
        // The package's JS without the wasm (the inline element holds it), each set in one gzip
        // stream: all of it, and what is ours, without wasm-bindgen's glues (the budget).
        let mut every_script = Vec::new();
        let mut ours = read(&www.join("loader.js"))?.into_bytes();
        for file in &files {
            let bytes = std::fs::read(pkg.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
            let hash = format!("sha384-{}", base64(&Sha384::digest(&bytes)));
            let gzipped = crate::gzip_size(&pkg.join(file))?;
            let _ = writeln!(report, "  {file:<32} {:>9} {gzipped:>9}  {hash}", bytes.len());
            if file.ends_with(".js") && file != "article-analyzer-element.js" {
                every_script.extend_from_slice(&bytes);
                if !["analyzer.js", "article_analyzer.js"].contains(&file.as_str()) {
                    ours.extend_from_slice(&bytes);
                }
            }
            integrity.insert(file.clone(), hash.into());
        }
        for (what, scripts) in
            [("every .js but the inline element", every_script), ("ours: no wasm-bindgen glue", ours)]
        {
            let joined = target_dir().join("web/package-scripts.js");
            write(&joined, &scripts)?;
            let _ = writeln!(report, "  {what:<32} {:>9} {:>9}", scripts.len(), crate::gzip_size(&joined)?);
        }
        print!("{report}");
        let integrity = serde_json::to_string_pretty(&integrity).map_err(|e| e.to_string())? + "\n";
        write(&pkg.join("integrity.json"), integrity.as_bytes())
    }
}

/// Where a page names a file (`src="app.js"`), one slice per page of [`Site::PAGES`].
type References<'a> = &'a [&'a str];

/// index.html's preloads of the wasm and the scripts, which the single file (all inlined) leaves out.
const PRELOAD: &str = "<!-- The wasm is fetched from the start, beside the styles and scripts; app.js compiles it as it streams.\n     \
    The scripts too: Chromium fetched them, at the end of the body, late (once the wasm had come from the cache). -->\n\
    <link rel=\"preload\" href=\"analyzer_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n\
    <link rel=\"preload\" href=\"analyzer.js\" as=\"script\">\n\
    <link rel=\"preload\" href=\"app.js\" as=\"script\">\n";

/// index.html's app script, with the URLs of the worker and of the glue it loads.
const APP_SCRIPT: &str =
    "<script src=\"app.js\" data-worker=\"worker.js\" data-glue=\"analyzer.js\"></script>";

/// `name` (`stem.ext`) as the site serves it: `stem.HASH.ext`, HASH the first 10 hexadecimal digits
/// of the SHA-256 of `bytes`, so that a changed file gets a new name and an unchanged one keeps it.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let (stem, ext) = name.split_once('.').expect("a file name with an extension");
    let hash: String = Sha256::digest(bytes)[..5].iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{stem}.{hash}.{ext}")
}

/// Whether `file` is a name that [`hashed_name`] makes: `stem.HASH.ext`, HASH 10 hexadecimal digits.
pub fn is_hashed_name(file: &str) -> bool {
    let mut parts = file.split('.');
    let (Some(stem), Some(hash), Some(ext), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !stem.is_empty() && !ext.is_empty() && hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The path in `dist` of the site's file `name` (`stem.ext`), under its hashed name when it has one.
pub fn site_file(dist: &Path, name: &str) -> Result<std::path::PathBuf, String> {
    let (stem, ext) = name.split_once('.').expect("a file name with an extension");
    let entries = std::fs::read_dir(dist).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    let hashed = entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok()).find(|file| {
        is_hashed_name(file) && file.starts_with(&format!("{stem}.")) && file.ends_with(&format!(".{ext}"))
    });
    Ok(dist.join(hashed.unwrap_or_else(|| name.to_string())))
}

/// The package.json of dist/node, wasm-bindgen's CommonJS build for Node (the npm package in dist/pkg
/// has a Node entry of its own; this one is for `require`).
fn write_node_package(dist: &Path) -> Result<(), String> {
    let node = serde_json::json!({
        "name": "article-analyzer-node",
        "version": crate_version()?,
        "description": PACKAGE_DESCRIPTION,
        "license": "MIT",
        "type": "commonjs",
        "main": "article_analyzer.js",
        "types": "article_analyzer.d.ts",
        "files": ["article_analyzer.js", "article_analyzer_bg.wasm", "article_analyzer.d.ts"]
    });
    let text = serde_json::to_string_pretty(&node).map_err(|e| e.to_string())? + "\n";
    write(&dist.join("node/package.json"), text.as_bytes())
}

const PACKAGE_DESCRIPTION: &str =
    "Splits English news articles into sentences and tags their entities (WebAssembly).";

/// The npm package's files copied from www/ (the scripts without their comment lines): (source under
/// www/, name in the package).
const PACKAGE_FILES: [(&str, &str); 13] = [
    ("highlight.js", "highlight.js"),
    ("text-reader.js", "text-reader.js"),
    ("prosemirror.js", "prosemirror.js"),
    ("worker.js", "worker.js"),
    ("package/node.js", "node.js"),
    ("package/worker-client.js", "worker-client.js"),
    ("package/highlight.d.ts", "highlight.d.ts"),
    ("package/text-reader.d.ts", "text-reader.d.ts"),
    ("package/prosemirror.d.ts", "prosemirror.d.ts"),
    ("package/worker-client.d.ts", "worker-client.d.ts"),
    ("package/element.d.ts", "element.d.ts"),
    ("package/README.md", "README.md"),
    ("package/LICENSE", "LICENSE"),
];

/// Prints the raw and gzipped sizes of what browsers download.
fn report_sizes(dist: &Path) -> Result<(), String> {
    let mut report = String::from("xtask: sizes (bytes, raw and gzip -9):\n");
    let site = ["index.html", "app.js", "worker.js", "analyzer.js", "style.css", "marks.css", "favicon.svg"];
    let mut site_total = (0, 0);
    let files = [
        "analyzer_bg.wasm",
        "article-analyzer.html",
        "article-analyzer-element.js",
        "pkg/article_analyzer_bg.wasm",
    ];
    for name in site.iter().chain(files.iter()) {
        let path = site_file(dist, name)?;
        let raw = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        let gz = gz_path(&path);
        let gzipped = match std::fs::metadata(&gz) {
            Ok(metadata) => metadata.len(),
            Err(_) => crate::gzip_size(&path)?,
        };
        if site.contains(name) {
            site_total = (site_total.0 + raw, site_total.1 + gzipped);
        } else {
            let _ = writeln!(report, "  {name:<34} {raw:>9} {gzipped:>9}");
        }
    }
    let _ = writeln!(
        report,
        "  {:<34} {:>9} {:>9}",
        "site without wasm (html, js, css, svg)", site_total.0, site_total.1
    );
    print!("{report}");
    Ok(())
}

/// The library's version, from the root Cargo.toml.
fn crate_version() -> Result<String, String> {
    let manifest = read(&crate::repo_root().join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
        .map(String::from)
        .ok_or_else(|| "no version in Cargo.toml".into())
}

fn replace_once(text: &str, from: &str, to: &str) -> Result<String, String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("expected {from:?} once in a www/ file, found it {n} times")),
    }
}

/// Content-Security-Policy of the single file: its inline `scripts` and `styles` (each by the SHA-256
/// of its content, so that no other inline code runs), wasm, blob workers and data: images; no
/// request to anywhere, not even to its own directory; Trusted Types, with only the policy that
/// app.js makes for its worker's URL.
fn single_file_csp(scripts: &[&str], styles: &[&str]) -> String {
    let hashes =
        |contents: &[&str]| contents.iter().map(|content| csp_hash(content)).collect::<Vec<_>>().join(" ");
    format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src {}; img-src data:; \
         worker-src blob:; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; \
         trusted-types article-analyzer",
        hashes(scripts),
        hashes(styles)
    )
}

/// The CSP source that allows an inline script or style whose content is `content`.
fn csp_hash(content: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(content.as_bytes())))
}

/// `text` as the content of an inline `<tag>` element: after a line break, line endings as `\n`
/// (what the HTML parser makes of `\r\n` and `\r`, so that a CSP hash of it is what the browser
/// computes). Refuses text that would close the element early.
fn inline(text: &str, tag: &str) -> Result<String, String> {
    if text.to_ascii_lowercase().contains(&format!("</{tag}")) {
        return Err(format!("cannot inline a file that contains </{tag}"));
    }
    Ok(format!("\n{}", text.replace("\r\n", "\n").replace('\r', "\n")))
}

/// `css` without its `/* ... */` comments and the white space after each (our style sheets have no
/// `/*` inside a string).
fn without_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..].find("*/").map_or("", |end| &rest[start + 2 + end + 2..]).trim_start();
    }
    out.push_str(rest);
    out
}

/// `js` without its lines that hold only a comment: `// ...` lines, and `/* ... */` blocks that start
/// a line and end one (our modules have no such line inside a template literal).
fn without_js_comment_lines(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let code = line.trim_start();
        if in_block {
            in_block = !line.trim_end().ends_with("*/");
        } else if let Some(comment) = code.strip_prefix("/*") {
            match comment.find("*/") {
                None => in_block = true,
                // Code after a one-line comment: kept whole.
                Some(end) if !comment[end + 2..].trim().is_empty() => {
                    out.push_str(line);
                    out.push('\n');
                }
                Some(_) => {}
            }
        } else if !code.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `path.gz` beside `path`: its content compressed by `gzip -9 -n`, which `cargo xtask serve` sends
/// to a browser that accepts gzip, as a production server would compress it.
fn write_gzipped(path: &Path) -> Result<(), String> {
    let compressed = command("gzip", ["-9", "-n", "-c"]).arg(path).output_bytes()?;
    write(&gz_path(path), &compressed)
}

/// Where [`write_gzipped`] puts the compressed copy of `path`.
pub fn gz_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    name.into()
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn hashed_names_follow_the_content_and_are_found_again() {
        // SHA-256("abc") = ba7816bf8f01cfea...
        assert_eq!(hashed_name("app.js", b"abc"), "app.ba7816bf8f.js");
        assert_eq!(hashed_name("analyzer_bg.wasm", b"abc"), "analyzer_bg.ba7816bf8f.wasm");
        let dist = std::env::temp_dir().join(format!("xtask-hashed-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        for file in ["app.ba7816bf8f.js", "analyzer.js.map", "style.css"] {
            std::fs::write(dist.join(file), b"").unwrap();
        }
        assert_eq!(site_file(&dist, "app.js").unwrap(), dist.join("app.ba7816bf8f.js"));
        assert_eq!(site_file(&dist, "style.css").unwrap(), dist.join("style.css"));
        assert_eq!(site_file(&dist, "analyzer.js").unwrap(), dist.join("analyzer.js"));
        assert!(is_hashed_name("analyzer_bg.0123456789.wasm"));
        for plain in
            ["app.js", "app.012345678.js", "app.0123456789.js.map", "app.012345678g.js", ".0123456789.js"]
        {
            assert!(!is_hashed_name(plain), "{plain}");
        }
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn js_comment_lines_are_dropped_and_the_code_kept() {
        let js = "// a module\n/**\n * Doc.\n */\nexport function f(a) {\n  /* one line */\n  return a; // kept\n}\n/* note */ const b = '// not a comment';\n";
        assert_eq!(
            without_js_comment_lines(js),
            "export function f(a) {\n  return a; // kept\n}\n/* note */ const b = '// not a comment';\n"
        );
    }

    #[test]
    fn css_comments_are_dropped_and_the_rules_kept() {
        let css =
            "/* a */\n:root { --c: red; } /* b\n c */\n[data-label=\"ORG\"] { color: var(--c); }\n/* open";
        assert_eq!(
            without_css_comments(css),
            ":root { --c: red; } [data-label=\"ORG\"] { color: var(--c); }\n"
        );
    }

    #[test]
    fn inlining_refuses_text_that_would_close_its_element() {
        assert!(inline("let a = '</SCRIPT>';", "script").is_err());
        assert_eq!(inline("a < b && c > d", "script").as_deref(), Ok("\na < b && c > d"));
        assert_eq!(inline("a;\r\nb;\rc;\n", "script").as_deref(), Ok("\na;\nb;\nc;\n"));
        assert_eq!(escape_html("<b>&amp;</b>"), "&lt;b&gt;&amp;amp;&lt;/b&gt;");
    }

    #[test]
    fn the_single_file_csp_allows_each_inline_script_and_style_by_its_hash_and_nothing_else() {
        // The example of the CSP specification: <script>alert('Hello, world.');</script>.
        let hello = "alert('Hello, world.');";
        assert_eq!(csp_hash(hello), "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
        let csp = single_file_csp(&[hello, "b"], &["c"]);
        let script_src = format!("script-src {} {} 'wasm-unsafe-eval';", csp_hash(hello), csp_hash("b"));
        assert!(csp.contains(&script_src), "{csp}");
        assert!(csp.contains(&format!("; style-src {};", csp_hash("c"))), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("require-trusted-types-for 'script'; trusted-types article-analyzer"));
    }

    #[test]
    fn the_demo_csp_allows_its_import_map_by_hash_and_the_favicon_is_the_hashed_one() {
        let site = Site {
            www: [("favicon.svg", "<svg/>".to_string())].into_iter().collect(),
            glue: String::new(),
            wasm: Vec::new(),
        };
        let html = site.demo().unwrap();
        let map =
            html.split("<script type=\"importmap\">").nth(1).unwrap().split("</script>").next().unwrap();
        let csp = html.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).unwrap();
        let csp = &csp[..csp.find('"').unwrap()];
        assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {};", csp_hash(map))), "{csp}");
        assert!(!html.contains("@IMPORTMAP_HASH@") && !csp.contains("unsafe-inline"));
        assert!(html.contains(&format!("href=\"{}\"", hashed_name("favicon.svg", b"<svg/>"))));
    }

    #[test]
    fn the_single_file_csp_hashes_every_inline_script_and_style_it_holds() {
        let index = format!(
            "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\
             <link rel=\"icon\" href=\"favicon.svg\"><link rel=\"stylesheet\" href=\"marks.css\">\
             <link rel=\"stylesheet\" href=\"style.css\">\n{PRELOAD}</head><body>\
             <script src=\"analyzer.js\"></script>\n{APP_SCRIPT}</body>"
        );
        let www = [
            ("favicon.svg", "<svg/>"),
            ("marks.css", "mark { color: red; }\r\n"),
            ("style.css", "body { margin: 0; }\n"),
            ("worker.js", "onmessage = () => {};\n"),
            ("app.js", "start();\n"),
        ];
        let site = Site {
            www: www.into_iter().map(|(name, text)| (name, text.to_string())).collect(),
            glue: "let wasm_bindgen;\n".into(),
            wasm: b"\0asm".to_vec(),
        };
        let html = site.single_file(&index).unwrap();
        assert!(!html.contains("preload"), "the single file fetches nothing");
        let (csp, _) = html.split_once("\">").unwrap();
        let mut executable = 0;
        for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
            for element in html.split(open).skip(1) {
                let (tag, rest) = element.split_once('>').unwrap();
                if tag.contains("type=") {
                    continue; // data, not code: the wasm and the worker's source
                }
                let content = &rest[..rest.find(close).unwrap()];
                assert!(csp.contains(&csp_hash(content)), "{open}{tag}> is not in {csp}");
                executable += 1;
            }
        }
        assert_eq!(executable, 4, "the glue, app.js and the two style sheets");
    }
}
