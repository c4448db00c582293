//! `Storage` for JS: `http.storage` and `createStorage`. Synchronous here; the glue wraps each
//! call in a promise so it can be called before the module has loaded.

use wasm_bindgen::prelude::*;

use super::platform::{Adapter, JsPlatform};
use crate::storage::{Storage, StorageError};

#[wasm_bindgen]
pub struct Store {
    storage: Storage<JsPlatform>,
}

impl Store {
    pub fn from(storage: Storage<JsPlatform>) -> Store {
        Store { storage }
    }
}

fn error_to_js(error: &StorageError) -> JsValue {
    let code = match error {
        StorageError::TooLarge { .. } => "TooLarge",
        StorageError::QuotaExceeded { .. } => "QuotaExceeded",
        StorageError::NotJson { .. } => "NotJson",
        StorageError::Failed { .. } => "Failed",
    };
    <JsValue as crate::platform::Value>::object(vec![("code", code.into()), ("message", error.to_string().into())])
}

#[wasm_bindgen]
impl Store {
    #[wasm_bindgen(constructor)]
    pub fn new(namespace: &str, adapter: Adapter) -> Store {
        Store { storage: Storage::new(std::rc::Rc::new(JsPlatform::new(adapter)), namespace) }
    }

    /// `ttl` in ms; `undefined` keeps the value until removed.
    pub fn set(&self, key: &str, value: &JsValue, ttl: Option<f64>) -> Result<(), JsValue> {
        self.storage.set(key, value, ttl).map_err(|e| error_to_js(&e))
    }

    /// The value, or `null` when missing, expired or unreadable.
    pub fn get(&self, key: &str) -> JsValue {
        self.storage.get(key).unwrap_or(JsValue::NULL)
    }

    pub fn has(&self, key: &str) -> bool {
        self.storage.has(key)
    }

    pub fn remove(&self, key: &str) {
        self.storage.remove(key)
    }

    pub fn keys(&self) -> Vec<String> {
        self.storage.keys()
    }

    pub fn clear(&self) {
        self.storage.clear()
    }

    pub fn sweep(&self) -> u32 {
        self.storage.sweep() as u32
    }
}
