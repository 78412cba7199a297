//! Command-line parsing tests (no variable is read: each option is given on the command line).

use super::*;
use crate::config::SecretSource;

/// [`Cli`] parsing `argv` with every variable lookup switched off.
fn parse(argv: &[&str]) -> (Cli, clap::ArgMatches) {
    let matches = Cli::command()
        .mut_args(|arg| arg.env(None))
        .try_get_matches_from(argv)
        .unwrap();
    (Cli::from_arg_matches(&matches).unwrap(), matches)
}

#[test]
fn configuration_options_work_before_and_after_the_subcommand() {
    for argv in [
        [
            "porchlight",
            "--secret-file=k.key",
            "migrate",
            "--site-root=site",
        ],
        [
            "porchlight",
            "migrate",
            "--secret-file=k.key",
            "--site-root=site",
        ],
    ] {
        let (cli, matches) = parse(&argv);
        assert!(matches!(cli.command, Some(Command::Migrate)));
        let config = Config::from_args(cli.config, &matches).unwrap();
        assert_eq!(config.secret, SecretSource::File("k.key".into()));
        assert!(config.site_root_set, "{argv:?}");
    }
}

#[test]
fn a_secret_given_after_the_subcommand_is_not_taken_for_two_secrets() {
    let (cli, matches) = parse(&[
        "porchlight",
        "serve",
        "--secret=inline-secret-0123456789abcdef0123456789",
    ]);
    let config = Config::from_args(cli.config, &matches).unwrap();
    assert!(matches!(config.secret, SecretSource::Value(_)));
    assert!(!config.site_root_set);
}

#[test]
fn help_of_porchlight_and_of_serve_lists_every_variable_with_its_default() {
    // No wrapping, so no `[default: …]` is split across lines.
    let mut command = Cli::command().term_width(0);
    command.build();
    let top = command.render_long_help().to_string();
    let serve = command
        .find_subcommand_mut("serve")
        .unwrap()
        .render_long_help()
        .to_string();
    for help in [top, serve] {
        for shown in [
            "PORCHLIGHT_DATABASE_URL",
            "[default: sqlite://data/porchlight.db]",
            "PORCHLIGHT_PUBLIC_URL",
            "[default: http://127.0.0.1:3000]",
            "PORCHLIGHT_SMTP_URL",
            "PORCHLIGHT_OUTBOX_DIR",
            "[default: data/outbox]",
            "PORCHLIGHT_SECRET]",
            "PORCHLIGHT_SECRET_FILE",
            "[default: data/secret.key]",
            "PORCHLIGHT_TRUSTED_PROXIES",
            "LEPTOS_SITE_ADDR",
            "[default: 127.0.0.1:3000]",
            "LEPTOS_SITE_ROOT",
            "[default: target/site]",
            "RUST_LOG",
        ] {
            assert!(help.contains(shown), "{shown} missing from:\n{help}");
        }
    }
}
