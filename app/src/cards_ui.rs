//! Card pieces shared by the portal and the office: the card row, the history list and the
//! "Add New Card" dialog that confirms the card with the processor from the browser.

pub mod dialog;
pub mod history;
pub mod row;
pub mod setup;

pub use dialog::{ADD_CARD_DIALOG, AddCardDialog, NewCardSubmission};
pub use history::{HistoryList, HistoryRow};
pub use row::{CardRow, CardSummary, PayChoice};
pub use setup::CardOwner;

/// Opens the `<dialog>` with this id as a modal (browsers with invoker commands also do it
/// without JavaScript through `command="show-modal"`).
pub fn open_dialog(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(dialog) = leptos::prelude::document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlDialogElement>().ok())
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Closes the `<dialog>` with this id (a fallback for browsers without invoker commands).
pub fn close_dialog(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(dialog) = leptos::prelude::document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlDialogElement>().ok())
        {
            dialog.close();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Closes every open `<dialog>` inside the elements matching `scope` (a CSS selector), e.g. after
/// a list re-rendered in place under a dialog that did its job.
pub fn close_open_dialogs(scope: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let selector = format!("{scope} dialog[open]");
        while let Some(dialog) = leptos::prelude::document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlDialogElement>().ok())
        {
            dialog.close();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = scope;
}
