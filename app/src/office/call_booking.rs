//! Call Booking: create a customer record; the same form edits one later.

#[cfg(feature = "ssr")]
use crate::error::Context as _;
use crate::{
    domain::{CustomerId, CustomerKind},
    error::AppError,
    ui::{Loaded, SubmitButton, TextField, action_error, field_message, form_message, use_id},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The customer form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerForm {
    /// Full name or company name.
    pub name: String,
    /// Contact and sign-in email.
    pub email: String,
    /// Phone number (optional).
    pub phone: String,
    /// Where the work happens (optional).
    pub service_address: String,
    /// `residential` or `commercial`.
    pub kind: String,
}

#[cfg(feature = "ssr")]
impl CustomerForm {
    /// Turns the form into a store record, or every field's error.
    fn parse(&self) -> Result<crate::backend::store::NewCustomer, AppError> {
        let Self {
            name,
            email,
            phone,
            service_address,
            kind,
        } = self;
        let details =
            crate::domain::CustomerDetails::parse(name, email, phone, service_address, kind)
                .map_err(|errors| {
                    AppError::Fields(errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect())
                })?;
        Ok(crate::backend::store::NewCustomer {
            name: details.name,
            email: details.email,
            phone: details
                .phone
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            service_address: details.service_address,
            kind: details.kind,
        })
    }
}

#[cfg(feature = "ssr")]
fn duplicate_email(e: crate::backend::StoreError) -> AppError {
    match e {
        crate::backend::StoreError::Duplicate(_) => {
            AppError::invalid("email", "Another customer already has this email address.")
        }
        other => AppError::internal("saving a customer", other),
    }
}

/// The portal sign-in follows the email: the store signed the account out everywhere and voided
/// its links with the change; this tells the old address, so an email change cannot quietly hand
/// the account to someone else.
#[cfg(feature = "ssr")]
async fn portal_email_changed(
    state: &crate::backend::AppState,
    old: &crate::backend::store::Customer,
    new_email: &crate::domain::EmailAddress,
) -> Result<(), AppError> {
    use crate::backend::mail::{Sender, templates};
    let has_account = state
        .store
        .account_info(old.id)
        .await
        .context("reading an account")?
        .is_some();
    // The store voided the links and ended the sessions with the change itself.
    if has_account {
        let settings = state.store.settings().await.context("reading settings")?;
        let mail =
            templates::email_changed(&old.email, &old.name, &settings.business_name, new_email);
        let reply_to = crate::domain::EmailAddress::parse(&settings.reply_to_email).ok();
        state.mailer.send_in_background(
            Sender {
                name: settings.business_name,
                reply_to,
            },
            mail,
        );
    }
    Ok(())
}

/// Creates a customer record and returns its id.
#[server(endpoint = "office/customers/create")]
pub async fn create_customer(customer: CustomerForm) -> Result<CustomerId, AppError> {
    let (state, staff) = super::auth::require_staff(false).await?;
    let new = customer.parse()?;
    let id = state
        .store
        .insert_customer(&new, state.clock.now())
        .await
        .map_err(duplicate_email)?;
    tracing::info!(customer = %id, staff = %staff.id, "customer booked");
    Ok(id)
}

/// Replaces a customer's details.
#[server(endpoint = "office/customers/update")]
pub async fn update_customer(id: String, customer: CustomerForm) -> Result<CustomerId, AppError> {
    let (state, _) = super::auth::require_staff(false).await?;
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let new = customer.parse()?;
    let old = state
        .store
        .update_customer(id, &new, state.clock.now())
        .await
        .map_err(|e| match e {
            crate::backend::StoreError::NotFound => AppError::NotFound,
            other => duplicate_email(other),
        })?;
    if old.email != new.email {
        portal_email_changed(&state, &old, &new.email).await?;
    }
    leptos_axum::redirect(&format!("/office/customers/{id}"));
    Ok(id)
}

/// The customer fields, with errors next to each.
#[component]
fn CustomerFields(values: CustomerForm, error: Signal<Option<AppError>>) -> impl IntoView {
    // The choice sent with a refused post without JavaScript wins over the stored one.
    let kind = crate::ui::kept_input("customer[kind]").unwrap_or(values.kind);
    let kind = CustomerKind::parse(&kind).unwrap_or(CustomerKind::Residential);
    view! {
        <TextField label="Name" name="customer[name]" id="customer-name" autocomplete="name" value=values.name error=field_message(error, "name") />
        <TextField label="Email" name="customer[email]" id="customer-email" kind="email" autocomplete="email" value=values.email error=field_message(error, "email") />
        <TextField label="Phone" name="customer[phone]" id="customer-phone" kind="tel" autocomplete="tel" optional=true value=values.phone error=field_message(error, "phone") />
        <TextField label="Service address" name="customer[service_address]" id="customer-address" autocomplete="address-line1" optional=true value=values.service_address error=field_message(error, "service_address") />
        <fieldset class="field" aria-describedby="customer-kind-error">
            <legend>"Type"</legend>
            <label class="choice"><input type="radio" name="customer[kind]" value="residential" checked=kind == CustomerKind::Residential />" Residential"</label>
            <label class="choice"><input type="radio" name="customer[kind]" value="commercial" checked=kind == CustomerKind::Commercial />" Commercial"</label>
            <p id="customer-kind-error" class="field__error" role="alert">{move || field_message(error, "kind").get()}</p>
        </fieldset>
    }
}

/// `/office/call-booking`.
#[component]
pub fn CallBookingPage() -> impl IntoView {
    view! {
        <Title text="Call Booking" />
        <BookingForm />
    }
}

#[component]
fn BookingForm() -> impl IntoView {
    let create = crate::ui::form_action::<CreateCustomer>();
    let error = action_error(create);
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <h1>"Call Booking"</h1>
        <section class="card">
            <div role="status" class="notice notice--ok">
                {move || created().map(|id| view! {
                    "Customer created. " <a href=format!("/office/customers/{id}")>"Open the customer record"</a>
                })}
            </div>
            <ActionForm action=create attr:novalidate=true attr:class="form">
                <CustomerFields values=CustomerForm::default() error=error />
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Create customer" busy="Saving…" pending=create.pending() />
            </ActionForm>
        </section>
    }
}

/// `/office/customers/:id/edit`.
#[component]
pub fn EditCustomerPage() -> impl IntoView {
    view! {
        <Title text="Edit customer" />
        <EditForm />
    }
}

#[component]
fn EditForm() -> impl IntoView {
    let id = use_id();
    let record = Resource::new(id, |id| super::record::customer_record(id, None));
    let update = crate::ui::form_action::<UpdateCustomer>();
    let error = action_error(update);
    view! {
        <h1>"Edit customer"</h1>
        <Loaded resource=record loading="Loading…" let:r>
            {{
                        let values = CustomerForm {
                            name: r.name.clone(),
                            email: r.email.clone(),
                            phone: r.phone.clone(),
                            service_address: r.service_address.clone(),
                            kind: r.kind.as_str().to_owned(),
                        };
                        view! {
                            <section class="card">
                                <ActionForm action=update attr:novalidate=true attr:class="form">
                                    <input type="hidden" name="id" value=r.id.to_string() />
                                    <CustomerFields values=values error=error />
                                    <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                                    <SubmitButton label="Save changes" busy="Saving…" pending=update.pending() />
                                    <a href=format!("/office/customers/{}", r.id)>"Cancel"</a>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }}
        </Loaded>
    }
}
