use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7 ,2001:db8::/32").unwrap();
    assert!(t.contains(ip("10.200.3.4")));
    assert!(t.contains(ip("192.168.1.7")));
    assert!(!t.contains(ip("192.168.1.8")));
    assert!(t.contains(ip("2001:db8:ffff::1")));
    assert!(!t.contains(ip("2001:db9::1")));
    assert!(
        t.contains(ip("::ffff:10.1.1.1")),
        "IPv4-mapped peers count as IPv4"
    );
    assert!(TrustedProxies::parse("").unwrap().is_empty());
    for bad in ["10.0.0.0/33", "proxy.internal", "10.0.0.1/x", "::1/129"] {
        let err = TrustedProxies::parse(bad).unwrap_err();
        assert!(err.contains(bad), "{err}");
    }
}

#[test]
fn only_a_trusted_peer_can_name_the_client() {
    let none = TrustedProxies::default();
    let peer = ip("198.51.100.1");
    assert_eq!(
        none.client_ip(peer, &["203.0.113.9"]),
        peer,
        "spoofed header ignored"
    );
    let lb = TrustedProxies::parse("10.0.0.0/8").unwrap();
    assert_eq!(
        lb.client_ip(peer, &["203.0.113.9"]),
        peer,
        "peer is not our proxy"
    );
    let proxy = ip("10.0.0.2");
    assert_eq!(lb.client_ip(proxy, &["203.0.113.9"]), ip("203.0.113.9"));
    assert_eq!(
        lb.client_ip(proxy, &["6.6.6.6, 203.0.113.9, 10.0.0.3"]),
        ip("203.0.113.9"),
        "right-most untrusted: what the client wrote itself is to the left"
    );
    assert_eq!(
        lb.client_ip(proxy, &["6.6.6.6", "203.0.113.9:5000"]),
        ip("203.0.113.9")
    );
    assert_eq!(
        lb.client_ip(proxy, &[]),
        proxy,
        "no header: the proxy itself"
    );
    assert_eq!(lb.client_ip(proxy, &["junk"]), proxy);
}

#[test]
fn only_the_configured_header_is_read_and_forwarded_elements_name_the_client() {
    let proxy = ip("10.0.0.2");
    let xff = TrustedProxies::parse("10.0.0.0/8").unwrap();
    assert_eq!(xff.header(), ForwardedHeader::XForwardedFor);
    let rfc = xff.clone().reading(ForwardedHeader::Forwarded);
    assert_eq!(rfc.header().name(), "forwarded");
    assert_eq!(
        rfc.client_ip(
            proxy,
            &["for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https"]
        ),
        ip("2001:db8::7")
    );
    assert_eq!(
        rfc.client_ip(proxy, &["for=_hidden"]),
        proxy,
        "an obfuscated hop: the nearest known"
    );
    assert_eq!("Forwarded".parse(), Ok(ForwardedHeader::Forwarded));
    assert!("x-real-ip".parse::<ForwardedHeader>().is_err());
}

#[test]
fn progress_lists_the_steps_still_open() {
    let progress = Progress::default();
    let session = progress.begin("reading the session");
    let cards = progress.begin("reading cards");
    assert!(progress.describe().starts_with("reading the session ("));
    drop(session);
    let left = progress.describe();
    assert!(
        left.starts_with("reading cards (") && !left.contains("session"),
        "{left}"
    );
    drop(cards);
    assert_eq!(progress.describe(), "");
}

#[test]
fn ipv6_peers_are_grouped_by_their_64_prefix_and_mapped_ipv4_stays_ipv4() {
    let key = |ip: &str| {
        RequestMeta {
            session_id: None,
            peer_ip: Some(ip.parse().unwrap()),
            caller: None,
        }
        .ip_key()
    };
    assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
    assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
}
