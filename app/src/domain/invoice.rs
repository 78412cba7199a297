//! An invoice as the office drafts it: the due date and lines parsed at once, with one message
//! per form field (`due_on`, `description_N`, `quantity_N`, `price_N`, N counted from 1).

use super::{Cents, Timestamp, customer::bounded_text};
use serde::{Deserialize, Serialize};

/// One line as typed on the invoice form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// What was sold or done.
    pub description: String,
    /// How many.
    pub quantity: String,
    /// Price of one, e.g. "125.50".
    pub price: String,
}

/// One line of an invoice to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoiceLine {
    /// What was sold or done.
    pub description: String,
    /// How many (1 to 10,000).
    pub quantity: i64,
    /// Price of one.
    pub unit_price: Cents,
}

/// A checked draft: a due date not before `today` and at least one line, worth more than $0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// When it is due.
    pub due_on: Timestamp,
    /// Its lines, blank form lines left out.
    pub lines: Vec<NewInvoiceLine>,
}

/// (form field, message) pairs.
pub type FieldErrors = Vec<(String, String)>;

impl Draft {
    /// Parses the form's due date and lines; every problem is reported, each next to its field.
    pub fn parse(
        due_on: &str,
        lines: &[LineInput],
        today: Timestamp,
    ) -> Result<Draft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let due_on = match Timestamp::parse_date(due_on) {
            Ok(due) if due < today => {
                errors.push((
                    "due_on".into(),
                    "The due date can't be before today.".into(),
                ));
                None
            }
            Ok(due) => Some(due),
            Err(e) => {
                errors.push(("due_on".into(), e.to_owned()));
                None
            }
        };
        let parsed: Vec<NewInvoiceLine> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, line)| parse_line(i + 1, line, &mut errors))
            .collect();
        if parsed.is_empty() && errors.is_empty() {
            errors.push((
                "description_1".into(),
                "Add at least one line: what was done, how many, and the price.".into(),
            ));
        }
        let total: i64 = parsed
            .iter()
            .map(|l| l.unit_price.get().saturating_mul(l.quantity))
            .fold(0, i64::saturating_add);
        if !parsed.is_empty() && total < 1 {
            errors.push((
                "price_1".into(),
                "An invoice must be for more than $0.00.".into(),
            ));
        }
        match due_on {
            Some(due_on) if errors.is_empty() => Ok(Draft {
                due_on,
                lines: parsed,
            }),
            _ => Err(errors),
        }
    }
}

/// Parses line `n`; `None` when it is blank or refused (the reasons are added to `errors`).
fn parse_line(n: usize, line: &LineInput, errors: &mut FieldErrors) -> Option<NewInvoiceLine> {
    let blank = [&line.description, &line.quantity, &line.price]
        .iter()
        .all(|f| f.trim().is_empty());
    if blank {
        return None;
    }
    let description = bounded_text(&line.description, "the description", 200, true)
        .map_err(|e| errors.push((format!("description_{n}"), e)))
        .ok();
    let quantity = match line.quantity.trim().parse::<i64>() {
        Ok(q) if (1..=10_000).contains(&q) => Some(q),
        _ => {
            errors.push((
                format!("quantity_{n}"),
                "Enter a whole number from 1 to 10000.".to_owned(),
            ));
            None
        }
    };
    let unit_price = Cents::parse(&line.price)
        .map_err(|e| errors.push((format!("price_{n}"), e.to_string())))
        .ok();
    Some(NewInvoiceLine {
        description: description?,
        quantity: quantity?,
        unit_price: unit_price?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Timestamp = Timestamp::from_unix(1_790_000_000);

    fn line(description: &str, quantity: &str, price: &str) -> LineInput {
        LineInput {
            description: description.into(),
            quantity: quantity.into(),
            price: price.into(),
        }
    }

    fn due_in_a_month() -> String {
        TODAY.plus_seconds(30 * 86_400).iso_date()
    }

    #[test]
    fn blank_lines_are_left_out_and_filled_ones_become_lines() {
        let draft = Draft::parse(
            &due_in_a_month(),
            &[
                line("Tune-up", "2", "125.50"),
                line("", "", ""),
                line(" ", "", ""),
            ],
            TODAY,
        )
        .map_err(|e| format!("{e:?}"));
        let draft = draft.as_ref().map(|d| d.lines.clone());
        assert_eq!(
            draft,
            Ok(vec![NewInvoiceLine {
                description: "Tune-up".into(),
                quantity: 2,
                unit_price: Cents::new(125_50),
            }])
        );
    }

    #[test]
    fn every_bad_field_is_reported_next_to_itself() {
        let errors = Draft::parse(
            "soon",
            &[line("", "0", "12,50"), line("Filter", "1", "x")],
            TODAY,
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "due_on",
                "description_1",
                "quantity_1",
                "price_1",
                "price_2"
            ]
        );
    }

    #[test]
    fn a_draft_needs_a_line_a_future_due_date_and_more_than_nothing_to_pay() {
        let fields = |due: &str, lines: &[LineInput]| {
            Draft::parse(due, lines, TODAY)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&due_in_a_month(), &[]), ["description_1"]);
        assert_eq!(
            fields(&due_in_a_month(), &[line("Free check", "1", "0.00")]),
            ["price_1"]
        );
        let yesterday = TODAY.plus_seconds(-86_400).iso_date();
        assert_eq!(fields(&yesterday, &[line("Work", "1", "5")]), ["due_on"]);
    }
}
