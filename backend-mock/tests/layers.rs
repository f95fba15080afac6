//! The shape of `backend-mock/src`: a folder is a layer, a file imports only from its own layer
//! or a lower one, and no files import each other in a circle.
//!
//! The test reads every `.rs` file under `src/`, collects the paths it takes from the crate
//! (`use crate::…`, `use super::…`, and `crate::…` / `super::…` written inline), finds the file
//! each path leads to, and fails naming the file and the import that breaks a rule. A name taken
//! from the crate root (`crate::Net`) leads to `lib.rs`, the top: lower layers name the module
//! that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, lowest first: each may import from itself and those before it. A file belongs to
/// the layer of the longest pattern matching its path under `src/`: a folder (`kernel/`), one
/// file (`kernel/state.rs`), or `*.rs` for the files directly in `src/`.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &["base/"]),
    ("trace", &["trace/"]),
    ("kernel tables", &["kernel/table/"]),
    ("kernel state", &["kernel/state.rs"]),
    ("kernel calls", &["kernel/"]),
    ("net", &["net/"]),
    ("public types", &["socket/", "asynch/", "*.rs"]),
];

#[test]
fn each_file_imports_only_from_its_layer_or_below_and_never_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = read_tree(&src, &src);
    let graph = Graph::of(&files);
    assert!(
        graph.problems.is_empty(),
        "backend-mock/src breaks its layers:\n{}",
        graph.problems.join("\n")
    );
    // Guard against a reader that sees nothing: the crate's layers do use each other.
    assert!(files.len() > 40 && graph.arrows.len() > 80, "{graph:?}");
    println!(
        "backend-mock/src: {} files, {} imports between them, no circle, none up",
        files.len(),
        graph.arrows.len()
    );
}

#[test]
fn an_import_from_a_higher_layer_is_named() {
    let files = tree(&[
        ("lib.rs", "mod base;\nmod net;\npub use net::Net;"),
        ("base/mod.rs", "pub(crate) mod ring;"),
        // The path is spread over a group and written across lines, as rustfmt may leave it.
        (
            "base/ring.rs",
            "use crate::{\n    net::{self, Net},\n};\nstruct Ring;",
        ),
        (
            "net/mod.rs",
            "use crate::base::ring::Ring;\npub struct Net;",
        ),
    ]);
    let problems = Graph::of(&files).problems;
    assert_eq!(
        problems,
        [
            "base/ring.rs (base) imports crate::net from net/mod.rs (net), a higher layer",
            "a circle of imports: base/ring.rs -> net/mod.rs (crate::net), \
             net/mod.rs -> base/ring.rs (crate::base::ring::Ring)",
        ]
    );
}

#[test]
fn a_name_from_the_crate_root_counts_as_an_import_of_lib_rs() {
    let files = tree(&[
        ("lib.rs", "mod base;\npub use base::handle::Handle;"),
        (
            "base/mod.rs",
            "pub(crate) mod handle;\npub(crate) mod queue;",
        ),
        ("base/handle.rs", "pub struct Handle;"),
        ("base/queue.rs", "fn f(h: crate::Handle) {}"),
    ]);
    let problems = Graph::of(&files).problems;
    assert!(
        problems[0].contains("base/queue.rs (base) imports crate::Handle from lib.rs"),
        "{problems:#?}"
    );
}

#[test]
fn comments_strings_and_inner_modules_are_read_as_rust_reads_them() {
    let files = tree(&[
        ("lib.rs", "mod kernel;\nmod net;"),
        ("net/mod.rs", "pub struct Net;"),
        (
            "kernel/mod.rs",
            r####"
            //! [`crate::net::Net`] in a doc comment is no import.
            /* nor in a /* nested */ block: crate::net::Net */
            const S: &str = "crate::net::Net";
            const R: &str = r#"crate::net::Net "quoted""#;
            const C: char = '"';
            fn f<'a>(x: &'a str) -> &'a str { x }
            pub(in crate::kernel) struct Scoped;
            pub(crate) mod calls {
                mod tests {
                    use super::super::state::State;
                }
            }
            mod state { pub struct State; }
            "####,
        ),
    ]);
    let graph = Graph::of(&files);
    assert!(graph.problems.is_empty(), "{:#?}", graph.problems);
    assert!(graph.arrows.is_empty(), "{:#?}", graph.arrows);
}

/// The source files of a made-up crate, by path under `src/`.
fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

/// Every `.rs` file under `dir`, by its path under `root` (with `/` between folders).
fn read_tree(root: &Path, dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("read src/").path();
        if path.is_dir() {
            files.extend(read_tree(root, &path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src/");
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy());
            let text = fs::read_to_string(&path).expect("read a source file");
            files.insert(rel.collect::<Vec<_>>().join("/"), text);
        }
    }
    files
}

