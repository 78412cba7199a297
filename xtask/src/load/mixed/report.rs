//! The mixed load's figures (per kind of request: count, statuses, errors, latencies) and
//! what it reads from the server's answers.

use std::{collections::BTreeMap, time::Duration};

/// 4xx answers that are the business saying no (decline, already saved, over a limit).
pub const EXPECTED_4XX: [u16; 3] = [402, 409, 429];

/// One answered (or failed) request.
pub struct Sample {
    /// What it did (list, add, pay ...).
    pub kind: &'static str,
    /// 0 when no answer came.
    pub status: u16,
    /// From sending to the answer's end.
    pub took: Duration,
    /// No answer came because the server was killed on purpose meanwhile.
    pub cut: bool,
}

impl Sample {
    /// Whether this request counts against the run (see [`is_error`]; a crash's cuts do not).
    pub fn failed(&self) -> bool {
        !self.cut && is_error(self.status)
    }
}

/// A saved card as the card list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// Its id.
    pub id: u64,
    /// Whether it is the primary.
    pub primary: bool,
    /// Last four digits.
    pub last4: String,
}

/// A 5xx, a 4xx the load never expects, or no answer at all.
pub fn is_error(status: u16) -> bool {
    status == 0 || status >= 500 || (status >= 400 && !EXPECTED_4XX.contains(&status))
}

/// Per kind: count, statuses, errors, p50 and p99.
pub fn table(samples: &[&Sample]) -> String {
    let mut by_kind: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        by_kind.entry(s.kind).or_default().push(s);
    }
    let mut out = String::new();
    for (kind, list) in by_kind {
        let mut ms: Vec<u128> = list.iter().map(|s| s.took.as_millis()).collect();
        ms.sort_unstable();
        let pct = |p: usize| ms[(ms.len() * p / 100).min(ms.len() - 1)];
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        for s in &list {
            *statuses.entry(s.status).or_default() += 1;
        }
        let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        let errors = list.iter().filter(|s| s.failed()).count();
        let cut = list.iter().filter(|s| s.cut).count();
        out.push_str(&format!(
            "  {kind:<12} {:>6} requests  errors {errors:<4} cut {cut:<3} p50 {:>5} ms  p99 {:>5} ms  max {:>5} ms  [{}]\n",
            list.len(),
            pct(50),
            pct(99),
            ms[ms.len() - 1],
            statuses.join(" ")
        ));
    }
    out.trim_end().to_owned()
}

/// The payment id in a payment's answer.
pub fn payment_id(answer: &(u16, String)) -> String {
    string_after(&answer.1, "\"payment_id\":")
}

/// The cards in a `payment-methods` answer.
pub fn cards(json: &str) -> Vec<Card> {
    let cards = json.split("\"history\"").next().unwrap_or_default();
    cards
        .split("{\"id\":")
        .skip(1)
        .filter_map(|card| {
            let id = card
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()?;
            Some(Card {
                id,
                primary: card.contains("\"is_primary\":true"),
                last4: string_after(card, "\"last4\":\""),
            })
        })
        .collect()
}

/// The JSON string or number after `marker` (up to the next quote, comma or brace).
pub fn string_after(json: &str, marker: &str) -> String {
    json.find(marker)
        .map(|i| &json[i + marker.len()..])
        .unwrap_or_default()
        .chars()
        .take_while(|c| !matches!(c, '"' | ',' | '}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_read_before_the_history() {
        let json = r#"{"cards":[{"id":3,"brand":"Visa","last4":"4242","is_primary":false},{"id":9,"last4":"0005","is_primary":true}],"history":[{"id":1}]}"#;
        let card = |id, primary, last4: &str| Card {
            id,
            primary,
            last4: last4.to_owned(),
        };
        assert_eq!(
            cards(json),
            vec![card(3, false, "4242"), card(9, true, "0005")]
        );
        assert_eq!(
            string_after(r#"{"token":"tok_ab","x":1}"#, "\"token\":\""),
            "tok_ab"
        );
        assert_eq!(
            string_after(r#"{"payment_id":42,"message":"ok"}"#, "\"payment_id\":"),
            "42"
        );
        assert!(is_error(500) && is_error(0) && is_error(404) && !is_error(409) && !is_error(200));
    }
}
