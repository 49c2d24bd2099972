//! Splitting a run of sealed commits into upload bundles that stay under a count and a byte
//! budget, in order, so that every client cuts its uploads the same way.

use std::ops::Range;

/// A bundle's bytes before its items: magic, version, flags, study id and count.
pub const BUNDLE_OVERHEAD: usize = 26;
/// Each item's length prefix.
pub const ITEM_OVERHEAD: usize = 4;

/// Splits items of the given encoded sizes (a sealed commit's bytes) into consecutive ranges,
/// each of at most `max_count` items and, with the bundle's framing, at most `max_bytes`
/// bytes. An item too large for `max_bytes` on its own still gets a range of its own (the
/// receiver decides whether to take it), so every item is in exactly one range and no range is
/// empty. A `max_count` of 0 is taken as 1.
pub fn split_batches(sizes: &[usize], max_count: usize, max_bytes: usize) -> Vec<Range<usize>> {
    let max_count = max_count.max(1);
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = BUNDLE_OVERHEAD;
    for (i, &size) in sizes.iter().enumerate() {
        let item = size.saturating_add(ITEM_OVERHEAD);
        let full = i - start == max_count || bytes.saturating_add(item) > max_bytes;
        if full && i > start {
            batches.push(start..i);
            start = i;
            bytes = BUNDLE_OVERHEAD;
        }
        bytes = bytes.saturating_add(item);
    }
    if start < sizes.len() {
        batches.push(start..sizes.len());
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_gives_no_batch() {
        assert!(split_batches(&[], 10, 1000).is_empty());
    }

    #[test]
    fn the_count_limit_cuts() {
        assert_eq!(split_batches(&[10; 5], 2, 10_000), vec![0..2, 2..4, 4..5]);
        assert_eq!(split_batches(&[10; 4], 2, 10_000), vec![0..2, 2..4]);
        assert_eq!(split_batches(&[10; 3], 0, 10_000), vec![0..1, 1..2, 2..3]);
    }

    #[test]
    fn the_byte_limit_counts_the_framing() {
        // 26 + 2 x (4 + 100) = 234: two fit in 234 bytes, not in 233.
        assert_eq!(split_batches(&[100; 4], 100, 234), vec![0..2, 2..4]);
        assert_eq!(
            split_batches(&[100; 4], 100, 233),
            vec![0..1, 1..2, 2..3, 3..4]
        );
    }

    #[test]
    fn an_oversized_item_travels_alone() {
        assert_eq!(
            split_batches(&[10, 5000, 10, 10], 100, 200),
            vec![0..1, 1..2, 2..4]
        );
    }

    #[test]
    fn every_item_once_in_order() {
        let sizes: Vec<usize> = (0..1000).map(|i| (i * 7919) % 3000).collect();
        let batches = split_batches(&sizes, 37, 20_000);
        let mut next = 0;
        for b in &batches {
            assert_eq!(b.start, next);
            assert!(!b.is_empty() && b.len() <= 37);
            let bytes: usize =
                BUNDLE_OVERHEAD + sizes[b.clone()].iter().map(|s| s + 4).sum::<usize>();
            assert!(bytes <= 20_000 || b.len() == 1);
            next = b.end;
        }
        assert_eq!(next, sizes.len());
    }
}
