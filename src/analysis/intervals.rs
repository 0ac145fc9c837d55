//! Interval arithmetic on integer nanoseconds.

/// Total length covered by the union of `[start, end)` intervals (order does not matter).
pub fn union_length(intervals: &mut [(i64, i64)]) -> i64 {
    intervals.sort_unstable();
    let mut total = 0i64;
    let mut current: Option<(i64, i64)> = None;
    for &(a, b) in intervals.iter() {
        match current {
            Some((s, e)) if a <= e => current = Some((s, e.max(b))),
            Some((s, e)) => {
                total += e - s;
                current = Some((a, b));
            }
            None => current = Some((a, b)),
        }
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        //  [0----10)
        //      [5------20)
        //                  [25--30)
        //                  [25--30)   duplicate
        //                        [30-31)  touching
        assert_eq!(
            union_length(&mut [(25, 30), (0, 10), (5, 20), (25, 30), (30, 31)]),
            26
        );
        assert_eq!(union_length(&mut []), 0);
    }
}
