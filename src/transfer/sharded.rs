//! A hash map kept in shards, for the sets a reader grows as a file goes by (JSON keys, ids):
//! a single table of a million entries moves all of them, and touches tens of megabytes of fresh
//! memory, each time it grows — one step that would block the page for a few hundred
//! milliseconds — while a shard moves a sixty-fourth of them.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, TryReserveError};

/// How many shards: growing one moves at most this fraction of the entries.
const SHARDS: usize = 64;

/// A map from numbers to values, in shards.
#[derive(Debug, Clone)]
pub(super) struct ShardedMap<V> {
    shards: Vec<HashMap<u64, V>>,
    len: usize,
}

impl<V> Default for ShardedMap<V> {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| HashMap::new()).collect(),
            len: 0,
        }
    }
}

impl<V> ShardedMap<V> {
    fn shard(&mut self, key: u64) -> &mut HashMap<u64, V> {
        // Spread by a multiplicative hash, so that consecutive keys (ids) share out evenly.
        let index = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize;
        &mut self.shards[index % SHARDS]
    }

    /// The value of `key`, if any.
    pub fn get(&mut self, key: u64) -> Option<&V> {
        self.shard(key).get(&key)
    }

    /// Adds `key` with `value` unless it is there; true if it was added. Refused, changing
    /// nothing, if there is no memory for it.
    pub fn insert_new(&mut self, key: u64, value: V) -> Result<bool, TryReserveError> {
        let shard = self.shard(key);
        shard.try_reserve(1)?;
        let added = match shard.entry(key) {
            Entry::Occupied(_) => false,
            Entry::Vacant(entry) => {
                entry.insert(value);
                true
            }
        };
        self.len += usize::from(added);
        Ok(added)
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kept_once_across_shards() {
        let mut map = ShardedMap::default();
        for key in 0..10_000u64 {
            assert_eq!(map.insert_new(key, key * 2), Ok(true));
        }
        assert_eq!(map.insert_new(5, 0), Ok(false));
        assert_eq!(map.len(), 10_000);
        assert_eq!(map.get(5), Some(&10));
        assert_eq!(map.get(10_000), None);
        let busiest = map.shards.iter().map(HashMap::len).max().unwrap_or(0);
        assert!(busiest < 10_000 / SHARDS * 2, "{busiest} keys in one shard");
    }
}
