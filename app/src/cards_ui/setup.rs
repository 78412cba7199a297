//! The processor's card form in the browser: Porchlight begins a setup (a server function), the
//! processor's script (Stripe.js, or the sandbox's script of the same shape) shows the card fields
//! in its own frame and confirms the setup with them. The page only ever holds the setup's id.

use crate::domain::{CustomerId, consent::CardTerms, tokenization::TokenRefusal};

/// Whose card the dialog saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOwner {
    /// The signed-in customer (the portal).
    SignedInCustomer,
    /// A customer the office is adding a card for.
    Customer(CustomerId),
}

/// The refusal's `field` when the processor's frame already shows the problem beside its field.
pub const IN_FRAME: &str = "card";

fn unreachable() -> TokenRefusal {
    TokenRefusal {
        code: "network".into(),
        field: None,
        message: "We couldn't load the secure card form. Check your connection and try again."
            .into(),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! Bindings to the global `Stripe` of the processor's script.
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `Stripe(publishableKey)`.
        #[derive(Clone)]
        pub type Stripe;
        #[wasm_bindgen(catch, js_name = Stripe)]
        pub fn stripe(key: &str) -> Result<Stripe, JsValue>;
        #[wasm_bindgen(method, catch)]
        pub fn elements(this: &Stripe, options: &JsValue) -> Result<Elements, JsValue>;
        #[wasm_bindgen(method, js_name = confirmSetup)]
        pub fn confirm_setup(this: &Stripe, options: &JsValue) -> js_sys::Promise;
        #[wasm_bindgen(method, js_name = handleNextAction)]
        pub fn handle_next_action(this: &Stripe, options: &JsValue) -> js_sys::Promise;

        /// A group of elements sharing one client secret.
        #[derive(Clone)]
        pub type Elements;
        #[wasm_bindgen(method, catch)]
        pub fn create(this: &Elements, kind: &str, options: &JsValue) -> Result<Element, JsValue>;

        /// The Payment Element (its fields live in the processor's frame).
        #[derive(Clone)]
        pub type Element;
        #[wasm_bindgen(method, catch)]
        pub fn mount(this: &Element, target: &web_sys::Element) -> Result<(), JsValue>;
        #[wasm_bindgen(method)]
        pub fn on(this: &Element, event: &str, handler: &js_sys::Function);
        #[wasm_bindgen(method)]
        pub fn focus(this: &Element);
        #[wasm_bindgen(method)]
        pub fn destroy(this: &Element);
    }

    /// A plain object with these string properties.
    pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
        let object = js_sys::Object::new();
        for (key, value) in pairs {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
        }
        object.into()
    }

    /// `value[key]` as a string, if it is one.
    pub fn text(value: &JsValue, key: &str) -> Option<String> {
        js_sys::Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    }

    /// Loads the script at `url` once (later calls find `Stripe` already there).
    pub async fn load_script(url: &str) -> Result<(), JsValue> {
        let global = js_sys::global();
        if js_sys::Reflect::get(&global, &JsValue::from_str("Stripe"))?.is_function() {
            return Ok(());
        }
        let document = leptos::prelude::document();
        let script = document.create_element("script")?;
        script.set_attribute("src", url)?;
        let loaded = js_sys::Promise::new(&mut |resolve, reject| {
            let _ = script.add_event_listener_with_callback("load", &resolve);
            let _ = script.add_event_listener_with_callback("error", &reject);
        });
        document
            .query_selector("head")?
            .ok_or_else(|| JsValue::from_str("no <head>"))?
            .append_child(&script)?;
        wasm_bindgen_futures::JsFuture::from(loaded).await?;
        Ok(())
    }
}

/// Runs the card's bank check (3-D Secure) for a payment in the processor's own window. `Ok`
/// when the check ran (passed or failed: the server reads which); a refusal with code
/// `network` when the processor's script could not be used, so the check never started.
#[cfg(feature = "hydrate")]
pub async fn bank_check(
    script: &crate::domain::tokenization::ProcessorScript,
    client_secret: &crate::domain::tokenization::ClientSecret,
) -> Result<(), TokenRefusal> {
    use wasm_bindgen::JsValue;
    browser::load_script(&script.url)
        .await
        .map_err(|_| unreachable())?;
    let stripe = browser::stripe(&script.publishable_key).map_err(|_| unreachable())?;
    let options = browser::object(&[("clientSecret", JsValue::from_str(client_secret.expose()))]);
    wasm_bindgen_futures::JsFuture::from(stripe.handle_next_action(&options))
        .await
        .map(drop)
        .map_err(|_| unreachable())
}

/// Without the browser build there is no bank check.
#[cfg(not(feature = "hydrate"))]
pub async fn bank_check(
    _script: &crate::domain::tokenization::ProcessorScript,
    _client_secret: &crate::domain::tokenization::ClientSecret,
) -> Result<(), TokenRefusal> {
    Err(unreachable())
}

/// The processor's card form, mounted for one setup (browser handles; nothing on the server).
#[derive(Clone)]
pub struct CardForm {
    #[cfg(feature = "hydrate")]
    handles: send_wrapper::SendWrapper<Handles>,
}

