//! The TLS settings of `bind ... ssl` lines and their global defaults
//! (`ssl-default-bind-ciphers`, `ssl-default-bind-ciphersuites`, `ssl-default-bind-options`),
//! with OpenSSL's names mapped onto what rustls offers.
//!
//! As in HAProxy, a `bind` line starts from the global defaults read so far (and `crt-base`)
//! and its own options replace them. rustls only has TLS 1.2 and 1.3 and their AEAD suites: OpenSSL cipher
//! names rustls does not have (DHE, CBC, CCM...) are left out with a warning naming them, and a
//! setting that leaves no version or no suite is an error.

use super::super::diag::Span;
use super::super::lexer::Line;
use super::Ctx;
use crate::model::{BindTls, TlsVersion};
use std::path::PathBuf;

/// `ssl-default-bind-ciphers <list>`, `ssl-default-bind-ciphersuites <list>` and
/// `ssl-default-bind-options <options>` (global): the settings `bind ... ssl` lines start from.
pub(super) fn apply_default(line: &Line, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let keyword = line.words[0].as_str();
    let mut draft = ctx.tls_defaults.clone();
    if keyword == "ssl-default-bind-options" {
        let mut rest = line.words[1..].iter();
        while let Some(option) = rest.next() {
            match draft.apply_option(option, &mut rest) {
                Some(Ok(())) => {}
                Some(Err(problem)) => return ctx.bad_arg(span, keyword, problem),
                None => return ctx.unsupported(span, &format!("{keyword} {option}")),
            }
        }
    } else {
        let [list] = &line.words[1..] else {
            return ctx.bad_arg(span, keyword, "expects one colon-separated list");
        };
        apply_list(&mut draft, keyword, list, span, ctx);
    }
    *ctx.tls_defaults = draft;
}

/// `keyword <list>` (`ciphers` or `ciphersuites`, on a `bind` line or in `global`) into
/// `draft`, warning about the names rustls does not have.
pub(super) fn apply_list(
    draft: &mut TlsDraft,
    keyword: &str,
    list: &str,
    span: &Span,
    ctx: &mut Ctx<'_>,
) {
    let result = if keyword.ends_with("ciphersuites") {
        draft.set_ciphersuites(list)
    } else {
        draft.set_ciphers(list)
    };
    match result {
        Ok(dropped) if !dropped.is_empty() => {
            let message = format!(
                "'{keyword}': rustls has no cipher suite {}; left out (in {} section)",
                dropped.join(", "),
                ctx.section
            );
            ctx.warn(span, message);
        }
        Ok(_) => {}
        Err(problem) => ctx.bad_arg(span, keyword, problem),
    }
}

/// HAProxy's protocol versions, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Version {
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

/// Each version: its `ssl-min-ver` name, its `no-` and `force-` options.
const VERSIONS: [(Version, &str, &str, &str); 5] = [
    (Version::Ssl3, "SSLv3", "no-sslv3", "force-sslv3"),
    (Version::Tls10, "TLSv1.0", "no-tlsv10", "force-tlsv10"),
    (Version::Tls11, "TLSv1.1", "no-tlsv11", "force-tlsv11"),
    (Version::Tls12, "TLSv1.2", "no-tlsv12", "force-tlsv12"),
    (Version::Tls13, "TLSv1.3", "no-tlsv13", "force-tlsv13"),
];

