//! URL joining and query encoding without the `URL` global (absent in mini-programs).

/// Joins `url` to `base`: absolute URLs (`scheme://…`) are kept, others are appended to the
/// base with exactly one `/` between them.
pub fn join(base: &str, url: &str) -> String {
    if is_absolute(url) || base.is_empty() {
        return url.to_string();
    }
    let mut joined = String::with_capacity(base.len() + url.len() + 1);
    joined.push_str(base);
    match (base.ends_with('/'), url.starts_with('/')) {
        (true, true) => joined.push_str(&url[1..]),
        (false, false) if !url.is_empty() => {
            joined.push('/');
            joined.push_str(url);
        }
        _ => joined.push_str(url),
    }
    joined
}

pub fn is_absolute(url: &str) -> bool {
    match url.find("://") {
        Some(i) => i > 0 && url[..i].bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)),
        None => false,
    }
}

/// `scheme://host[:port]` of an absolute URL, lowercased; `None` for a relative one.
pub fn origin(url: &str) -> Option<String> {
    if !is_absolute(url) {
        return None;
    }
    let start = url.find("://")? + 3;
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    Some(url[..end].to_ascii_lowercase())
}

/// Appends `key=value` pairs to the URL's query, before any `#fragment`.
pub fn with_query(url: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url.to_string();
    }
    let (path, fragment) = url.split_once('#').map_or((url, None), |(p, f)| (p, Some(f)));
    let mut out = String::from(path);
    let mut separator = if !path.contains('?') {
        '?'
    } else if path.ends_with('?') || path.ends_with('&') {
        '\0'
    } else {
        '&'
    };
    for (key, value) in pairs {
        if separator != '\0' {
            out.push(separator);
        }
        separator = '&';
        encode_into(&mut out, key);
        out.push('=');
        encode_into(&mut out, value);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Percent-encodes like `encodeURIComponent`: spaces as `%20`, UTF-8 bytes for non-ASCII.
pub fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 15) as usize] as char);
        }
    }
}
