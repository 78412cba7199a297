use super::*;

static FILES: &[EmbeddedFile] = &[
    EmbeddedFile {
        path: "/pkg/0123abcd/app.wasm",
        body: b"raw wasm bytes",
        brotli: Some(b"br bytes"),
        gzip: Some(b"gz bytes"),
        etag: "\"abc-1\"",
    },
    EmbeddedFile {
        path: "/cards/visa.png",
        body: b"png",
        brotli: None,
        gzip: None,
        etag: "\"def-2\"",
    },
];

fn get(path: &str, pairs: &[(&'static str, &'static str)]) -> Option<Response> {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(*name, HeaderValue::from_static(value));
    }
    embedded_response(FILES, &Method::GET, path, &headers)
}

async fn body_of(res: Response) -> Vec<u8> {
    axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default()
}

fn header_of(res: &Response, name: header::HeaderName) -> &str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn a_browser_accepting_brotli_gets_the_brotli_copy_with_its_encoding_and_type() {
    let res = get(
        "/pkg/0123abcd/app.wasm",
        &[("accept-encoding", "gzip, deflate, br, zstd")],
    )
    .expect("an embedded file");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_of(&res, header::CONTENT_ENCODING), "br");
    assert_eq!(header_of(&res, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(header_of(&res, header::VARY), "accept-encoding");
    assert_eq!(body_of(res).await, b"br bytes");
}

#[tokio::test]
async fn gzip_only_clients_get_gzip_and_others_the_file_as_built() {
    let gz = get("/pkg/0123abcd/app.wasm", &[("accept-encoding", "gzip")]).expect("file");
    assert_eq!(header_of(&gz, header::CONTENT_ENCODING), "gzip");
    assert_eq!(body_of(gz).await, b"gz bytes");
    let refused = get(
        "/pkg/0123abcd/app.wasm",
        &[("accept-encoding", "br;q=0, gzip;q=0")],
    )
    .expect("file");
    assert_eq!(header_of(&refused, header::CONTENT_ENCODING), "");
    assert_eq!(body_of(refused).await, b"raw wasm bytes");
    let none = get("/pkg/0123abcd/app.wasm", &[]).expect("file");
    assert_eq!(body_of(none).await, b"raw wasm bytes");
}

#[tokio::test]
async fn files_that_do_not_compress_are_sent_as_built_even_to_brotli_clients() {
    let res = get("/cards/visa.png", &[("accept-encoding", "br, gzip")]).expect("file");
    assert_eq!(header_of(&res, header::CONTENT_ENCODING), "");
    assert_eq!(header_of(&res, header::CONTENT_TYPE), "image/png");
    assert_eq!(body_of(res).await, b"png");
}

#[tokio::test]
async fn a_revisit_with_the_same_etag_gets_304_and_no_body() {
    let res = get("/pkg/0123abcd/app.wasm", &[("if-none-match", "\"abc-1\"")]).expect("file");
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(body_of(res).await.is_empty());
    let stale = get("/pkg/0123abcd/app.wasm", &[("if-none-match", "\"old\"")]).expect("file");
    assert_eq!(stale.status(), StatusCode::OK);
}

#[test]
fn build_files_are_kept_for_a_year_unasked_and_icons_are_checked_before_each_use() {
    let wasm = get("/pkg/0123abcd/app.wasm", &[]).expect("file");
    assert_eq!(
        header_of(&wasm, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let icon = get("/cards/visa.png", &[]).expect("file");
    assert_eq!(header_of(&icon, header::CACHE_CONTROL), "public, no-cache");
    assert!(!header_of(&icon, header::ETAG).is_empty());
}

#[tokio::test]
async fn head_gets_the_headers_without_the_body_and_posts_are_not_files() {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
    let head =
        embedded_response(FILES, &Method::HEAD, "/pkg/0123abcd/app.wasm", &headers).expect("file");
    assert_eq!(header_of(&head, header::CONTENT_LENGTH), "8");
    assert!(body_of(head).await.is_empty());
    assert!(embedded_response(FILES, &Method::POST, "/pkg/0123abcd/app.wasm", &headers).is_none());
    assert!(get("/pkg/0123abcd/other.wasm", &[]).is_none());
    assert!(get("/pkg/0123abcd/app.wasm/../app.wasm", &[]).is_none());
}

#[test]
fn a_compiled_in_site_hands_leptos_a_folder_holding_its_chunk_manifest() {
    static WITH_MANIFEST: &[EmbeddedFile] = &[EmbeddedFile {
        path: "/pkg/0123abcd/__wasm_split_manifest.json",
        body: b"{\"__LoginRoute_View\":[\"chunk_0\"]}",
        brotli: None,
        gzip: None,
        etag: "\"m\"",
    }];
    let site = Site::Embedded {
        files: WITH_MANIFEST,
        version: "0123abcd",
    };
    assert_eq!(site.pkg_dir(), "pkg/0123abcd");
    let root = site.leptos_root("target/site").unwrap();
    let manifest = std::path::Path::new(&root).join("pkg/0123abcd/__wasm_split_manifest.json");
    assert_eq!(
        std::fs::read(manifest).unwrap(),
        WITH_MANIFEST[0].body.to_vec()
    );
    assert_eq!(
        Site::Disk.leptos_root("target/site").unwrap(),
        "target/site"
    );
    assert_eq!(Site::Disk.pkg_dir(), "pkg");
}

#[test]
fn leptos_site_root_overrides_the_compiled_in_site() {
    assert!(matches!(Site::choose(true), Site::Disk));
}
