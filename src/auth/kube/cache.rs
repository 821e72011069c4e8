//! [`TtlCache`]: a bounded, time-limited cache that runs each lookup once.
//!
//! Takes a key and an async function computing its value; returns the cached value while it
//! is younger than the TTL, else computes it. Concurrent callers for the same key share one
//! computation (a `tokio::sync::OnceCell` per entry), so a burst of requests from one
//! client costs one review. A failed computation is not cached: the next caller tries again.
//! At most `max` entries are kept: when full, expired entries are dropped first, then the
//! oldest. Uses the monotonic clock; no background task.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

struct Slot<V> {
    born: Instant,
    cell: Arc<OnceCell<V>>,
}

/// A cache whose entries live `ttl` and whose size is bounded by `max`.
pub struct TtlCache<K, V> {
    ttl: Duration,
    max: usize,
    map: Mutex<HashMap<K, Slot<V>>>,
}

/// Whether a lookup was answered from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The value was cached (or being computed by another caller).
    Hit,
    /// This caller computed the value.
    Miss,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache (`max` is at least 1).
    pub fn new(ttl: Duration, max: usize) -> TtlCache<K, V> {
        TtlCache {
            ttl,
            max: max.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Number of entries, expired ones included.
    pub fn len(&self) -> usize {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cell(&self, key: &K) -> Arc<OnceCell<V>> {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if let Some(slot) = map.get(key)
            && now.duration_since(slot.born) < self.ttl
        {
            return slot.cell.clone();
        }
        if !map.contains_key(key) && map.len() >= self.max {
            let ttl = self.ttl;
            map.retain(|_, s| now.duration_since(s.born) < ttl);
            if map.len() >= self.max
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, s)| s.born)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        let cell = Arc::new(OnceCell::new());
        map.insert(
            key.clone(),
            Slot {
                born: now,
                cell: cell.clone(),
            },
        );
        cell
    }

    /// The value of `key`: cached, or computed by `f` (once, however many callers wait).
    pub async fn get_or_try_insert<E, F, Fut>(&self, key: K, f: F) -> Result<(V, Lookup), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let cell = self.cell(&key);
        let mut computed = false;
        let result = cell
            .get_or_try_init(|| {
                computed = true;
                f()
            })
            .await;
        match result {
            Ok(v) => Ok((v.clone(), if computed { Lookup::Miss } else { Lookup::Hit })),
            Err(e) => {
                let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
                if map.get(&key).is_some_and(|s| Arc::ptr_eq(&s.cell, &cell)) {
                    map.remove(&key);
                }
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_burst_computes_once() {
        let cache: Arc<TtlCache<&str, u32>> = Arc::new(TtlCache::new(Duration::from_secs(60), 8));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_try_insert("k", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok::<_, ()>(7)
                    })
                    .await
                    .unwrap()
            }));
        }
        let mut misses = 0;
        for t in tasks {
            let (v, lookup) = t.await.unwrap();
            assert_eq!(v, 7);
            misses += usize::from(lookup == Lookup::Miss);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(misses, 1);
    }

    #[tokio::test]
    async fn failures_are_not_cached_and_expired_entries_are_recomputed() {
        let cache: TtlCache<u8, u8> = TtlCache::new(Duration::ZERO, 8);
        let err = cache
            .get_or_try_insert(1, || async { Err::<u8, _>("down") })
            .await;
        assert_eq!(err.unwrap_err(), "down");
        assert!(cache.is_empty());
        let (_, first) = cache
            .get_or_try_insert(1, || async { Ok::<_, ()>(1) })
            .await
            .unwrap();
        let (v, second) = cache
            .get_or_try_insert(1, || async { Ok::<_, ()>(2) })
            .await
            .unwrap();
        assert_eq!(
            (first, second, v),
            (Lookup::Miss, Lookup::Miss, 2),
            "a zero TTL never hits"
        );
    }

    #[tokio::test]
    async fn the_size_is_bounded() {
        let cache: TtlCache<u32, u32> = TtlCache::new(Duration::from_secs(60), 4);
        for k in 0..100 {
            cache
                .get_or_try_insert(k, || async move { Ok::<_, ()>(k) })
                .await
                .unwrap();
        }
        assert_eq!(cache.len(), 4);
        let (v, lookup) = cache
            .get_or_try_insert(99, || async { Ok::<_, ()>(0) })
            .await
            .unwrap();
        assert_eq!(
            (v, lookup),
            (99, Lookup::Hit),
            "the newest entries are kept"
        );
    }
}
