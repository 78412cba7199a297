//! The customer emails Porchlight sends: plain text plus a simple HTML part.

use super::Email;
use crate::{
    backend::store::TokenPurpose,
    domain::{EmailAddress, reminder::ExpiryReminder},
};

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(business: &str, paragraphs: &[String], button: Option<(&str, &str)>) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>\n", esc(p)));
    }
    if let Some((label, link)) = button {
        body.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none\">{}</a></p>\n<p>Or copy this address into your browser:<br>{}</p>\n",
            esc(link),
            esc(label),
            esc(link)
        ));
    }
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#111827\">\n<h2>{}</h2>\n{body}</body></html>",
        esc(business)
    )
}

fn email(
    to: &EmailAddress,
    to_name: &str,
    subject: String,
    paragraphs: Vec<String>,
    button: Option<(&str, &str)>,
    business: &str,
) -> Email {
    let mut text = paragraphs.join("\n\n");
    if let Some((_, link)) = button {
        text.push_str(&format!("\n\n{link}\n"));
    }
    text.push_str(&format!("\n\n— {business}\n"));
    Email {
        to: to.clone(),
        to_name: to_name.to_owned(),
        subject,
        html: html(business, &paragraphs, button),
        text,
    }
}

/// The one-time link to create a portal account (an invitation) or to choose a new password.
pub fn one_time_link(
    to: &EmailAddress,
    name: &str,
    business: &str,
    purpose: TokenPurpose,
    link: &str,
    minutes: i64,
) -> Email {
    let (subject, what, button, unchanged) = match purpose {
        TokenPurpose::Invitation => (
            format!("Your {business} Customer Portal invitation"),
            format!(
                "Use the link below to verify your email and set a password for the {business} Customer Portal, where you can see your balance and service history and pay invoices."
            ),
            "Verify email and set password",
            "",
        ),
        TokenPurpose::PasswordReset => (
            format!("Reset your {business} Customer Portal password"),
            "Use the link below to choose a new password. Signing in with the new password will work on every device; all other sessions are signed out.".to_owned(),
            "Choose a new password",
            ": your password stays the same",
        ),
    };
    let expiry = format!(
        "The link works once and expires in {minutes} minutes. If you didn't ask for it, you can ignore this email{unchanged}."
    );
    email(
        to,
        name,
        subject,
        vec![format!("Hello {name},"), what, expiry],
        Some((button, link)),
        business,
    )
}

/// The one-time link for a staff member to choose a new office password.
pub fn staff_password_reset(
    to: &EmailAddress,
    name: &str,
    business: &str,
    link: &str,
    minutes: i64,
) -> Email {
    email(
        to,
        name,
        format!("Reset your {business} office password"),
        vec![
            format!("Hello {name},"),
            "Use the link below to choose a new password for the office. Every office session of your account is then signed out.".to_owned(),
            format!("The link works once and expires in {minutes} minutes. If you didn't ask for it, you can ignore this email: your password stays the same."),
        ],
        Some(("Choose a new password", link)),
        business,
    )
}

/// Sent instead of an invitation when the customer already has an account.
pub fn already_registered(
    to: &EmailAddress,
    name: &str,
    business: &str,
    login_link: &str,
    reset_link: &str,
) -> Email {
    email(
        to,
        name,
        format!("You already have a {business} Customer Portal account"),
        vec![
            format!("Hello {name},"),
            "Someone asked for a Customer Portal invitation for this email, but you already have an account.".to_owned(),
            format!("Sign in at {login_link}. If you forgot your password, reset it at {reset_link}."),
            "If this wasn't you, you can ignore this email.".to_owned(),
        ],
        None,
        business,
    )
}

/// Tells the old address that the office changed the account's email.
pub fn email_changed(old: &EmailAddress, name: &str, business: &str, new: &EmailAddress) -> Email {
    email(
        old,
        name,
        format!("Your {business} Customer Portal email was changed"),
        vec![
            format!("Hello {name},"),
            format!(
                "{business} changed the email for your Customer Portal account to {new}. You have been signed out; sign in with the new address from now on."
            ),
            format!("If you didn't ask for this, contact {business} right away."),
        ],
        None,
        business,
    )
}

/// What happened to a card, for the notification email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardNotice {
    /// A card was saved.
    Added,
    /// A card was removed.
    Removed,
    /// A card became the primary one.
    MadePrimary,
    /// The card network sent a saved card's new expiry or number.
    UpdatedByNetwork,
}

