//! What each client of the mixed load was told had been done (its acknowledged card writes),
//! checked against the cards the server lists afterwards: every acknowledged add, delete and
//! change of primary must still be there, even after the server was killed in between.

use super::report::Card;
use std::collections::BTreeMap;

/// What became of a card (known by its last 4: the load's test cards differ there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// An add was acknowledged.
    Saved,
    /// A delete was acknowledged.
    Removed,
    /// A write on it got no answer: either way is right.
    Unknown,
}

/// One client's acknowledged card writes.
#[derive(Debug, Default)]
pub struct Ledger {
    cards: BTreeMap<String, Fate>,
    /// The card last made primary with an acknowledgement, while nothing since could change it.
    primary: Option<String>,
    /// Writes answered 200.
    pub acknowledged: u64,
}

impl Ledger {
    /// Records the answer (`status`, 0 for none) to adding the card ending in `last4`.
    pub fn added(&mut self, last4: &str, status: u16, make_primary: bool) {
        match status {
            200 => {
                self.cards.insert(last4.to_owned(), Fate::Saved);
                self.acknowledged += 1;
            }
            0 => {
                self.cards.insert(last4.to_owned(), Fate::Unknown);
            }
            _ => return,
        }
        if make_primary {
            self.primary = None;
        }
    }

    /// Records the answer to making the card ending in `last4` primary.
    pub fn made_primary(&mut self, last4: &str, status: u16) {
        match status {
            200 => {
                self.primary = Some(last4.to_owned());
                self.acknowledged += 1;
            }
            0 => self.primary = None,
            _ => {}
        }
    }

    /// Records the answer to deleting the card ending in `last4`.
    pub fn deleted(&mut self, last4: &str, status: u16) {
        let fate = match status {
            200 => {
                self.acknowledged += 1;
                Fate::Removed
            }
            0 => Fate::Unknown,
            _ => return,
        };
        self.cards.insert(last4.to_owned(), fate);
        if self.primary.as_deref() == Some(last4) {
            self.primary = None;
        }
    }

    /// Where the cards the server lists now contradict an acknowledged write.
    pub fn contradictions(&self, now: &[Card]) -> Vec<String> {
        let listed = |last4: &str| now.iter().find(|c| c.last4 == last4);
        let mut found = Vec::new();
        for (last4, fate) in &self.cards {
            match (fate, listed(last4)) {
                (Fate::Saved, None) => {
                    found.push(format!("the acknowledged add of {last4} is gone"))
                }
                (Fate::Removed, Some(_)) => {
                    found.push(format!("the acknowledged delete of {last4} is undone"));
                }
                _ => {}
            }
        }
        if let Some(last4) = &self.primary
            && !listed(last4).is_some_and(|c| c.primary)
        {
            found.push(format!("{last4} was acknowledged as primary but is not"));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(last4: &str, primary: bool) -> Card {
        Card {
            id: 1,
            primary,
            last4: last4.to_owned(),
        }
    }

    #[test]
    fn an_acknowledged_add_that_is_missing_is_a_contradiction() {
        let mut ledger = Ledger::default();
        ledger.added("4242", 200, false);
        assert_eq!(
            ledger.contradictions(&[card("4242", true)]),
            Vec::<String>::new()
        );
        assert_eq!(ledger.contradictions(&[]).len(), 1);
    }

    #[test]
    fn a_write_without_an_answer_may_have_happened_or_not() {
        let mut ledger = Ledger::default();
        ledger.added("4242", 200, false);
        ledger.deleted("4242", 0);
        assert!(ledger.contradictions(&[]).is_empty());
        assert!(ledger.contradictions(&[card("4242", true)]).is_empty());
    }

    #[test]
    fn an_acknowledged_delete_that_is_undone_is_a_contradiction() {
        let mut ledger = Ledger::default();
        ledger.added("4444", 200, false);
        ledger.deleted("4444", 200);
        assert_eq!(ledger.contradictions(&[card("4444", false)]).len(), 1);
        assert_eq!(ledger.acknowledged, 2);
    }

    #[test]
    fn the_last_acknowledged_primary_holds_until_something_could_change_it() {
        let mut ledger = Ledger::default();
        ledger.added("4242", 200, false);
        ledger.added("4444", 200, false);
        ledger.made_primary("4444", 200);
        let wrong = [card("4242", true), card("4444", false)];
        assert_eq!(ledger.contradictions(&wrong).len(), 1);
        ledger.added("0005", 0, true);
        assert!(ledger.contradictions(&wrong).is_empty());
        ledger.made_primary("4242", 409);
        assert!(ledger.contradictions(&wrong).is_empty());
    }
}
