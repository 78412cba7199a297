//! The portal's sign-in page.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Signs a customer in. Customer accounts open with the accounts feature; until then every
/// well-formed request gets a plain "not open yet" answer.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    crate::domain::EmailAddress::parse(&email)
        .map_err(|e| AppError::invalid("email", e.to_string()))?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    Err(AppError::Unavailable(
        "Online sign-in isn't open yet. Please call the office for help with your account.".into(),
    ))
}

/// Email, password, "Login"; links to request an invitation or reset a password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let show_password = RwSignal::new(false);
    let error = move || login.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        move || {
            error()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        }
    };
    let form_error = move || {
        error()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };

    view! {
        <Title text="Login" />
        <section class="card narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in to your account"</h1>
            <ActionForm action=login attr:novalidate="true" attr:class="form">
                <div class="field">
                    <label for="login-email">"Email"</label>
                    <input
                        id="login-email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        required
                        aria-describedby="login-email-error"
                    />
                    <p id="login-email-error" class="field__error" role="alert">
                        {field_error("email")}
                    </p>
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <div class="password">
                        <input
                            id="login-password"
                            name="password"
                            type=move || if show_password.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            required
                            aria-describedby="login-password-error"
                        />
                        <button
                            type="button"
                            class="button button--quiet"
                            aria-controls="login-password"
                            aria-pressed=move || show_password.get().to_string()
                            on:click=move |_| show_password.update(|shown| *shown = !*shown)
                        >
                            {move || if show_password.get() { "Hide password" } else { "Show password" }}
                        </button>
                    </div>
                    <p id="login-password-error" class="field__error" role="alert">
                        {field_error("password")}
                    </p>
                </div>
                <p class="form__error" role="alert">{form_error}</p>
                <button type="submit" class="button button--primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Login" }}
                </button>
            </ActionForm>
            <p class="aside">
                <a href="/forgot-password">"Forgot password?"</a>
                " · "
                <a href="/request-invitation">"Request an invitation"</a>
            </p>
        </section>
    }
}
