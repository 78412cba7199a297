//! The browser entry point: hydrates the server-rendered page and nothing else.

/// Attaches the Leptos app to the server-rendered HTML once the WASM and the chunks of the
/// current page's lazy route have loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_reload_notice();
    }));
    leptos::mount::hydrate_lazy(app::App);
}

/// After a panic the page no longer responds (a chunk that failed to download ends that way):
/// say so, with a way out, instead of leaving a page that silently ignores clicks.
fn show_reload_notice() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return;
    };
    if body
        .query_selector("#reload-notice")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    // `rel="external"` keeps the router's click handler out of it: the link must load the page
    // anew, not navigate inside the app that just failed.
    let here = window
        .location()
        .href()
        .unwrap_or_default()
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let _ = body.insert_adjacent_html(
        "afterbegin",
        &format!(
            "<div id=\"reload-notice\" class=\"reload-notice\" role=\"alert\">\
             <p>Part of this page did not load, so it may not respond. \
             <a href=\"{here}\" rel=\"external\">Reload the page</a></p></div>"
        ),
    );
}
