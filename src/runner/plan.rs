//! A run as units of work: one unit per (collection, iteration), planned in a fixed order
//! (collection, then iteration) and optionally sharded.

/// `--shard K/N`: the K-th (1-based) of N slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index.
    pub index: usize,
    /// Number of slices.
    pub count: usize,
}

impl Shard {
    /// `K/N`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// One collection run once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Position in the whole plan (before sharding).
    pub index: usize,
    /// Position in this run's plan (after sharding): units are handed on in this order.
    pub position: usize,
    /// Index of the collection on the command line.
    pub collection: usize,
    /// 0-based iteration.
    pub iteration: usize,
}

/// Every unit of the run in plan order: collection by collection, iteration by iteration.
/// With a shard, unit number `g` of the whole plan belongs to slice `g mod N`: the same
/// command line gives the same slices on every machine, and the N slices are disjoint and
/// cover the plan.
pub fn plan(collections: usize, iterations: usize, shard: Option<Shard>) -> Vec<Unit> {
    (0..collections)
        .flat_map(|c| (0..iterations).map(move |i| (c, i)))
        .enumerate()
        .filter(|(g, _)| shard.is_none_or(|s| g % s.count == s.index - 1))
        .enumerate()
        .map(|(position, (index, (collection, iteration)))| Unit {
            index,
            position,
            collection,
            iteration,
        })
        .collect()
}

/// The requests `units` send: each unit sends its collection's selected requests.
pub fn request_count(units: &[Unit], selections: &[Vec<usize>]) -> usize {
    units
        .iter()
        .map(|u| selections.get(u.collection).map_or(0, Vec::len))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::{Shard, plan, request_count};

    #[test]
    fn every_request_of_every_planned_unit_is_counted() {
        let selections = vec![vec![0, 1, 2], vec![4]];
        assert_eq!(request_count(&plan(2, 500, None), &selections), 2000);
        let shard = Some(Shard { index: 2, count: 3 });
        assert_eq!(request_count(&plan(2, 3, shard), &selections), 4);
    }

    #[test]
    fn shards_are_disjoint_and_complete() {
        let key = |u: &super::Unit| (u.index, u.collection, u.iteration);
        let all: Vec<_> = plan(3, 7, None).iter().map(key).collect();
        assert_eq!(all.len(), 21);
        let mut union = Vec::new();
        for k in 1..=4 {
            let slice = plan(3, 7, Some(Shard { index: k, count: 4 }));
            assert!(slice.iter().enumerate().all(|(i, u)| u.position == i));
            union.extend(slice.iter().map(key));
        }
        union.sort();
        assert_eq!(union, all);
    }
}
