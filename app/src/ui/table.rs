//! Tables that fit a phone: they scroll sideways, and say so when they are empty.

use leptos::prelude::*;

/// A table that scrolls sideways on narrow screens (focusable, so a keyboard can scroll it), or
/// `empty` in its place when there are no rows.
#[component]
pub fn Table(
    /// How many rows the body has.
    rows: usize,
    /// What to say when there are none.
    empty: &'static str,
    /// The `<thead>` and `<tbody>`.
    children: Children,
) -> impl IntoView {
    if rows == 0 {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! { <div class="table-wrap" tabindex="0"><table>{children()}</table></div> }.into_any()
}

/// A [`Table`] with one row drawn by `row` for each item of `rows`.
#[component]
pub fn RowTable<T, R, V>(
    /// The column headings.
    columns: &'static [&'static str],
    /// The heading of a last column of buttons or links, read only by screen readers.
    #[prop(default = None)]
    actions: Option<&'static str>,
    /// The items, one a row.
    rows: Vec<T>,
    /// What to say when there are none.
    empty: &'static str,
    /// Draws one item's `<tr>`.
    row: R,
) -> impl IntoView
where
    T: 'static,
    R: Fn(T) -> V + 'static,
    V: IntoView + Send + 'static,
{
    let count = rows.len();
    let body = rows.into_iter().map(row).collect_view();
    let head = columns
        .iter()
        .map(|c| view! { <th>{*c}</th> })
        .collect_view();
    let actions = actions.map(|a| view! { <th><span class="visually-hidden">{a}</span></th> });
    view! {
        <Table rows=count empty>
            <thead><tr>{head}{actions}</tr></thead>
            <tbody>{body}</tbody>
        </Table>
    }
}
