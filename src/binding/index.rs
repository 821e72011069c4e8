//! The selector index of a namespace: which bindings an event can match, without running
//! every selector.
//!
//! Takes the namespace's compiled bindings (at load time, [`BindingSet::new`]) and returns,
//! per event, the positions of the bindings whose selector may be true or fail
//! ([`BindingIndex::candidates`]); every other selector is `false` without error, so skipping
//! it changes nothing (a binding whose selector is false produces no outcome).
//!
//! How: each selector's index terms ([`Expression::index_terms`]: `path == "literal"`
//! conjuncts that decide the selector is false when the path's value is anything else) are
//! collected. Each binding is grouped by one term, the one whose path has the most distinct
//! literals across the namespace (ties to the earliest conjunct); a binding without terms is
//! always a candidate. Per event, for an object payload with object metadata, each group's path
//! is evaluated once with the evaluator: its value's key selects the group's bindings with that
//! literal (a value with no key selects none), and a path that fails selects the whole group
//! (running those selectors reproduces the error). The selected bindings are then checked
//! against their other terms, whose paths are evaluated at most once per event too, so a
//! failing path such as `payload.pull_request.number` on a push event does not bring every
//! pull-request binding back when another term (`metadata["x-github-event"] == ["pull_request"]`)
//! rules them out. Any other event runs every selector.
//!
//! Cost per event: one evaluation per distinct path needed, one hash lookup per group, and
//! work in proportion to the candidates; nothing per binding that cannot match, except when a
//! group's path fails (then a key comparison per member of that group).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use crate::expr::index::indexable;
use crate::expr::{Expression, IndexError, IndexKey, IndexPath, Input, Value};

use super::CompiledBinding;

/// The compiled bindings of one namespace, in order, with their index.
#[derive(Debug)]
pub struct BindingSet {
    bindings: Box<[CompiledBinding]>,
    index: BindingIndex,
}

impl BindingSet {
    /// Indexes `bindings` (kept in this order).
    pub fn new(bindings: Vec<CompiledBinding>) -> BindingSet {
        let index = BindingIndex::build(&bindings);
        BindingSet {
            bindings: bindings.into(),
            index,
        }
    }

    /// The bindings, in order.
    pub fn bindings(&self) -> &[CompiledBinding] {
        &self.bindings
    }

    /// The bindings, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, CompiledBinding> {
        self.bindings.iter()
    }

    /// How many bindings.
    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }

    /// The index.
    pub fn index(&self) -> &BindingIndex {
        &self.index
    }

    /// Whether dispatching an event with this input could create or record anything: `false`
    /// only when the index proves every selector `false` without error (or there are no
    /// bindings), in which case [`dispatch::plan`](super::dispatch::plan) returns nothing.
    pub fn may_match(&self, input: &Input<'_>) -> bool {
        !self.bindings.is_empty()
            && self
                .index
                .candidates(input)
                .is_none_or(|candidates| !candidates.is_empty())
    }
}

/// One path's bindings, by the literal they compare it with.
#[derive(Debug)]
struct Group {
    /// Into [`BindingIndex::paths`].
    path: u32,
    /// Positions of the bindings grouped by a term with this string, ascending.
    strs: HashMap<Arc<str>, Members>,
    /// Positions of the bindings grouped by a term with this array of strings, ascending.
    lists: ListKeys,
    /// Every binding of the group, ascending.
    members: Box<[u32]>,
}

/// Positions of bindings, ascending.
type Members = Box<[u32]>;

/// Paths whose values [`BindingIndex::candidates`] keeps on the stack.
const SMALL: usize = 8;

/// A term of a binding: (index into [`BindingIndex::paths`], the literal).
type Term = (u32, IndexKey);

/// A [`Group`] being built.
struct GroupBuilder {
    path: u32,
    by_key: HashMap<IndexKey, Vec<u32>>,
    members: Vec<u32>,
}

/// A path's value on one event (borrowed from it), or its failure.
type PathValue<'a> = Result<Value<'a>, IndexError>;

