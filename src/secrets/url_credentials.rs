//! URL credentials: the password of `scheme://user:password@host` is masked wherever a URL
//! is written, valid or not.

use super::MASK;

/// A URL (or `user:password@host`, as `--proxy` also takes it) to show in a message: its
/// password replaced by [`MASK`], even when the URL is not valid.
pub fn redact_url(url: &str) -> String {
    if url.contains("://") {
        return mask_url_passwords(url).unwrap_or_else(|| url.to_string());
    }
    match mask_url_passwords(&format!("x://{url}")) {
        Some(masked) => masked["x://".len()..].to_string(),
        None => url.to_string(),
    }
}

/// `text` with the password of every `scheme://user:password@host` replaced by [`MASK`];
/// `None` when there is none. Invalid URLs count too: an error about a bad URL quotes it.
pub(super) fn mask_url_passwords(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let start = at + 3;
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let authority_end = after
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '`' | '"' | '\'' | '<' | '>' | ')')
                    || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                let userinfo = &authority[..userinfo_end];
                match userinfo.split_once(':') {
                    Some((user, password)) if !password.is_empty() && password != MASK => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(MASK);
                        changed = true;
                    }
                    _ => out.push_str(userinfo),
                }
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::redact_url;
    use crate::secrets::Masker;

    #[test]
    fn url_passwords_are_masked_even_in_bad_urls() {
        let m = Masker::new();
        assert_eq!(
            m.mask("invalid --proxy `http://user:s3cretPass@[bad`: x"),
            "invalid --proxy `http://user:*****@[bad`: x"
        );
        assert_eq!(
            m.mask("a http://u:p@ss:w@h:8/p?q=http://x b https://h/@x c://nouser@h"),
            "a http://u:*****@h:8/p?q=http://x b https://h/@x c://nouser@h"
        );
        assert_eq!(redact_url("u:pw@[bad"), "u:*****@[bad");
        assert_eq!(redact_url("http://u:pw@h"), "http://u:*****@h");
        assert_eq!(redact_url("h:8080"), "h:8080");
    }
}
