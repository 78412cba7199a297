//! The server's main pages are valid HTML: the faults the Nu Html Checker (vnu) once found are
//! checked by name on every run, and vnu itself checks the pages where it is installed (always
//! under CI; `npm ci` in end2end/ installs it, Java runs it).

use crate::helpers::{TestApp, spawn_app};
use app::domain::StaffRole;
use std::{path::PathBuf, process::Command};

/// The main pages as their visitors see them: (path, HTML).
async fn main_pages(app: &TestApp) -> Vec<(String, String)> {
    let (customer, session) = app.paying_customer("maria@example.com").await;
    app.save_card(&session, "4242 4242 4242 4242", true).await;
    let invoice = app.invoice(customer, 120_00).await;
    let admin = app
        .staff_session(StaffRole::Admin, "alex@office.example")
        .await;
    let mut pages = Vec::new();
    for path in [
        "/login",
        "/forgot-password",
        "/request-invitation",
        "/office/login",
    ] {
        pages.push((path.to_owned(), app.page_html(path).await));
    }
    for path in [
        "/".to_owned(),
        "/payment-methods".to_owned(),
        "/account".to_owned(),
        format!("/invoices/{invoice}"),
        format!("/invoices/{invoice}/pay"),
    ] {
        let html = app.page_html_as(&path, &session).await;
        pages.push((path, html));
    }
    for path in [
        format!("/office/customers/{customer}"),
        format!("/office/customers/{customer}/edit"),
        "/office/customers".to_owned(),
        "/office/call-booking".to_owned(),
        "/office/settings/online-payments".to_owned(),
    ] {
        let html = app.page_html_as(&path, &admin).await;
        pages.push((path, html));
    }
    pages
}

/// Boolean attributes the pages use: present (empty) or absent, never `="true"` or `="false"`.
const BOOLEAN_ATTRIBUTES: &[&str] = &[
    "novalidate",
    "hidden",
    "disabled",
    "checked",
    "required",
    "readonly",
    "selected",
    "multiple",
    "open",
    "defer",
    "async",
];

/// The start tags named `tag` in `html` (from `<tag` to the next `>`).
fn start_tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    html.match_indices(&open)
        .map(|(i, _)| &html[i..])
        .filter(|rest| rest[open.len()..].starts_with([' ', '>', '/']))
        .map(|rest| &rest[..rest.find('>').map_or(rest.len(), |end| end + 1)])
        .collect()
}

