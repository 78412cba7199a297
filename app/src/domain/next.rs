//! Where to send a customer after signing in: only paths on this site.

/// Returns `input` if it is a same-site relative path (`/…`, not `//…` or `/\…`), else `/`.
pub fn safe_next(input: &str) -> String {
    let ok = input.starts_with('/')
        && !input.starts_with("//")
        && !input.starts_with("/\\")
        && !input.chars().any(|c| c.is_control() || c == '\\');
    if ok { input.to_owned() } else { "/".to_owned() }
}

/// Percent-encodes a path for use as a query value.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_kept() {
        assert_eq!(safe_next("/account"), "/account");
        assert_eq!(safe_next("/invoices/7?x=1"), "/invoices/7?x=1");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/\ttab",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/invoices/7?x=1&y"),
            "/invoices/7%3Fx%3D1%26y"
        );
    }
}