/// The layer of a file: the index in [`LAYERS`] of its longest matching pattern.
fn layer_of(file: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, patterns)) in LAYERS.iter().enumerate() {
        for p in patterns.iter() {
            let len = if *p == "*.rs" {
                (!file.contains('/')).then_some(0)
            } else if p.ends_with('/') {
                file.starts_with(p).then_some(p.len())
            } else {
                (file == *p).then_some(p.len())
            };
            if let Some(len) = len {
                if best.is_none_or(|(_, l)| len > l) {
                    best = Some((i, len));
                }
            }
        }
    }
    best.map(|(i, _)| i)
}

/// One import between two files.
#[derive(Debug)]
struct Arrow {
    from: String,
    to: String,
    /// The path as written, with `super` resolved: `crate::kernel::state::State`.
    path: String,
}

/// The files' imports, and what breaks the rules.
#[derive(Debug)]
struct Graph {
    arrows: Vec<Arrow>,
    problems: Vec<String>,
}

impl Graph {
    fn of(files: &BTreeMap<String, String>) -> Graph {
        let code: BTreeMap<&String, Code> = files
            .iter()
            .map(|(file, text)| (file, Code::read(&Modules::file_module(file), text)))
            .collect();
        let modules = Modules::of(&code);
        let mut arrows = Vec::new();
        let mut problems = Vec::new();
        for (&file, code) in &code {
            let Some(layer) = layer_of(file) else {
                problems.push(format!("{file} is in no layer: add its folder to LAYERS"));
                continue;
            };
            for (module, path) in &code.paths {
                let Some((to, full)) = modules.resolve(module, path) else {
                    continue;
                };
                if to == *file || arrows.iter().any(|a: &Arrow| a.from == *file && a.to == to) {
                    continue;
                }
                let to_layer = layer_of(&to).unwrap_or(usize::MAX);
                if to_layer > layer {
                    problems.push(format!(
                        "{file} ({}) imports {full} from {to} ({}), a higher layer",
                        LAYERS[layer].0,
                        LAYERS.get(to_layer).map_or("no layer", |l| l.0),
                    ));
                }
                arrows.push(Arrow {
                    from: file.clone(),
                    to,
                    path: full,
                });
            }
        }
        for circle in circles(&arrows) {
            let ties: Vec<String> = arrows
                .iter()
                .filter(|a| circle.contains(&a.from) && circle.contains(&a.to))
                .map(|a| format!("{} -> {} ({})", a.from, a.to, a.path))
                .collect();
            problems.push(format!("a circle of imports: {}", ties.join(", ")));
        }
        Graph { arrows, problems }
    }
}

/// The crate's modules: each module path (`["kernel", "table"]`) and the file that holds it.
struct Modules(BTreeMap<Vec<String>, String>);

impl Modules {
    fn of(code: &BTreeMap<&String, Code>) -> Modules {
        let mut map = BTreeMap::new();
        for (&file, code) in code {
            map.insert(Modules::file_module(file), file.clone());
            // Inline modules (`mod tests { … }`) live in the file that holds them.
            for inner in &code.inline_modules {
                map.insert(inner.clone(), file.clone());
            }
        }
        Modules(map)
    }

    /// `kernel/table/mod.rs` and `kernel/table.rs` are `["kernel", "table"]`; `lib.rs` is `[]`.
    fn file_module(file: &str) -> Vec<String> {
        let mut parts: Vec<String> = file.split('/').map(str::to_string).collect();
        let last = parts.pop().unwrap_or_default();
        let stem = last.trim_end_matches(".rs");
        if !(stem == "mod" || (stem == "lib" && parts.is_empty())) {
            parts.push(stem.to_string());
        }
        parts
    }

