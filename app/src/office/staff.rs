//! `/office/staff` (admins only): add office users and disable or re-enable them.

use super::auth::AdminOnly;
#[cfg(feature = "ssr")]
use crate::error::{Context as _, FoundContext as _};
use crate::{
    domain::{StaffId, StaffRole},
    error::AppError,
    ui::{Loaded, SubmitButton, TextField, action_error, field_message, form_message},
};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One staff member in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: StaffId,
    pub name: String,
    /// Sign-in email.
    pub email: String,
    pub role: StaffRole,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Whether this row is the signed-in admin.
    pub is_me: bool,
}

/// Every staff member (admins only).
#[server(endpoint = "office/staff")]
pub async fn staff_list() -> Result<Vec<StaffRow>, AppError> {
    let (state, me) = super::auth::require_staff(true).await?;
    let staff = state.store.list_staff().await.context("reading staff")?;
    Ok(staff
        .into_iter()
        .map(|s| StaffRow {
            id: s.id,
            name: s.name,
            email: s.email.to_string(),
            role: s.role,
            disabled: s.disabled,
            is_me: s.id == me.id,
        })
        .collect())
}

/// Adds an office user (admins only).
#[server(endpoint = "office/staff/add")]
pub async fn add_staff_member(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::{
        backend::{StoreError, store::NewStaff},
        domain::{EmailAddress, Password, customer::bounded_text},
    };
    let (state, me) = super::auth::require_staff(true).await?;
    let mut errors = Vec::new();
    let email = EmailAddress::parse(&email).map_err(|e| errors.push(("email", e.to_string())));
    let name = bounded_text(&name, "the name", 100, true).map_err(|e| errors.push(("name", e)));
    let role = role
        .parse::<StaffRole>()
        .map_err(|e| errors.push(("role", e.to_string())));
    let password = Password::parse(&password).map_err(|e| errors.push(("password", e.to_string())));
    let (Ok(email), Ok(name), Ok(role), Ok(password)) = (email, name, role, password) else {
        return AppError::from_fields(errors);
    };
    let password_hash = state.passwords.hash(&password).await.context("hashing")?;
    let new = NewStaff {
        email,
        name,
        role,
        password_hash,
    };
    match state.store.insert_staff(&new, state.clock.now()).await {
        Ok(id) => {
            tracing::info!(staff = %id, by = %me.id, "staff member added");
            Ok(())
        }
        Err(StoreError::Duplicate(_)) => Err(AppError::invalid(
            "email",
            "A staff member with this email already exists.",
        )),
        Err(e) => Err(AppError::internal("adding staff", e)),
    }
}

/// Disables (ending their sessions) or re-enables an office user (admins only).
#[server(endpoint = "office/staff/set-enabled")]
pub async fn set_staff_enabled(id: String, enabled: bool) -> Result<(), AppError> {
    let (state, me) = super::auth::require_staff(true).await?;
    let id: StaffId = id.parse().map_err(|_| AppError::NotFound)?;
    if id == me.id && !enabled {
        return Err(AppError::Conflict(
            "You can't disable your own account.".into(),
        ));
    }
    state
        .store
        .set_staff_disabled(id, !enabled)
        .await
        .found("changing a staff account")?;
    tracing::info!(staff = %id, by = %me.id, enabled, "staff account changed");
    Ok(())
}

/// The staff page.
#[component]
pub fn StaffPage() -> impl IntoView {
    view! {
        <Title text="Staff" />
        <StaffAdmin />
    }
}

#[component]
fn StaffAdmin() -> impl IntoView {
    let add = crate::ui::form_action::<AddStaffMember>();
    let toggle = crate::ui::form_action::<SetStaffEnabled>();
    let list = Resource::new(
        move || (add.version().get(), toggle.version().get()),
        |_| staff_list(),
    );
    let error = action_error(add);
    let toggle_error = move || {
        toggle
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let added = move || {
        matches!(add.value().get(), Some(Ok(())))
            .then_some("Staff member added. They can sign in at /office/login.")
    };
    view! {
        <AdminOnly>
        <h1>"Staff"</h1>
        <section class="card" aria-labelledby="staff-list-heading">
            <h2 id="staff-list-heading">"Office users"</h2>
            <p class="form__error" role="alert">{toggle_error}</p>
            <Loaded resource=list loading="Loading…" let:rows>
                <crate::ui::RowTable columns=&["Name", "Email", "Role", "Status"] actions=Some("Actions") rows empty="No office users." row=move |s: StaffRow| {
                    let label = if s.disabled { format!("Enable {}", s.name) } else { format!("Disable {}", s.name) };
                    let message = if s.disabled { "They will be able to sign in again." } else { "They are signed out everywhere and cannot sign in." };
                    view! {
                        <tr>
                            <td>{s.name.clone()}</td>
                            <td>{s.email}</td>
                            <td>{if s.role == StaffRole::Admin { "Admin" } else { "Accountant" }}</td>
                            <td>{if s.disabled { "Disabled" } else { "Active" }}</td>
                            <td>{(!s.is_me).then(|| view! {
                                <crate::ui::Confirm summary=if s.disabled { "Enable…" } else { "Disable…" }>
                                    <ActionForm action=toggle attr:class="inline-form">
                                        <crate::ui::ConfirmButton hidden=vec![("id", s.id.to_string()), ("enabled", s.disabled.to_string())] message label />
                                    </ActionForm>
                                </crate::ui::Confirm>
                            })}</td>
                        </tr>
                    }
                } />
            </Loaded>
        </section>
        <section class="card" aria-labelledby="add-staff-heading">
            <h2 id="add-staff-heading">"Add a staff member"</h2>
            <p class="notice notice--ok" role="status">{added}</p>
            <ActionForm action=add attr:novalidate=true attr:class="form">
                <TextField label="Name" name="name" id="staff-name" error=field_message(error, "name") />
                <TextField label="Email" name="email" id="staff-email" kind="email" error=field_message(error, "email") />
                <div class="field">
                    <label for="staff-role">"Role"</label>
                    <select id="staff-role" name="role">
                        <option value="accountant">"Accountant"</option>
                        <option value="admin">"Admin"</option>
                    </select>
                    <p class="field__error" role="alert">{move || field_message(error, "role").get()}</p>
                </div>
                <TextField label="Temporary password" name="password" id="staff-password" kind="password" autocomplete="new-password"
                    hint="At least 8 characters; share it with them privately." error=field_message(error, "password") />
                <p class="form__error" role="alert">{move || form_message(error).get()}</p>
                <SubmitButton label="Add staff member" busy="Adding…" pending=add.pending() />
            </ActionForm>
        </section>
        </AdminOnly>
    }
}
