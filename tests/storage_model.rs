//! A seeded property test: random sequences of set/get/has/remove/sweep/clear, failing writes and
//! clock moves (forward and backward) run against `Storage` and against a plain model of the
//! documented rules, which must agree at every step.

mod common;

use std::collections::BTreeMap;
use std::rc::Rc;

use common::*;
use serde_json::json;
use wxhttp::storage::Storage;

/// What a live entry is, by the documented rules.
#[derive(Clone, Debug)]
struct Entry {
    value: i64,
    saved: f64,
    expires: Option<f64>,
}

impl Entry {
    fn live(&self, now: f64) -> bool {
        match self.expires {
            None => true,
            Some(expires) => now < expires && self.saved - now <= expires - self.saved,
        }
    }
}

const KEYS: [&str; 5] = ["a", "b", "c", "a:b", "token"];

fn run(seed: u64, steps: usize) {
    let fake = Fake::new(|_| ok(json!({})));
    let storage = Storage::new(fake.clone(), "ns");
    let foreign: Vec<(String, J)> = vec![("other:a".into(), J(json!(1))), ("nsx:a".into(), J(json!(2))), ("ns".into(), J(json!(3)))];
    for (k, v) in &foreign {
        fake.storage.borrow_mut().insert(k.clone(), v.clone());
    }
    let mut model: BTreeMap<&str, Entry> = BTreeMap::new();
    let mut rng = Rng::new(seed);
    let now = |fake: &Rc<Fake>| fake.clock.now.get();
    for step in 0..steps {
        let key = KEYS[rng.below(KEYS.len() as u64) as usize];
        let at = format!("seed {seed} step {step} key {key:?}");
        match rng.below(10) {
            0 | 1 => {
                let value = rng.below(1000) as i64;
                let ttl = match rng.below(5) {
                    0 => None,
                    1 => Some(0.0),
                    2 => Some(-(rng.below(50) as f64)),
                    _ => Some(rng.below(2000) as f64 + 1.0),
                };
                let failing = rng.below(8) == 0;
                fake.storage_failures.set(u32::from(failing));
                let result = storage.set(key, &J(json!(value)), ttl);
                fake.storage_failures.set(0);
                assert_eq!(result.is_err(), failing, "{at}: set");
                if !failing {
                    let saved = now(&fake);
                    model.insert(key, Entry { value, saved, expires: ttl.map(|t| saved + t) });
                }
            }
            2 | 3 => {
                let expected = model.get(key).filter(|e| e.live(now(&fake))).map(|e| J(json!(e.value)));
                if expected.is_none() {
                    model.remove(key);
                }
                assert_eq!(storage.get(key), expected, "{at}: get");
            }
            4 => {
                let expected = model.get(key).is_some_and(|e| e.live(now(&fake)));
                if !expected {
                    model.remove(key);
                }
                assert_eq!(storage.has(key), expected, "{at}: has");
            }
            5 => {
                storage.remove(key);
                model.remove(key);
            }
            6 => {
                let t = now(&fake);
                let before = model.len();
                model.retain(|_, e| e.live(t));
                assert_eq!(storage.sweep(), before - model.len(), "{at}: sweep");
            }
            7 => fake.clock.jump(rng.below(1500) as f64),
            8 => fake.clock.jump(-(rng.below(1500) as f64)),
            _ => {
                if rng.below(20) == 0 {
                    storage.clear();
                    model.clear();
                } else {
                    fake.clock.jump(rng.below(3) as f64);
                }
            }
        }
        // Invariants after every step: the keys are the model's (expired ones linger until read
        // or swept, as in the model), and foreign keys never change.
        let mut keys = storage.keys();
        keys.sort();
        let expected: Vec<String> = model.keys().map(|k| k.to_string()).collect();
        assert_eq!(keys, expected, "{at}: keys");
        for (k, v) in &foreign {
            assert_eq!(fake.storage.borrow().get(k), Some(v), "{at}: foreign {k}");
        }
    }
}

#[test]
fn storage_agrees_with_the_model_over_random_sequences() {
    for seed in 1..=300 {
        run(seed, 400);
    }
}

#[test]
fn storage_agrees_with_the_model_over_long_sequences() {
    for seed in [7, 1_000_003, 0xdead_beef] {
        run(seed, 5000);
    }
}