/// The values of attribute `name` anywhere in `html`.
fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let pattern = format!(" {name}=\"");
    html.match_indices(&pattern)
        .map(|(i, _)| {
            let rest = &html[i + pattern.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .collect()
}

/// What is wrong with `html` among the faults vnu found on these pages.
fn known_faults(html: &str) -> Vec<String> {
    let mut faults = Vec::new();
    for name in BOOLEAN_ATTRIBUTES {
        for value in attribute_values(html, name) {
            if !value.is_empty() {
                faults.push(format!("boolean attribute {name}=\"{value}\""));
            }
        }
    }
    // Leptos appends its resources' scripts (and, when streaming, its templates) after the
    // shell; they belong inside the document.
    let end = html.rfind("</html>");
    match end {
        None => faults.push("no </html>".to_owned()),
        Some(end) => {
            let after = html[end + "</html>".len()..].trim();
            if !after.is_empty() {
                let start: String = after.chars().take(60).collect();
                faults.push(format!("content after </html>: {start}…"));
            }
            if html.matches("</html>").count() != 1 || html.matches("</body>").count() != 1 {
                faults.push("more than one </body> or </html>".to_owned());
            }
        }
    }
    // `street-address` is a multi-line token: a textarea's, never an input's.
    for tag in start_tags(html, "input") {
        if tag.contains("autocomplete=\"street-address\"") {
            faults.push(format!("single-line {tag}"));
        }
    }
    // Leptos' HydrationScripts wrote the CSP nonce into `crossorigin`.
    for value in attribute_values(html, "crossorigin") {
        if !matches!(value, "" | "anonymous" | "use-credentials") {
            faults.push(format!("crossorigin=\"{value}\""));
        }
    }
    faults
}

#[tokio::test]
async fn the_main_pages_are_free_of_the_markup_faults_the_html_checker_found() {
    let app = spawn_app().await;
    let pages = main_pages(&app).await;
    let faults: Vec<String> = pages
        .iter()
        .flat_map(|(path, html)| {
            known_faults(html)
                .into_iter()
                .map(move |fault| format!("{path}: {fault}"))
        })
        .collect();
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_fault_check_finds_each_fault_it_names() {
    let good = "<!DOCTYPE html><html><head><link rel=\"modulepreload\" href=\"/a.js\" \
                crossorigin=\"anonymous\"></head><body><form novalidate><input \
                autocomplete=\"address-line1\"></form><script>1</script></body></html>";
    assert_eq!(known_faults(good), Vec::<String>::new());
    let bad = "<!DOCTYPE html><html><head><link rel=\"preload\" crossorigin=\"n0Nce\"></head>\
               <body><form novalidate=\"true\"><input type=\"text\" \
               autocomplete=\"street-address\"></form></body></html><script>1</script>";
    let faults = known_faults(bad);
    assert_eq!(faults.len(), 4, "{faults:?}");
}

/// Where `npm ci` in end2end/ puts the checker.
fn vnu_jar() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../end2end/node_modules/vnu-jar/build/dist/vnu.jar")
}

/// Whether vnu can run here (its jar and Java).
fn vnu_available() -> Result<(), String> {
    if !vnu_jar().exists() {
        return Err(format!(
            "{} is missing: run `npm ci` in end2end/ (cargo xtask setup does)",
            vnu_jar().display()
        ));
    }
    match Command::new("java").arg("-version").output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => Err("`java` does not run: install a Java runtime (11 or later)".to_owned()),
    }
}

/// vnu's messages that are accepted, with the reason: only Leptos' hydration markers. Leptos
/// writes `<!>` between neighbouring dynamic text nodes so the browser keeps them apart; HTML
/// parses it as an (empty, harmless) "bogus comment", which vnu reports as an error.
fn accepted(message: &serde_json::Value) -> bool {
    let text = message["message"].as_str().unwrap_or_default();
    let extract = message["extract"].as_str().unwrap_or_default();
    let start = message["hiliteStart"].as_u64().unwrap_or(0) as usize;
    let length = message["hiliteLength"].as_u64().unwrap_or(0) as usize;
    let flagged: String = extract.chars().skip(start).take(length).collect();
    text == "Bogus comment." && flagged == "<!>"
}

#[tokio::test]
async fn the_main_pages_pass_the_nu_html_checker() {
    if let Err(missing) = vnu_available() {
        // The check is only ever skipped outside CI, where the lead may not have run `npm ci`.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "vnu must run under CI: {missing}"
        );
        eprintln!("skipped: {missing}");
        return;
    }
    let app = spawn_app().await;
    let pages = main_pages(&app).await;
    let dir = std::env::temp_dir().join(format!("porchlight-vnu-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (i, (path, html)) in pages.iter().enumerate() {
        let file = dir.join(format!("{i:02}.html"));
        std::fs::write(&file, html).unwrap();
        files.push((file, path));
    }
    let out = Command::new("java")
        .args(["-Xss4m", "-jar"])
        .arg(vnu_jar())
        .args(["--format", "json", "--stdout"])
        .args(files.iter().map(|(file, _)| file))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu's report ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    assert!(!messages.is_empty() || out.status.success(), "{report}");
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] != "info" && !accepted(m))
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let page = files
                .iter()
                .find(|(file, _)| url.ends_with(&*file.to_string_lossy()))
                .map_or(url, |(_, path)| path.as_str());
            format!(
                "{page}: {} …{}…",
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