    /// The file a path written in `module` leads to, and the path made absolute; `None` for a
    /// path outside the crate.
    fn resolve(&self, module: &[String], path: &[String]) -> Option<(String, String)> {
        let mut abs: Vec<String> = Vec::new();
        let mut rest = path;
        match path.first().map(String::as_str) {
            Some("crate") => rest = &path[1..],
            Some("self") | Some("super") => {
                abs = module.to_vec();
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "self" => {}
                        "super" => {
                            abs.pop()?;
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            // A path starting at a child module of this one (`pub use net::Net;` in lib.rs).
            Some(first) => {
                let mut child = module.to_vec();
                child.push(first.to_string());
                self.0.get(&child)?;
                abs = module.to_vec();
            }
            None => return None,
        }
        abs.extend(rest.iter().cloned());
        let found = (0..=abs.len())
            .rev()
            .find_map(|n| self.0.get(&abs[..n]).cloned())?;
        let full = core::iter::once("crate".to_string())
            .chain(abs)
            .collect::<Vec<_>>()
            .join("::");
        Some((found, full))
    }
}

/// What the test reads in a file's code (comments and literals are not code).
struct Code {
    /// The inline modules (`mod tests { … }`), as whole module paths.
    inline_modules: Vec<Vec<String>>,
    /// The paths taken from the crate, each with the module it is written in: those of the
    /// `use` declarations, and those written inline that start with `crate`, `super` or `self`.
    paths: Vec<(Vec<String>, Vec<String>)>,
}

impl Code {
    fn read(file_module: &[String], text: &str) -> Code {
        let tokens = tokens(&code_of(text));
        let mut code = Code {
            inline_modules: Vec::new(),
            paths: Vec::new(),
        };
        let mut module = file_module.to_vec();
        // The inline modules open: the depth of braces at which each closes.
        let mut open: Vec<isize> = Vec::new();
        let mut depth: isize = 0;
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i].as_str();
            match t {
                "{" => depth += 1,
                "}" => {
                    depth -= 1;
                    if open.last() == Some(&depth) {
                        open.pop();
                        module.pop();
                    }
                }
                "mod" if tokens.get(i + 2).map(String::as_str) == Some("{") => {
                    module.push(tokens[i + 1].clone());
                    code.inline_modules.push(module.clone());
                    open.push(depth);
                    depth += 1;
                    i += 3;
                    continue;
                }
                "use" => {
                    let end = tokens[i..]
                        .iter()
                        .position(|t| t == ";")
                        .map_or(tokens.len(), |n| i + n);
                    for path in use_tree(&tokens[i + 1..end]) {
                        code.paths.push((module.clone(), path));
                    }
                    i = end + 1;
                    continue;
                }
                // Not `pub(in crate::kernel)`: a visibility names no item.
                "crate" | "super" | "self"
                    if tokens.get(i + 1).map(String::as_str) == Some("::")
                        && !(i > 0 && tokens[i - 1] == "in") =>
                {
                    let mut path = vec![t.to_string()];
                    let mut j = i + 1;
                    while tokens.get(j).map(String::as_str) == Some("::") {
                        match tokens.get(j + 1) {
                            Some(seg) if is_ident(seg) => path.push(seg.clone()),
                            _ => break,
                        }
                        j += 2;
                    }
                    code.paths.push((module.clone(), path));
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        code
    }
}

/// The paths of a `use` tree (`crate::a::{b, c::{self, d}}` gives `crate::a::b`, `crate::a::c`
/// and `crate::a::c::d`); a glob ends at the module it empties.
fn use_tree(tokens: &[String]) -> Vec<Vec<String>> {
    fn walk(tokens: &[String], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        while let Some(t) = tokens.get(*i) {
            match t.as_str() {
                "{" => {
                    *i += 1;
                    while tokens.get(*i).is_some_and(|t| t != "}") {
                        let at = *i;
                        walk(tokens, i, &path, out);
                        if tokens.get(*i).is_some_and(|t| t == ",") || *i == at {
                            *i += 1;
                        }
                    }
                    *i += 1;
                    return;
                }
                "," | "}" => break,
                "as" => *i += 2,
                "self" if !path.is_empty() => *i += 1,
                "::" | "*" => *i += 1,
                _ => {
                    path.push(t.clone());
                    *i += 1;
                }
            }
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(tokens, &mut 0, &[], &mut out);
    out
}

/// The source with comments blanked and string and character literals emptied, so what is
/// left is code.
fn code_of(text: &str) -> String {
    let s: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && s.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && s.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&s, i) {
            // A raw string: r"…", r#"…"#, with as many hashes at the end as at the start.
            let mut j = i + 1;
            let mut hashes = 0;
            while s.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if s.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match s.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| s.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < s.len() && s[i] != '"' {
                i += if s[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), or a lifetime ('a), which stays.
            if next == Some('\\') {
                i += 3;
                while i < s.len() && s[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if s.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(s: &[char], i: usize) -> bool {
    i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '_')
}

/// Identifiers, `::`, and every other character but white space as a token of its own.
fn tokens(code: &str) -> Vec<String> {
    let s: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                i += 1;
            }
            out.push(s[start..i].iter().collect());
        } else if c == ':' && s.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars().all(|c| c.is_alphanumeric() || c == '_') && !t.is_empty()
}

/// The sets of files that import each other in a circle (Tarjan's strongly connected
/// components, those of more than one file).
fn circles(arrows: &[Arrow]) -> Vec<BTreeSet<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in arrows {
        next.entry(&a.from).or_default().push(&a.to);
        next.entry(&a.to).or_default();
    }
    struct Walk<'a> {
        next: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in &self.next[v] {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut set = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    set.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if set.len() > 1 {
                    self.found.push(set);
                }
            }
        }
    }
    let mut walk = Walk {
        next: &next,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for &v in next.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}
