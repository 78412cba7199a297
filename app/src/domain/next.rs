//! Where to send a customer after signing in: only paths on this site.

/// Returns `input` if it is a same-site relative path (`/…`, not `//…` or `/\…`), else `/`;
/// without the form-answer parameters (`__err`, `__path`, `__in_…`) that only the server may set.
pub fn safe_next(input: &str) -> String {
    let ok = input.starts_with('/')
        && !input.starts_with("//")
        && !input.starts_with("/\\")
        && !input.chars().any(|c| c.is_control() || c == '\\');
    if ok {
        without_answer_params(input)
    } else {
        "/".to_owned()
    }
}

/// `path` without query pairs named `__err`, `__path` or `__in_…` (raw or percent-encoded).
fn without_answer_params(path: &str) -> String {
    let (before_hash, hash) = match path.split_once('#') {
        Some((p, h)) => (p, Some(h)),
        None => (path, None),
    };
    let Some((base, query)) = before_hash.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let name = name.replace("%5F", "_").replace("%5f", "_");
            !(name == "__err" || name == "__path" || name.starts_with("__in_"))
        })
        .collect();
    let mut out = base.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(hash) = hash {
        out.push('#');
        out.push_str(hash);
    }
    out
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
    fn form_values_and_messages_in_next_are_dropped() {
        assert_eq!(
            safe_next("/office/customers/42/edit?__in_customer[email]=evil@x.test"),
            "/office/customers/42/edit"
        );
        assert_eq!(
            safe_next("/payment-methods?add=1&__err=abc&%5F%5Fpath=%2Fapi&edit=3#top"),
            "/payment-methods?add=1&edit=3#top"
        );
        assert_eq!(safe_next("/invoices/7?x=1"), "/invoices/7?x=1");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/invoices/7?x=1&y"),
            "/invoices/7%3Fx%3D1%26y"
        );
    }
}
