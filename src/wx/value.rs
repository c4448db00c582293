//! `Value` over `JsValue`: reads by `Reflect`, never converting whole objects.

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::platform::Value;

fn field(value: &JsValue, key: &str) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined())
}

/// A string, number or boolean as text; numbers as JS prints them (`String(99997)`), which
/// also keeps Rust's float formatting out of the wasm.
pub fn scalar_text(value: &JsValue) -> Option<String> {
    if let Some(text) = value.as_string() {
        return Some(text);
    }
    if value.as_f64().is_some() {
        return value.unchecked_ref::<js_sys::Number>().to_string_with_radix(10).ok().map(String::from);
    }
    value.as_bool().map(|b| if b { "true".into() } else { "false".into() })
}

impl Value for JsValue {
    fn text(&self, path: &str) -> Option<String> {
        let mut at = self.clone();
        for part in path.split('.') {
            at = field(&at, part)?;
        }
        scalar_text(&at)
    }

    fn header(&self, name: &str) -> Option<String> {
        let header = field(self, "header")?;
        let key = Object::keys(header.unchecked_ref::<Object>()).iter().find(|k| k.as_string().is_some_and(|k| k.eq_ignore_ascii_case(name)))?;
        Reflect::get(&header, &key).ok().as_ref().and_then(scalar_text)
    }

    fn get(&self, key: &str) -> Option<Self> {
        field(self, key)
    }

    fn json_size(&self) -> Option<usize> {
        let text = JSON::stringify(self).ok()?.as_string()?;
        Some(text.len())
    }

    fn copy_response(&self) -> Self {
        let Some(data) = field(self, "data").filter(|d| d.is_object() && !d.is_instance_of::<js_sys::ArrayBuffer>()) else {
            return self.clone();
        };
        let copy = Object::assign(&Object::new(), self.unchecked_ref());
        if let Some(data) = JSON::stringify(&data).ok().and_then(|text| JSON::parse(&String::from(text)).ok()) {
            let _ = Reflect::set(&copy, &JsValue::from_str("data"), &data);
        }
        copy.into()
    }

    fn number(value: f64) -> Self {
        JsValue::from_f64(value)
    }

    fn string(value: &str) -> Self {
        JsValue::from_str(value)
    }

    fn null() -> Self {
        JsValue::NULL
    }

    fn object(fields: Vec<(&str, Self)>) -> Self {
        let object = Object::new();
        for (key, value) in fields {
            let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
        }
        object.into()
    }
}
