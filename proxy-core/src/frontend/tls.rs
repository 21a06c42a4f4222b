//! TLS termination for `bind ... ssl crt <file>`, with rustls.
//!
//! As with HAProxy, the `crt` file is PEM: the server certificate first, then its chain, and
//! the private key (PKCS#8, PKCS#1 or SEC1), in any order. Clients are offered the versions and
//! cipher suites of the bind (`ssl-min-ver`, `ciphers`...; by default TLS 1.2 and 1.3 with every
//! suite of rustls's ring provider), the server's suite order first as HAProxy does, and
//! HTTP/1.1 by ALPN. A reload reads the file again, so a renewed certificate is served to new
//! connections without a restart.

use crate::model::{BindTls, TlsVersion};
use arc_swap::ArcSwap;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// Why a `crt` file cannot serve TLS.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    /// The file has no `CERTIFICATE` block, or one that does not parse.
    #[error("no certificate in '{0}'")]
    NoCertificate(String),
    /// The file has no private key block, or one that does not parse.
    #[error("no private key in '{0}'")]
    NoKey(String),
    /// A cipher suite name rustls does not know (a model not built from a file).
    #[error("unknown cipher suite '{0}'")]
    UnknownSuite(String),
    /// rustls refused the certificate and key (e.g. the key does not match).
    #[error("'{file}': {source}")]
    Rejected {
        /// The `crt` file.
        file: String,
        /// rustls's reason.
        #[source]
        source: rustls::Error,
    },
}

/// The TLS settings of one `bind`, replaced whole when a reload reads its `crt` file again.
#[derive(Debug)]
pub(crate) struct TlsSlot {
    tls: BindTls,
    config: ArcSwap<ServerConfig>,
}

impl TlsSlot {
    /// Loads `tls.certificate`.
    pub(crate) fn load(tls: &BindTls) -> Result<TlsSlot, TlsError> {
        Ok(TlsSlot {
            config: ArcSwap::new(server_config(tls)?),
            tls: tls.clone(),
        })
    }

    /// The settings read again from the `crt` file, to [`store`](Self::store) once every
    /// other part of a reload is ready.
    pub(crate) fn reread(&self) -> Result<Arc<ServerConfig>, TlsError> {
        server_config(&self.tls)
    }

    /// Serves `config` to the connections accepted from now on.
    pub(crate) fn store(&self, config: Arc<ServerConfig>) {
        self.config.store(config);
    }

    /// The acceptor for a new connection.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.load_full())
    }
}

/// The rustls settings of a TLS `bind`: its certificate chain and key loaded from
/// `tls.certificate`.
fn server_config(tls: &BindTls) -> Result<Arc<ServerConfig>, TlsError> {
    let file = tls.certificate.display().to_string();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&tls.certificate)
        .map_err(|_| TlsError::NoCertificate(file.clone()))?
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::NoCertificate(file.clone()))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(file));
    }
    let key = PrivateKeyDer::from_pem_file(&tls.certificate)
        .map_err(|_| TlsError::NoKey(file.clone()))?;
    let rejected = |source| TlsError::Rejected {
        file: file.clone(),
        source,
    };
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(names) = &tls.cipher_suites {
        provider.cipher_suites = names
            .iter()
            .map(|name| {
                rustls::crypto::ring::ALL_CIPHER_SUITES
                    .iter()
                    .find(|suite| suite.suite().as_str() == Some(name.as_str()))
                    .copied()
                    .ok_or_else(|| TlsError::UnknownSuite(name.clone()))
            })
            .collect::<Result<_, _>>()?;
    }
    let versions: Vec<_> = tls
        .versions
        .iter()
        .map(|version| match version {
            TlsVersion::Tls12 => &rustls::version::TLS12,
            TlsVersion::Tls13 => &rustls::version::TLS13,
        })
        .collect();
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&versions)
        .map_err(rejected)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(rejected)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    // HAProxy (OpenSSL's server preference) picks the first of its suites the client offers.
    config.ignore_client_order = true;
    Ok(Arc::new(config))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A `crt` file holding `pem`.
    fn crt(pem: &str) -> (tempfile::NamedTempFile, BindTls) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), pem).unwrap();
        let tls = BindTls::new(file.path());
        (file, tls)
    }

    #[test]
    fn a_certificate_with_its_key_in_one_pem_file_serves_tls() {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let pem = generated.cert.pem() + &generated.signing_key.serialize_pem();
        let (_file, tls) = crt(&pem);
        assert!(TlsSlot::load(&tls).is_ok());
    }

    #[test]
    fn a_file_without_key_or_certificate_is_refused_by_name() {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (_file, tls) = crt(&generated.cert.pem());
        assert!(matches!(server_config(&tls), Err(TlsError::NoKey(_))));
        let (_file, tls) = crt(&generated.signing_key.serialize_pem());
        let error = server_config(&tls).unwrap_err();
        assert!(matches!(error, TlsError::NoCertificate(_)));
        assert!(error
            .to_string()
            .contains(&tls.certificate.display().to_string()));
    }

    #[test]
    fn every_openssl_name_the_configuration_maps_is_a_rustls_suite() {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let pem = generated.cert.pem() + &generated.signing_key.serialize_pem();
        let (_file, mut tls) = crt(&pem);
        let names = crate::config::TLS12_SUITES
            .iter()
            .chain(crate::config::TLS13_SUITES)
            .map(|(_, rustls)| rustls.to_string());
        tls.cipher_suites = Some(names.collect());
        assert!(server_config(&tls).is_ok());
        tls.cipher_suites = Some(vec!["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256".into()]);
        assert!(matches!(
            server_config(&tls),
            Err(TlsError::UnknownSuite(_))
        ));
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let one = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (_file, tls) = crt(&(one.cert.pem() + &other.signing_key.serialize_pem()));
        assert!(matches!(
            server_config(&tls),
            Err(TlsError::Rejected { .. })
        ));
    }
}