/// OpenSSL's TLS 1.2 cipher names (`ciphers`) and rustls's names for the same suites.
pub(crate) const TLS12_SUITES: &[(&str, &str)] = &[
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ),
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    ),
    (
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
    (
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ),
    (
        "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ),
    (
        "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
];

/// The TLS 1.3 suite names (`ciphersuites`) and rustls's names for them.
pub(crate) const TLS13_SUITES: &[(&str, &str)] = &[
    ("TLS_AES_128_GCM_SHA256", "TLS13_AES_128_GCM_SHA256"),
    ("TLS_AES_256_GCM_SHA384", "TLS13_AES_256_GCM_SHA384"),
    (
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS13_CHACHA20_POLY1305_SHA256",
    ),
];

/// TLS settings while the configuration is read: the global defaults, or a `bind` line's.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsDraft {
    tls12_suites: Option<Vec<&'static str>>,
    tls13_suites: Option<Vec<&'static str>>,
    min: Option<Version>,
    max: Option<Version>,
    disabled: Vec<Version>,
    forced: Option<Version>,
    /// `crt-base` (global): where relative `crt` paths are.
    crt_base: Option<PathBuf>,
}

/// A list's suites (rustls names) and the names rustls does not have.
type Suites = (Vec<&'static str>, Vec<String>);

impl TlsDraft {
    /// `crt-base <dir>`: relative `crt` paths from now on are in `dir`.
    pub(crate) fn set_crt_base(&mut self, dir: &str) {
        self.crt_base = Some(PathBuf::from(dir));
    }

    /// Where the `crt` file written `path` is: under `crt-base` when relative.
    pub(crate) fn crt_path(&self, path: &str) -> PathBuf {
        match &self.crt_base {
            Some(base) => base.join(path),
            None => PathBuf::from(path),
        }
    }

    /// `ciphers <list>`: OpenSSL's TLS 1.2 cipher names; returns the names left out.
    pub(crate) fn set_ciphers(&mut self, list: &str) -> Result<Vec<String>, String> {
        let (suites, dropped) = suites_of(list, TLS12_SUITES, '-')?;
        self.tls12_suites = Some(suites);
        Ok(dropped)
    }

    /// `ciphersuites <list>`: TLS 1.3 suite names; returns the names left out.
    pub(crate) fn set_ciphersuites(&mut self, list: &str) -> Result<Vec<String>, String> {
        let (suites, dropped) = suites_of(list, TLS13_SUITES, '_')?;
        self.tls13_suites = Some(suites);
        Ok(dropped)
    }

    /// Applies `option` (of a `bind` line or `ssl-default-bind-options`) if it is a version
    /// or ticket option, taking its value from `rest`; `None` when it is another option.
    pub(crate) fn apply_option<'w>(
        &mut self,
        option: &str,
        rest: &mut impl Iterator<Item = &'w String>,
    ) -> Option<Result<(), String>> {
        let version_named = |name: Option<&String>| {
            let name = name.map_or("", String::as_str);
            VERSIONS
                .iter()
                .find(|(_, known, _, _)| *known == name)
                .map(|(version, ..)| *version)
                .ok_or_else(|| {
                    format!("'{option}' expects SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3, got '{name}'")
                })
        };
        let outcome = match option {
            "ssl-min-ver" => version_named(rest.next()).map(|v| self.min = Some(v)),
            "ssl-max-ver" => version_named(rest.next()).map(|v| self.max = Some(v)),
            // rustls never issues stateless (RFC 5077) session tickets: its default ticketer
            // produces none, resumption uses its server-side session cache. That is what
            // `no-tls-tickets` asks for, so there is nothing to change.
            "no-tls-tickets" => Ok(()),
            _ => {
                if let Some((version, ..)) = VERSIONS.iter().find(|v| v.2 == option) {
                    self.disabled.push(*version);
                } else if let Some((version, ..)) = VERSIONS.iter().find(|v| v.3 == option) {
                    self.forced = Some(*version);
                } else {
                    return None;
                }
                Ok(())
            }
        };
        Some(outcome)
    }

    /// The settings of a TLS `bind` serving `certificate`: the versions and suites rustls
    /// offers.
    pub(crate) fn resolve(&self, certificate: PathBuf) -> Result<BindTls, String> {
        // HAProxy 2.6's default minimum is TLS 1.2.
        let min = self.min.unwrap_or(Version::Tls12);
        let max = self.max.unwrap_or(Version::Tls13);
        if min > max {
            return Err("'ssl-min-ver' is above 'ssl-max-ver'".to_string());
        }
        let enabled: Vec<Version> = VERSIONS
            .iter()
            .map(|(version, ..)| *version)
            .filter(|v| match self.forced {
                Some(forced) => *v == forced,
                None => (min..=max).contains(v) && !self.disabled.contains(v),
            })
            .collect();
        let rustls_versions = [
            (
                Version::Tls12,
                TlsVersion::Tls12,
                &self.tls12_suites,
                TLS12_SUITES,
            ),
            (
                Version::Tls13,
                TlsVersion::Tls13,
                &self.tls13_suites,
                TLS13_SUITES,
            ),
        ];
        let mut versions = Vec::new();
        let mut suites = Vec::new();
        for (version, offered, configured, all) in rustls_versions {
            if !enabled.contains(&version) {
                continue;
            }
            let names: Vec<&str> = match configured {
                Some(names) => names.clone(),
                None => all.iter().map(|(_, rustls)| *rustls).collect(),
            };
            // A version with no suite left cannot be negotiated: OpenSSL refuses such clients.
            if !names.is_empty() {
                versions.push(offered);
                suites.extend(names.into_iter().map(str::to_string));
            }
        }
        if enabled.is_empty() {
            return Err("these options leave no TLS version enabled".to_string());
        }
        if enabled.iter().all(|v| *v < Version::Tls12) {
            let names: Vec<&str> = VERSIONS
                .iter()
                .filter(|v| enabled.contains(&v.0))
                .map(|v| v.1)
                .collect();
            return Err(format!(
                "only {} would be enabled; rustls supports TLSv1.2 and TLSv1.3 only",
                names.join(", ")
            ));
        }
        if versions.is_empty() {
            return Err(
                "no cipher suite rustls supports is left for the enabled TLS versions".to_string(),
            );
        }
        let configured = self.tls12_suites.is_some() || self.tls13_suites.is_some();
        Ok(BindTls {
            certificate,
            cipher_suites: configured.then_some(suites),
            versions,
        })
    }
}

/// The suites of an OpenSSL cipher list (`:`, `,` or space separated) found in `table`, and
/// the names left out. A word that is not a name (it has no `separator`, as OpenSSL's
/// keywords like `HIGH` or `!aNULL`) is an error: cipher expressions are not supported.
fn suites_of(
    list: &str,
    table: &[(&str, &'static str)],
    separator: char,
) -> Result<Suites, String> {
    let mut suites = Vec::new();
    let mut dropped = Vec::new();
    for name in list.split([':', ',', ' ']).filter(|n| !n.is_empty()) {
        if let Some((_, rustls)) = table.iter().find(|(openssl, _)| *openssl == name) {
            if !suites.contains(rustls) {
                suites.push(*rustls);
            }
        } else if name.contains(separator)
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            dropped.push(name.to_string());
        } else {
            return Err(format!(
                "cipher expressions such as '{name}' are not supported yet; list cipher names"
            ));
        }
    }
    Ok((suites, dropped))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn with_options(text: &str) -> TlsDraft {
        let mut draft = TlsDraft::default();
        let words = words(text);
        let mut rest = words.iter();
        while let Some(option) = rest.next() {
            draft.apply_option(option, &mut rest).unwrap().unwrap();
        }
        draft
    }

    #[test]
    fn debians_cipher_list_keeps_the_ecdhe_suites_and_names_the_dhe_ones_left_out() {
        let mut draft = TlsDraft::default();
        let dropped = draft
            .set_ciphers(
                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
                 DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
            )
            .unwrap();
        assert_eq!(
            dropped,
            ["DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384"]
        );
        let tls = draft.resolve(PathBuf::from("x.pem")).unwrap();
        let suites = tls.cipher_suites.unwrap();
        assert_eq!(
            suites[..2],
            [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
            ]
        );
        assert_eq!(suites.len(), 5, "the three TLS 1.3 suites stay: {suites:?}");
    }

    #[test]
    fn cipher_expressions_are_refused() {
        let error = TlsDraft::default().set_ciphers("HIGH:!aNULL").unwrap_err();
        assert!(error.contains("'HIGH'"), "{error}");
    }

    #[test]
    fn versions_follow_min_max_no_and_force_options() {
        let only_13 = with_options("ssl-min-ver TLSv1.3 no-tls-tickets");
        let tls = only_13.resolve(PathBuf::new()).unwrap();
        assert_eq!(tls.versions, [TlsVersion::Tls13]);
        assert_eq!(tls.cipher_suites, None);
        let old_min = with_options("ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.2");
        assert_eq!(
            old_min.resolve(PathBuf::new()).unwrap().versions,
            [TlsVersion::Tls12]
        );
        let no13 = with_options("no-tlsv13 no-sslv3");
        assert_eq!(
            no13.resolve(PathBuf::new()).unwrap().versions,
            [TlsVersion::Tls12]
        );
        let forced = with_options("force-tlsv13");
        assert_eq!(
            forced.resolve(PathBuf::new()).unwrap().versions,
            [TlsVersion::Tls13]
        );
    }

    #[test]
    fn settings_leaving_no_version_or_suite_are_refused() {
        let old = with_options("force-tlsv11")
            .resolve(PathBuf::new())
            .unwrap_err();
        assert!(old.contains("only TLSv1.1 would be enabled"), "{old}");
        let inverted = with_options("ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2");
        assert!(inverted.resolve(PathBuf::new()).is_err());
        let mut no_suite = with_options("ssl-min-ver TLSv1.3");
        assert_eq!(
            no_suite
                .set_ciphersuites("TLS_AES_128_CCM_SHA256")
                .unwrap()
                .len(),
            1
        );
        let error = no_suite.resolve(PathBuf::new()).unwrap_err();
        assert!(error.contains("no cipher suite"), "{error}");
    }
}
