//! Keeps a link clicked while another page is still loading from being lost.
//!
//! Leptos' router (0.8.17) drops the outer half of a navigation that a second one interrupts:
//! signing in navigates from `/login` into the portal shell while the dashboard's chunk
//! downloads, and a header link clicked in that moment left the sign-in form on screen. So a
//! click on a link while the router's page has not rendered yet loads the clicked page anew,
//! which always lands on it.

/// Watches link clicks for the rest of the page's life; called once, by the layout.
pub fn install() {
    #[cfg(feature = "hydrate")]
    browser::install();
}

/// Records that the page of the current route has rendered; called by every page's route.
pub fn mark_rendered() {
    #[cfg(feature = "hydrate")]
    browser::mark_rendered();
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos_router::hooks::{use_location, use_url};
    use web_sys::{
        Element, HtmlAnchorElement, MouseEvent,
        wasm_bindgen::{JsCast, closure::Closure},
    };

    /// The path of the last page that rendered.
    #[derive(Clone, Copy)]
    struct RenderedPath(RwSignal<String>);

    /// Listens on the document, so it runs before the router's listener on the window.
    pub(super) fn install() {
        let rendered = RwSignal::new(String::new());
        provide_context(RenderedPath(rendered));
        let router_path = use_location().pathname;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_click = Closure::<dyn Fn(MouseEvent)>::new(move |ev: MouseEvent| {
            let loading = match (
                router_path.try_get_untracked(),
                rendered.try_get_untracked(),
            ) {
                (Some(wanted), Some(shown)) => wanted != shown,
                _ => false,
            };
            if !loading {
                return;
            }
            if let Some(href) = followed_link(&ev) {
                ev.prevent_default();
                if let Err(e) = window().location().set_href(&href) {
                    leptos::logging::error!("could not load {href}: {e:?}");
                }
            }
        });
        if document
            .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
            .is_ok()
        {
            // The layout, and with it this listener, lives as long as the page.
            on_click.forget();
        }
    }

    /// Follows the route's own URL, which changes only while this page stays on screen.
    pub(super) fn mark_rendered() {
        let Some(RenderedPath(rendered)) = use_context() else {
            return;
        };
        let url = use_url();
        Effect::new(move |_| rendered.set(url.with(|u| u.path().to_owned())));
    }

    /// The address of the same-site link this click follows, when the router would handle it.
    fn followed_link(ev: &MouseEvent) -> Option<String> {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return None;
        }
        let anchor: HtmlAnchorElement = ev
            .target()?
            .dyn_into::<Element>()
            .ok()?
            .closest("a[href]")
            .ok()??
            .dyn_into()
            .ok()?;
        let external = anchor
            .rel()
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("external"));
        if external || !anchor.target().is_empty() || anchor.has_attribute("download") {
            return None;
        }
        (anchor.origin() == window().location().origin().ok()?).then(|| anchor.href())
    }
}
