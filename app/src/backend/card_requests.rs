//! "Request card on file": the office asks a customer to save a card. A customer with a portal
//! account gets an email whose link opens the Add New Card dialog (after signing in); one
//! without gets the portal invitation, whose page goes on to that dialog once the password is
//! set. Throttled per customer like invitations, and recorded for the customer record.

use super::{
    AppState,
    auth::{accounts, throttle},
    mail::{business_sender, templates},
};
use crate::error::Context as _;
use crate::{
    domain::{CustomerId, StaffId},
    error::AppError,
};

/// Where the request's link leads: Saved Payment Methods with Add New Card open.
pub const ADD_CARD_PATH: &str = "/payment-methods?add=1";

/// Sends the request and records it; the sentence for the office.
pub async fn request_card_on_file(
    state: &AppState,
    customer: CustomerId,
    staff: StaffId,
) -> Result<String, AppError> {
    let settings = state.store.settings().await.context("reading settings")?;
    if !settings.saved_cards_on() {
        return Err(AppError::SwitchedOff(
            "Customers can save cards only while both switches in Settings › Online Payments are on."
                .into(),
        ));
    }
    let customer = state
        .store
        .customer(customer)
        .await
        .map_err(|_| AppError::NotFound)?;
    let has_account = accounts::has_account(state, customer.id).await?;
    let now = state.clock.now();
    let too_many = || {
        AppError::Conflict(
            "This customer was already asked several times in the last hour. Please try again later."
                .into(),
        )
    };
    if has_account {
        let bucket = format!("card-request:{}", customer.id);
        if !throttle::admit(state, &bucket, accounts::EMAILS_PER_HOUR, 3600, now).await? {
            return Err(too_many());
        }
        let sender = business_sender(state).await?;
        let link = format!("{}{ADD_CARD_PATH}", state.public.origin());
        let mail = templates::card_request(&customer.email, &customer.name, &sender.name, &link);
        state.mailer.send_in_background(sender, mail);
    } else if !accounts::send_invitation_leading_to(
        state,
        customer.id,
        &customer.name,
        &customer.email,
        ADD_CARD_PATH,
    )
    .await?
    {
        return Err(too_many());
    }
    state
        .store
        .record_card_request(customer.id, staff, now, !has_account)
        .await
        .context("recording a card request")?;
    tracing::info!(customer = %customer.id, staff = %staff, invited = !has_account, "card on file requested");
    Ok(if has_account {
        format!("Card request sent to {}.", customer.email)
    } else {
        format!(
            "{} has no portal account yet: an invitation was sent to {} that leads to adding a card.",
            customer.name, customer.email
        )
    })
}