/// Tells the customer a card on file changed ("If this wasn't you…").
pub fn card_changed(
    to: &EmailAddress,
    name: &str,
    business: &str,
    notice: CardNotice,
    card: &str,
    when: &str,
    contact: &str,
) -> Email {
    let (subject, what) = match notice {
        CardNotice::Added => (
            "A card was added",
            format!("{card} was added to your saved payment methods"),
        ),
        CardNotice::Removed => (
            "A card was removed",
            format!("{card} was removed from your saved payment methods"),
        ),
        CardNotice::MadePrimary => (
            "Your primary card changed",
            format!("{card} is now your primary card; it is used by default when you pay invoices"),
        ),
        CardNotice::UpdatedByNetwork => (
            "Your saved card was updated by your bank",
            format!(
                "Your bank sent new details for a saved card, now {card}, so it keeps working for your payments"
            ),
        ),
    };
    email(
        to,
        name,
        format!("{subject} · {business} Customer Portal"),
        vec![
            format!("Hello {name},"),
            format!("{what} ({when})."),
            if notice == CardNotice::UpdatedByNetwork {
                format!("There is nothing you need to do. Questions? Contact {business}{contact}.")
            } else {
                format!("If this wasn't you, contact {business} right away{contact}.")
            },
        ],
        None,
        business,
    )
}

/// The office asks the customer (who has a portal account) to save a card on file.
pub fn card_request(to: &EmailAddress, name: &str, business: &str, link: &str) -> Email {
    email(
        to,
        name,
        format!("Please save a card on file · {business} Customer Portal"),
        vec![
            format!("Hello {name},"),
            format!(
                "{business} asks you to save a card on file in the Customer Portal, so invoices can be paid with it without reading the number over the phone."
            ),
            "The card number goes straight to the payment processor; the business sees only the brand and the last 4 digits. You can remove the card at any time in Saved Payment Methods.".to_owned(),
        ],
        Some(("Add a card", link)),
        business,
    )
}

/// Reminds the customer that a saved card expires soon, or has expired, with a link to update it.
#[allow(clippy::too_many_arguments)]
pub fn expiry_reminder(
    to: &EmailAddress,
    name: &str,
    business: &str,
    kind: ExpiryReminder,
    card: &str,
    expiry: &str,
    is_primary: bool,
    link: &str,
) -> Email {
    let (subject, what) = match kind {
        ExpiryReminder::Soon => (
            format!("Your {card} expires soon"),
            format!("The {card} you saved with {business} expires at the end of {expiry}."),
        ),
        ExpiryReminder::Expired => (
            format!("Your {card} has expired"),
            format!(
                "The {card} you saved with {business} expired at the end of {expiry}, so it can't be used for payments."
            ),
        ),
    };
    let mut paragraphs = vec![format!("Hello {name},"), what];
    if is_primary {
        paragraphs.push(
            "It is your primary card, the one used by default when you pay invoices.".to_owned(),
        );
    }
    paragraphs.push(
        "If your bank sent you a new card, update the expiry date in Saved Payment Methods, or add the new card there.".to_owned(),
    );
    email(
        to,
        name,
        format!("{subject} · {business} Customer Portal"),
        paragraphs,
        Some(("Update card", link)),
        business,
    )
}

/// The receipt for an online payment.
#[allow(clippy::too_many_arguments)]
pub fn receipt(
    to: &EmailAddress,
    name: &str,
    business: &str,
    invoice_number: &str,
    amount: &str,
    card: &str,
    when: &str,
    reference: &str,
) -> Email {
    email(
        to,
        name,
        format!("Receipt for your payment to {business}"),
        vec![
            format!("Hello {name},"),
            format!("Thank you: we received {amount} for invoice {invoice_number}."),
            format!("Paid with {card} on {when}. Reference: {reference}."),
            format!("Questions about this payment? Contact {business}."),
        ],
        None,
        business,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_the_html_part() {
        let to = EmailAddress::parse("a@example.com").unwrap();
        let link = "https://x.example/verify?token=abc";
        let mail = one_time_link(
            &to,
            "<script>",
            "B&B Plumbing",
            TokenPurpose::Invitation,
            link,
            60,
        );
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.html.contains("B&amp;B Plumbing"));
        assert!(mail.text.contains(link));
        assert!(mail.subject.contains("B&B Plumbing"));
    }
}
