//! Just enough JavaScript lexing to read Postman scripts: tokens without comments, split
//! into statements, and the sandbox APIs and variables a script uses. It never evaluates
//! anything; text it cannot follow simply does not match any idiom.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword.
    Ident,
    /// A number.
    Num,
    /// A `'…'` or `"…"` string literal.
    Str,
    /// A template literal.
    Template,
    /// A regular expression literal.
    Regex,
    /// An operator or bracket.
    Punct,
}

/// One token: its kind, its source text and whether a line break precedes it.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub newline_before: bool,
}

impl Token<'_> {
    fn is(&self, text: &str) -> bool {
        matches!(self.kind, Kind::Punct | Kind::Ident) && self.text == text
    }
}

const PUNCTS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>",
];

/// Keywords after which a `/` starts a regular expression.
const BEFORE_REGEX: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The tokens of a script, comments left out.
pub fn tokens(src: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(src.len(), |&(o, _)| o);
    let mut i = 0;
    let mut newline = false;
    while let Some(c) = at(i) {
        if c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
            newline = true;
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if c == '/' && at(i + 1) == Some('/') {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            continue;
        } else if c == '/' && at(i + 1) == Some('*') {
            i += 2;
            while let Some(c) = at(i) {
                if c == '*' && at(i + 1) == Some('/') {
                    i += 2;
                    break;
                }
                newline |= c == '\n';
                i += 1;
            }
            continue;
        } else if c == '"' || c == '\'' {
            i += 1;
            while let Some(d) = at(i) {
                i += 1;
                if d == '\\' {
                    i += 1;
                } else if d == c || d == '\n' {
                    break;
                }
            }
            kind = Kind::Str;
        } else if c == '`' {
            i += 1;
            let mut depth = 0usize;
            while let Some(d) = at(i) {
                i += 1;
                match d {
                    '\\' => i += 1,
                    '$' if at(i) == Some('{') => {
                        depth += 1;
                        i += 1;
                    }
                    '}' if depth > 0 => depth -= 1,
                    '`' if depth == 0 => break,
                    _ => {}
                }
            }
            kind = Kind::Template;
        } else if c == '/' && regex_allowed(out.last()) {
            i += 1;
            let mut class = false;
            while let Some(d) = at(i) {
                i += 1;
                match d {
                    '\\' => i += 1,
                    '[' => class = true,
                    ']' => class = false,
                    '/' if !class => break,
                    '\n' => break,
                    _ => {}
                }
            }
            while at(i).is_some_and(ident_char) {
                i += 1;
            }
            kind = Kind::Regex;
        } else if ident_start(c) {
            while at(i).is_some_and(ident_char) {
                i += 1;
            }
            kind = Kind::Ident;
        } else if c.is_ascii_digit() || (c == '.' && at(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            while at(i).is_some_and(|d| d.is_ascii_alphanumeric() || d == '.' || d == '_') {
                i += 1;
            }
            kind = Kind::Num;
        } else {
            let rest = &src[offset(i)..];
            let len = PUNCTS
                .iter()
                .find(|p| rest.starts_with(*p))
                .map_or(1, |p| p.chars().count());
            i += len;
            kind = Kind::Punct;
        }
        let end = offset(i.min(chars.len()));
        out.push(Token {
            kind,
            text: &src[offset(start)..end],
            newline_before: newline,
        });
        newline = false;
    }
    out
}

fn regex_allowed(prev: Option<&Token<'_>>) -> bool {
    match prev {
        None => true,
        Some(t) => match t.kind {
            Kind::Punct => !matches!(t.text, ")" | "]" | "}" | "++" | "--"),
            Kind::Ident => BEFORE_REGEX.contains(&t.text),
            _ => false,
        },
    }
}

/// Tokens after which a statement cannot end.
fn continues_after(t: &Token<'_>) -> bool {
    t.kind == Kind::Punct && !matches!(t.text, ")" | "]" | "}" | "++" | "--" | ";")
}

/// Tokens before which a line break does not end a statement.
fn continues_before(t: &Token<'_>) -> bool {
    t.kind == Kind::Punct
        && !matches!(
            t.text,
            "(" | "[" | "{" | "}" | "!" | "++" | "--" | "+" | "-" | "~"
        )
}

/// The top-level statements of `toks`: split at `;` and at line breaks that end a
/// statement, never inside brackets. A `}` that closes a block at the top level also ends
/// its statement unless `)`, `.`, `,` or an `else`/`catch`/`finally` follows.
pub fn statements<'t, 'a>(toks: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if depth == 0 && i > start && t.newline_before {
            let prev = &toks[i - 1];
            let joined = continues_after(prev)
                || continues_before(t)
                || (prev.is("}") && matches!(t.text, "else" | "catch" | "finally" | "while"));
            if !joined {
                out.push(&toks[start..i]);
                start = i;
            }
        }
        if t.kind == Kind::Punct {
            match t.text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                ";" if depth == 0 => {
                    if i > start {
                        out.push(&toks[start..i]);
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// A statement as compact text: no comments, no spaces except between two words, string
/// literals written as JSON strings (`"…"`), so one pattern matches every layout.
pub fn compact(toks: &[Token<'_>]) -> String {
    let mut out = String::new();
    let mut prev_word = false;
    for t in toks {
        let word = matches!(t.kind, Kind::Ident | Kind::Num);
        if word && prev_word {
            out.push(' ');
        }
        if t.kind == Kind::Str {
            match string_value(t.text) {
                Some(s) => out.push_str(&serde_json::to_string(&s).unwrap_or_default()),
                None => out.push_str(t.text),
            }
        } else {
            out.push_str(t.text);
        }
        prev_word = word;
    }
    out
}

/// The value of a string literal token.
pub fn string_value(lit: &str) -> Option<String> {
    let quote = lit.chars().next()?;
    let body = lit.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' => out.push('\0'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// The APIs a Postman script may use that runner's sandbox does not offer, each with a
/// test on the tokens around a free identifier (`pm.vault`, `_.get`, `new URL`). Modules
/// through `require('name')` are named separately: runner's `require` knows only
/// `MODULES`.
const UNSUPPORTED: &[(&str, &str, Lookahead)] = &[
    ("pm", "pm.require", Lookahead::Member("require")),
    ("pm", "pm.vault", Lookahead::Member("vault")),
    ("cheerio", "cheerio", Lookahead::Any),
    ("URL", "URL", Lookahead::Any),
    ("URLSearchParams", "URLSearchParams", Lookahead::Any),
    ("crypto", "crypto (Web Crypto)", Lookahead::Member("")),
];

/// The modules runner's `require` returns.
const MODULES: &[&str] = &[
    "crypto-js",
    "chai",
    "atob",
    "btoa",
    "uuid",
    "lodash",
    "moment",
    "buffer",
    "ajv",
    "tv4",
    "xml2js",
];

#[derive(Debug, Clone, Copy)]
enum Lookahead {
    /// Any use of the name.
    Any,
    /// `name.member` (any member when empty).
    Member(&'static str),
}

/// The APIs of a script that runner's sandbox lacks, each named once, in order of use.
pub fn unsupported_apis(toks: &[Token<'_>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Ident || (i > 0 && matches!(toks[i - 1].text, "." | "?.")) {
            continue;
        }
        let next = toks.get(i + 1);
        // An object key (`{ URL: x }`) or a declaration of the name is not a use.
        if next.is_some_and(|n| n.is(":"))
            || (i > 0 && matches!(toks[i - 1].text, "var" | "let" | "const" | "function"))
        {
            continue;
        }
        if t.text == "require"
            && next.is_some_and(|n| n.is("("))
            && let Some(arg) = toks.get(i + 2)
            && arg.kind == Kind::Str
            && let Some(module) = string_value(arg.text)
            && !MODULES.contains(&module.as_str())
        {
            add(format!("require('{module}')"));
            continue;
        }
        for (name, label, look) in UNSUPPORTED {
            if t.text != *name {
                continue;
            }
            let hit = match look {
                Lookahead::Any => true,
                Lookahead::Member(m) => {
                    next.is_some_and(|n| n.is("."))
                        && toks.get(i + 2).is_some_and(|n| {
                            n.kind == Kind::Ident && (m.is_empty() || n.text == *m)
                        })
                }
            };
            if hit {
                add((*label).to_string());
            }
        }
    }
    out
}

/// The Postman variables a script sets by name (`pm.environment.set("x", …)`,
/// `postman.setEnvironmentVariable("x", …)`), in order.
pub fn variables_set(toks: &[Token<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let call = if t.is("pm")
            && toks.get(i + 1).is_some_and(|n| n.is("."))
            && toks.get(i + 2).is_some_and(|n| {
                matches!(
                    n.text,
                    "environment" | "collectionVariables" | "globals" | "variables"
                )
            })
            && toks.get(i + 3).is_some_and(|n| n.is("."))
            && toks.get(i + 4).is_some_and(|n| n.is("set"))
        {
            i + 5
        } else if t.is("postman")
            && toks.get(i + 1).is_some_and(|n| n.is("."))
            && toks
                .get(i + 2)
                .is_some_and(|n| matches!(n.text, "setEnvironmentVariable" | "setGlobalVariable"))
        {
            i + 3
        } else {
            continue;
        };
        if toks.get(call).is_some_and(|n| n.is("("))
            && let Some(arg) = toks.get(call + 1)
            && arg.kind == Kind::Str
            && let Some(name) = string_value(arg.text)
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

/// Where the token `t` starts in `src` (tokens are slices of it).
fn offset_in(src: &str, t: &Token<'_>) -> usize {
    (t.text.as_ptr() as usize).saturating_sub(src.as_ptr() as usize)
}

/// The string literals of `toks` that name a variable: the first argument of
/// `pm.environment.get("x")` and its kin, of `postman.setEnvironmentVariable("x", …)` and
/// its kin, and the key of `environment["x"]`, `globals["x"]`, `data["x"]`.
fn variable_literals<'t, 'a>(toks: &'t [Token<'a>]) -> Vec<&'t Token<'a>> {
    let mut out = Vec::new();
    let text = |i: usize| toks.get(i).map_or("", |t| t.text);
    let free = |i: usize| i == 0 || !matches!(text(i - 1), "." | "?.");
    for i in 0..toks.len() {
        let arg = if text(i) == "pm"
            && free(i)
            && text(i + 1) == "."
            && matches!(
                text(i + 2),
                "environment" | "collectionVariables" | "globals" | "variables" | "iterationData"
            )
            && text(i + 3) == "."
            && matches!(text(i + 4), "get" | "set" | "unset" | "has")
            && text(i + 5) == "("
        {
            i + 6
        } else if text(i) == "postman"
            && free(i)
            && text(i + 1) == "."
            && matches!(
                text(i + 2),
                "setEnvironmentVariable"
                    | "getEnvironmentVariable"
                    | "clearEnvironmentVariable"
                    | "setGlobalVariable"
                    | "getGlobalVariable"
                    | "clearGlobalVariable"
            )
            && text(i + 3) == "("
        {
            i + 4
        } else if matches!(text(i), "environment" | "globals" | "data")
            && free(i)
            && text(i + 1) == "["
            && text(i + 3) == "]"
        {
            i + 2
        } else {
            continue;
        };
        if let Some(t) = toks.get(arg).filter(|t| t.kind == Kind::Str) {
            out.push(t);
        }
    }
    out
}

/// `src` with the variable names of its variable calls (see `variable_literals`) replaced
/// by `rename`'s answer where it differs.
pub fn rename_variables(src: &str, mut rename: impl FnMut(&str) -> String) -> String {
    let toks = tokens(src);
    let mut out = String::new();
    let mut done = 0;
    for t in variable_literals(&toks) {
        let Some(name) = string_value(t.text) else {
            continue;
        };
        let new = rename(&name);
        if new == name {
            continue;
        }
        let start = offset_in(src, t);
        let quote = &t.text[..1];
        out.push_str(&src[done..start]);
        out.push_str(quote);
        out.push_str(&new);
        out.push_str(quote);
        done = start + t.text.len();
    }
    out.push_str(&src[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{compact, rename_variables, statements, tokens, unsupported_apis, variables_set};

    fn split(src: &str) -> Vec<String> {
        let toks = tokens(src);
        statements(&toks).into_iter().map(compact).collect()
    }

    #[test]
    fn statements_follow_semicolons_lines_and_brackets() {
        assert_eq!(
            split(
                "var a = 1 // one\nvar b = a\n  .trim();\npm.test('x', function () {\n  f(a); /* c */ g(b)\n});\nif (a) {\n x()\n} else {\n y()\n}\nz = `t ${a}` / 2"
            ),
            vec![
                "var a=1",
                "var b=a.trim()",
                r#"pm.test("x",function(){f(a);g(b)})"#,
                "if(a){x()}else{y()}",
                "z=`t ${a}`/2",
            ]
        );
        assert_eq!(
            split(r#"x = /a\/"b/.test(s); y = 'it\'s'"#),
            vec![r#"x=/a\/"b/.test(s)"#, r#"y="it's""#]
        );
    }

    #[test]
    fn unsupported_apis_and_variables() {
        let toks = tokens(
            "const m = require('moment'); const a = require('cheerio'); var c = require(\"crypto-js\"); require('uuid'); require('lodash');\n// require('x')\nconst o = { URL: 1 }; _.get(o, 'a'); pm.vault.get('k'); catch (_) {}\nnew URL(u); pm.environment.set('a', 1); postman.setGlobalVariable(\"b\", 2); pm.variables.get('c')",
        );
        assert_eq!(
            unsupported_apis(&toks),
            vec!["require('cheerio')", "pm.vault", "URL"]
        );
        assert_eq!(variables_set(&toks), vec!["a", "b"]);
    }

    #[test]
    fn variable_names_are_renamed_in_variable_calls_only() {
        let src = "var k = pm.environment.get('project-key'); postman.setGlobalVariable(\"a.b\", 1);\nx.pm.environment.get('c-d'); log('e-f'); environment[\"g-h\"]";
        assert_eq!(
            rename_variables(src, |n| n.replace(['-', '.'], "_")),
            "var k = pm.environment.get('project_key'); postman.setGlobalVariable(\"a_b\", 1);\nx.pm.environment.get('c-d'); log('e-f'); environment[\"g_h\"]"
        );
    }
}
