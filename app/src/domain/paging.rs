//! Which page of a newest-first list to show.

/// `(page, pages)`: the requested 1-based page clamped to `1..=pages`, for `total` rows at
/// `per_page` a page (an empty list has one, empty, page).
pub fn clamp(requested: Option<u32>, total: u64, per_page: u32) -> (u32, u32) {
    let per_page = u64::from(per_page.max(1));
    let pages = u32::try_from(total.div_ceil(per_page).max(1)).unwrap_or(u32::MAX);
    (requested.unwrap_or(1).clamp(1, pages), pages)
}

/// How many rows come before `page` (1-based) at `per_page` a page.
pub fn offset(page: u32, per_page: u32) -> u64 {
    u64::from(page.saturating_sub(1)) * u64::from(per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped_to_the_list() {
        assert_eq!(clamp(None, 25, 10), (1, 3));
        assert_eq!(clamp(Some(3), 25, 10), (3, 3));
        assert_eq!(clamp(Some(99), 25, 10), (3, 3));
        assert_eq!(clamp(Some(0), 25, 10), (1, 3));
        assert_eq!(clamp(Some(2), 0, 10), (1, 1));
        assert_eq!(clamp(None, 20, 10), (1, 2));
        assert_eq!(offset(3, 10), 20);
        assert_eq!(offset(1, 10), 0);
    }
}