/// The index of one namespace's bindings (see the module doc).
#[derive(Debug, Default)]
pub struct BindingIndex {
    /// Every distinct path of every term.
    paths: Box<[IndexPath]>,
    /// One group per path that some binding is grouped by.
    groups: Box<[Group]>,
    /// Per binding: its terms other than the one it is grouped by, as (path, key).
    others: Box<[Box<[Term]>]>,
    /// Bindings without terms, ascending.
    always: Box<[u32]>,
}

/// Counts for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    /// Bindings grouped by a term.
    pub indexed: usize,
    /// Bindings without terms (always run).
    pub always: usize,
    /// Groups (distinct paths bindings are grouped by).
    pub groups: usize,
}

impl BindingIndex {
    /// Indexes `bindings`; positions are indices into that slice.
    pub fn build(bindings: &[CompiledBinding]) -> BindingIndex {
        if u32::try_from(bindings.len()).is_err() {
            // Positions would not fit: no index, every selector runs.
            return BindingIndex::default();
        }
        // `IndexPath` hashes and compares its operations' identity only, which never changes
        // (the program inside is read-only here).
        #[allow(clippy::mutable_key_type)]
        let mut ids: HashMap<IndexPath, u32> = HashMap::new();
        let mut paths: Vec<IndexPath> = Vec::new();
        let terms: Vec<Vec<Term>> = bindings
            .iter()
            .map(|b| {
                terms_of(&b.selector)
                    .into_iter()
                    .map(|(path, key)| {
                        let id = *ids.entry(path.clone()).or_insert_with(|| {
                            paths.push(path);
                            (paths.len() - 1) as u32
                        });
                        (id, key)
                    })
                    .collect()
            })
            .collect();
        // Distinct literals per path.
        let distinct: Vec<usize> = {
            let mut keys: Vec<HashSet<&IndexKey>> = vec![HashSet::new(); paths.len()];
            for (path, key) in terms.iter().flatten() {
                keys[*path as usize].insert(key);
            }
            keys.iter().map(HashSet::len).collect()
        };

        let mut group_of_path: HashMap<u32, usize> = HashMap::new();
        let mut groups: Vec<GroupBuilder> = Vec::new();
        let mut always = Vec::new();
        let mut others = Vec::with_capacity(bindings.len());
        for (pos, mut t) in terms.into_iter().enumerate() {
            let pos = pos as u32;
            // The most selective term, the earliest among equals.
            let best = t
                .iter()
                .enumerate()
                .max_by_key(|(i, (path, _))| (distinct[*path as usize], std::cmp::Reverse(*i)))
                .map(|(i, _)| i);
            let Some(best) = best else {
                always.push(pos);
                others.push(Box::default());
                continue;
            };
            let (path, key) = t.remove(best);
            let g = *group_of_path.entry(path).or_insert_with(|| {
                groups.push(GroupBuilder {
                    path,
                    by_key: HashMap::new(),
                    members: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].by_key.entry(key).or_default().push(pos);
            groups[g].members.push(pos);
            others.push(t.into_boxed_slice());
        }
        BindingIndex {
            paths: paths.into(),
            groups: groups
                .into_iter()
                .map(|g| {
                    let (mut strs, mut lists) = (HashMap::new(), ListKeys::default());
                    for (k, v) in g.by_key {
                        match k {
                            IndexKey::Str(s) => strs.insert(s, v.into_boxed_slice()),
                            IndexKey::StrList(l) => {
                                lists.insert(l, v.into_boxed_slice());
                                None
                            }
                        };
                    }
                    Group {
                        path: g.path,
                        strs,
                        lists,
                        members: g.members.into(),
                    }
                })
                .collect(),
            others: others.into(),
            always: always.into(),
        }
    }

    /// Counts.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            indexed: self.groups.iter().map(|g| g.members.len()).sum(),
            always: self.always.len(),
            groups: self.groups.len(),
        }
    }

    /// The positions, ascending, of the bindings whose selector may be true or fail on this
    /// event; `None` when every selector must run (no index, or an event the analysis does
    /// not cover).
    pub fn candidates(&self, input: &Input<'_>) -> Option<Vec<u32>> {
        if self.groups.is_empty() || !indexable(input) {
            return None;
        }
        // The paths' values, evaluated on first use; on the stack for a few paths.
        let n = self.paths.len();
        let mut small: [Option<PathValue<'_>>; SMALL] = std::array::from_fn(|_| None);
        let mut large = Vec::new();
        let values: &mut [Option<PathValue<'_>>] = if n <= SMALL {
            &mut small[..n]
        } else {
            large.resize(n, None);
            &mut large
        };
        let mut out = self.always.to_vec();
        for g in self.groups.iter() {
            let members: &[u32] = match self.value(g.path, input, values) {
                Ok(v) => g.with_key(v),
                Err(IndexError::PathFails) => &g.members,
            };
            for &pos in members {
                if self.other_terms_may_hold(pos, input, values) {
                    out.push(pos);
                }
            }
        }
        out.sort_unstable();
        Some(out)
    }

    /// The value of path `path` on this event, evaluated on first use.
    fn value<'a, 'v>(
        &self,
        path: u32,
        input: &Input<'a>,
        values: &'v mut [Option<PathValue<'a>>],
    ) -> &'v PathValue<'a> {
        values[path as usize].get_or_insert_with(|| self.paths[path as usize].value(input))
    }

    /// Whether none of the other terms of binding `pos` proves its selector false.
    fn other_terms_may_hold<'a>(
        &self,
        pos: u32,
        input: &Input<'a>,
        values: &mut [Option<PathValue<'a>>],
    ) -> bool {
        let Some(terms) = self.others.get(pos as usize) else {
            return true;
        };
        terms
            .iter()
            .all(|(path, key)| match self.value(*path, input, values) {
                Ok(v) => key.matches(v),
                Err(IndexError::PathFails) => true,
            })
    }
}

impl Group {
    /// The members whose literal equals `v` (none when `v` is neither a string nor an array
    /// of strings). A string is looked up in place; only an array builds its key.
    fn with_key(&self, v: &Value<'_>) -> &[u32] {
        match v.as_str() {
            Some(s) => self.strs.get(s).map_or(&[], |m| m),
            None => self.lists.get(v),
        }
    }
}

/// Arrays of strings, found by a hash of their elements, so a JSON array is looked up in
/// place.
#[derive(Debug, Default)]
struct ListKeys {
    hasher: RandomState,
    /// Hash → the keys (`IndexKey::StrList`) with that hash and their members.
    by_hash: HashMap<u64, Vec<(IndexKey, Members)>>,
}

impl ListKeys {
    fn hash<'s>(&self, len: usize, items: impl Iterator<Item = &'s str>) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_usize(len);
        for s in items {
            // 0xff never occurs in UTF-8: the encoding is prefix-free.
            h.write(s.as_bytes());
            h.write_u8(0xff);
        }
        h.finish()
    }

    fn insert(&mut self, key: Box<[Arc<str>]>, members: Members) {
        let h = self.hash(key.len(), key.iter().map(|s| &**s));
        self.by_hash
            .entry(h)
            .or_default()
            .push((IndexKey::StrList(key), members));
    }

    /// The members whose array equals `v` (see [`IndexKey::matches`]).
    fn get(&self, v: &Value<'_>) -> &[u32] {
        if self.by_hash.is_empty() {
            return &[];
        }
        let h = match v {
            Value::JsonArray(a) if a.iter().all(serde_json::Value::is_string) => {
                self.hash(a.len(), a.iter().filter_map(serde_json::Value::as_str))
            }
            Value::List(l) if l.items.iter().all(|x| x.as_str().is_some()) => {
                self.hash(l.items.len(), l.items.iter().filter_map(Value::as_str))
            }
            _ => return &[],
        };
        self.by_hash
            .get(&h)
            .and_then(|keys| keys.iter().find(|(k, _)| k.matches(v)))
            .map_or(&[], |(_, m)| m)
    }
}

/// A selector's terms as (path, key).
fn terms_of(selector: &Expression) -> Vec<(IndexPath, IndexKey)> {
    selector
        .index_terms()
        .into_iter()
        .map(|t| (t.path, t.key))
        .collect()
}

#[cfg(test)]
mod tests;