/// The processor's objects behind a mounted card form (the browser has one thread).
#[cfg(feature = "hydrate")]
#[derive(Clone)]
struct Handles {
    stripe: browser::Stripe,
    elements: browser::Elements,
    element: browser::Element,
}

impl CardForm {
    /// Begins a setup for `owner`, loads the processor's script and mounts its card form inside
    /// `target`; `on_ready` runs once the fields can be typed into, `on_escape` when Escape is
    /// pressed inside them. Also the card-on-file terms to show (none for the office).
    #[cfg(feature = "hydrate")]
    pub async fn mount(
        owner: CardOwner,
        target: &leptos::web_sys::Element,
        on_ready: impl Fn() + 'static,
        on_escape: impl Fn() + 'static,
    ) -> Result<(Self, Option<CardTerms>), TokenRefusal> {
        use wasm_bindgen::{JsCast, JsValue, closure::Closure};
        let crate::domain::tokenization::CardFormStart { setup, terms } = match owner {
            CardOwner::SignedInCustomer => {
                crate::portal::payment_methods::api::begin_card_setup().await
            }
            CardOwner::Customer(id) => {
                crate::office::cards::office_begin_card_setup(id.to_string()).await
            }
        }
        .map_err(|e| TokenRefusal {
            code: "setup".into(),
            field: None,
            message: e.to_string(),
        })?;
        browser::load_script(&setup.script.url)
            .await
            .map_err(|_| unreachable())?;
        let stripe = browser::stripe(&setup.script.publishable_key).map_err(|_| unreachable())?;
        let elements = stripe
            .elements(&browser::object(&[(
                "clientSecret",
                JsValue::from_str(&setup.client_secret),
            )]))
            .map_err(|_| unreachable())?;
        let options = browser::object(&[
            ("layout", JsValue::from_str("tabs")),
            (
                "wallets",
                browser::object(&[
                    ("applePay", JsValue::from_str("never")),
                    ("googlePay", JsValue::from_str("never")),
                ]),
            ),
        ]);
        let element = elements
            .create("payment", &options)
            .map_err(|_| unreachable())?;
        // The element keeps its handlers for its whole life (two per mounted form).
        for (event, handler) in [
            ("ready", Closure::<dyn Fn()>::new(on_ready)),
            ("escape", Closure::<dyn Fn()>::new(on_escape)),
        ] {
            element.on(event, handler.as_ref().unchecked_ref());
            handler.forget();
        }
        element.mount(target).map_err(|_| unreachable())?;
        let form = Self {
            handles: send_wrapper::SendWrapper::new(Handles {
                stripe,
                elements,
                element,
            }),
        };
        Ok((form, terms))
    }

    /// Without the browser build there is no card form.
    #[cfg(not(feature = "hydrate"))]
    pub async fn mount(
        _owner: CardOwner,
        _target: &leptos::web_sys::Element,
        _on_ready: impl Fn() + 'static,
        _on_escape: impl Fn() + 'static,
    ) -> Result<(Self, Option<CardTerms>), TokenRefusal> {
        Err(unreachable())
    }

    /// Confirms the setup with the card typed into the processor's frame; the setup's id. A
    /// refusal the frame shows beside its field has `field` [`IN_FRAME`].
    #[cfg(feature = "hydrate")]
    pub async fn confirm(&self) -> Result<String, TokenRefusal> {
        use wasm_bindgen::JsValue;
        let options = browser::object(&[
            ("elements", JsValue::from(self.handles.elements.clone())),
            ("redirect", JsValue::from_str("if_required")),
        ]);
        let answer =
            wasm_bindgen_futures::JsFuture::from(self.handles.stripe.confirm_setup(&options))
                .await
                .map_err(|_| unreachable())?;
        let error = js_sys::Reflect::get(&answer, &JsValue::from_str("error"))
            .ok()
            .filter(|e| e.is_object());
        if let Some(error) = error {
            let kind = browser::text(&error, "type").unwrap_or_default();
            return Err(TokenRefusal {
                code: browser::text(&error, "code").unwrap_or_default(),
                field: (kind == "validation_error").then(|| IN_FRAME.to_owned()),
                message: browser::text(&error, "message")
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| unreachable().message),
            });
        }
        js_sys::Reflect::get(&answer, &JsValue::from_str("setupIntent"))
            .ok()
            .and_then(|intent| browser::text(&intent, "id"))
            .ok_or_else(unreachable)
    }

    /// Without the browser build there is nothing to confirm.
    #[cfg(not(feature = "hydrate"))]
    pub async fn confirm(&self) -> Result<String, TokenRefusal> {
        Err(unreachable())
    }

    /// Moves focus to the card fields.
    pub fn focus(&self) {
        #[cfg(feature = "hydrate")]
        self.handles.element.focus();
    }

    /// Removes the card form (its setup is left to expire unused).
    pub fn destroy(&self) {
        #[cfg(feature = "hydrate")]
        self.handles.element.destroy();
    }
}

impl std::fmt::Debug for CardForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardForm")
    }
}
