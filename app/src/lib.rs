//! Porchlight's web app: routes, pages and server functions shared by the server and the browser.

// The page modules are public so tests can call their server functions by type; the argument
// structs `#[server]` generates and the props `#[component]` generates carry no field docs.
#[allow(missing_docs)]
pub mod cards_ui;
#[cfg(feature = "ssr")]
mod csp;
pub mod domain;
pub mod error;
mod layout;
mod nav_guard;
mod not_found;
#[allow(missing_docs)]
pub mod office;
#[allow(missing_docs)]
pub mod portal;
pub mod rows;
mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

use layout::{Area, Frame};
use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{Outlet, ParentRoute, Redirect, Route, Router, Routes},
    lazy_route, path,
};

pub use error::AppError;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_content_security_policy(&options);
    #[cfg(feature = "ssr")]
    let test_mode = use_context::<backend::AppState>()
        .is_some_and(|state| state.gateway.mode() == backend::gateway::Mode::Test);
    #[cfg(not(feature = "ssr"))]
    let test_mode = false;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                // The package folder is `pkg/{build hash}` in a release binary: its files never change.
                <link
                    rel="stylesheet"
                    id="leptos"
                    href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
                />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
                // After the app, outside what the browser hydrates; it stays across navigations.
                {test_mode.then(TestModeBanner)}
                <ui::DoneElement />
            </body>
        </html>
    }
}

/// "Test mode" on every page while the payment processor moves no real money.
#[component]
fn TestModeBanner() -> impl IntoView {
    view! {
        <aside class="test-mode" aria-label="Test mode">
            <p>
                <strong>"Test mode: "</strong>
                "no real money moves. Cards are checked by a test payment processor and never charged."
            </p>
        </aside>
    }
}

/// `text` safe inside the server's `<title>` element (whose entities the browser decodes).
fn escape_title(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The whole app: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|page: String| {
            let title = if page.is_empty() { "Customer Portal".to_owned() } else { format!("{page} · Customer Portal") };
            // The server's `<title>` is written as given (leptos_meta does not escape it), and a
            // customer's name could close the element; the browser sets `document.title` as text.
            if cfg!(feature = "ssr") { escape_title(&title) } else { title }
        } />
        <Router>
            <layout::Layout>
                <Routes fallback=|| view! { <Frame area=Area::Portal><not_found::NotFound /></Frame> }>
                    <ParentRoute path=path!("") view=|| view! { <Frame area=Area::Portal><Outlet /></Frame> }>
                        <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                        <Route path=path!("/request-invitation") view={Lazy::<RequestInvitationRoute>::new()} />
                        // The link pages wait for their link check on the server, so the page
                        // is whole without JavaScript (streamed, it stayed at "Checking your link…").
                        <Route path=path!("/verify") view={Lazy::<VerifyRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} />
                        <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    </ParentRoute>
                    <ParentRoute path=path!("/office") view=|| view! { <Frame area=Area::Office><Outlet /></Frame> }>
                        <Route path=path!("/login") view={Lazy::<OfficeLoginRoute>::new()} />
                        <Route path=path!("/forgot-password") view={Lazy::<OfficeForgotPasswordRoute>::new()} />
                        <Route path=path!("/reset-password") view={Lazy::<OfficeResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    </ParentRoute>
                    <PortalRoutes />
                    <OfficeRoutes />
                </Routes>
            </layout::Layout>
        </Router>
    }
}

/// The signed-in customer pages, under one shell that checks sign-in once. They render fully
/// before sending (`SsrMode::Async`), so a visitor gets a real redirect.
#[component(transparent)]
fn PortalRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=portal::PortalShell ssr=SsrMode::Async>
            <Route path=path!("/") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/payment-methods") view={Lazy::<PaymentMethodsRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/invoices/:id") view={Lazy::<InvoiceRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/invoices/:id/pay") view={Lazy::<PayRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/payments/:id/receipt") view={Lazy::<ReceiptRoute>::new()} ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}

/// The office pages, under one shell that checks the staff sign-in once.
#[component(transparent)]
fn OfficeRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/office") view=office::OfficeShell ssr=SsrMode::Async>
            <Route path=path!("") view=|| view! { <Redirect path="/office/customers" /> } ssr=SsrMode::Async />
            <Route path=path!("/customers") view={Lazy::<CustomersRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/customers/:id") view={Lazy::<CustomerRecordRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/customers/:id/edit") view={Lazy::<EditCustomerRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/customers/:id/history") view={Lazy::<PaymentHistoryRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/call-booking") view={Lazy::<CallBookingRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/settings/online-payments") view={Lazy::<OnlinePaymentsRoute>::new()} ssr=SsrMode::Async />
            <Route path=path!("/staff") view={Lazy::<StaffRoute>::new()} ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}

/// Declares a page as a lazy route: in the split build its code is a wasm chunk of its own,
/// loaded when the route is first opened (and before hydrating, when it is the first page).
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($page), "` as a lazy route.")]
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                nav_guard::mark_rendered();
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

use office::{
    CallBookingPage, CustomerRecordPage, CustomersPage, EditCustomerPage, OfficeForgotPasswordPage,
    OfficeLoginPage, OfficeResetPasswordPage, OnlinePaymentsPage, PaymentHistoryPage, StaffPage,
};
use portal::{
    AccountPage, DashboardPage, ForgotPasswordPage, InvoicePage, LoginPage, PayPage,
    PaymentMethodsPage, ReceiptPage, RequestInvitationPage, ResetPasswordPage, VerifyPage,
};

lazy_pages! {
    LoginRoute => LoginPage,
    RequestInvitationRoute => RequestInvitationPage,
    VerifyRoute => VerifyPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    OfficeLoginRoute => OfficeLoginPage,
    OfficeForgotPasswordRoute => OfficeForgotPasswordPage,
    OfficeResetPasswordRoute => OfficeResetPasswordPage,
    DashboardRoute => DashboardPage,
    AccountRoute => AccountPage,
    PaymentMethodsRoute => PaymentMethodsPage,
    InvoiceRoute => InvoicePage,
    PayRoute => PayPage,
    ReceiptRoute => ReceiptPage,
    CustomersRoute => CustomersPage,
    CustomerRecordRoute => CustomerRecordPage,
    EditCustomerRoute => EditCustomerPage,
    PaymentHistoryRoute => PaymentHistoryPage,
    CallBookingRoute => CallBookingPage,
    OnlinePaymentsRoute => OnlinePaymentsPage,
    StaffRoute => StaffPage,
}
