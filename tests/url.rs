//! URL joining and query encoding, without the `URL` global.

use wxhttp::url::{join, origin, with_query};

#[test]
fn join_keeps_absolute_urls_and_puts_one_slash() {
    assert_eq!(join("https://a.com/v1", "/x"), "https://a.com/v1/x");
    assert_eq!(join("https://a.com/v1/", "/x"), "https://a.com/v1/x");
    assert_eq!(join("https://a.com/v1/", "x"), "https://a.com/v1/x");
    assert_eq!(join("https://a.com/v1", "x"), "https://a.com/v1/x");
    assert_eq!(join("https://a.com", "http://b.com/y"), "http://b.com/y");
    assert_eq!(join("", "/x"), "/x");
}

#[test]
fn query_encoding_handles_spaces_unicode_and_existing_query() {
    let pairs = |p: &[(&str, &str)]| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    assert_eq!(with_query("https://a.com/x", &pairs(&[("q", "a b"), ("n", "中")])), "https://a.com/x?q=a%20b&n=%E4%B8%AD");
    assert_eq!(with_query("https://a.com/x?a=1", &pairs(&[("b", "2")])), "https://a.com/x?a=1&b=2");
    assert_eq!(with_query("https://a.com/x?", &pairs(&[("b", "&=")])), "https://a.com/x?b=%26%3D");
    assert_eq!(with_query("https://a.com/x#top", &pairs(&[("b", "2")])), "https://a.com/x?b=2#top");
}

#[test]
fn origin_is_scheme_host_and_port() {
    assert_eq!(origin("https://API.a.com:8443/x?y").as_deref(), Some("https://api.a.com:8443"));
    assert_eq!(origin("/relative"), None);
}
