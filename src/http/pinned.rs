//! The TLS set-up of the run's client. The platform's CA certificates are read on the first
//! certificate to verify, not at start-up: a run that never speaks https never reads them.
//!
//! `--cacert` with a self-signed server certificate, as curl and Hurl accept it: a
//! certificate given in `--cacert` that *is* the server's certificate is trusted (pinned)
//! even when it says CA:TRUE, which the WebPKI rules refuse for an end entity. Everything
//! else is verified as usual, and a pinned certificate must still name the host and be
//! within its validity period.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, SignatureScheme};

/// The certificates of a `--cacert` file, checked to be usable as trust anchors.
pub fn cacert_roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("holds no PEM certificate: {e}"))?;
    if roots.is_empty() {
        return Err("holds no PEM certificate".into());
    }
    let mut store = rustls::RootCertStore::empty();
    for cert in &roots {
        store
            .add(cert.clone())
            .map_err(|e| format!("cannot be used: {e}"))?;
    }
    Ok(roots)
}

/// The TLS set-up of a client: the platform's roots (read when first needed) plus `pinned`,
/// the `--cacert` certificates, each also pinned; `identity` is a PEM certificate chain and
/// key for mutual TLS. ALPN offers HTTP/2 and HTTP/1.1, as reqwest's own set-up does.
pub fn tls_config(
    pinned: Vec<CertificateDer<'static>>,
    identity: Option<&[u8]>,
) -> Result<ClientConfig, String> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = PinnedOrPlatform {
        inner: LazyPlatform {
            extra_roots: pinned.clone(),
            provider: Arc::clone(&provider),
            verifier: OnceLock::new(),
        },
        pinned,
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match identity {
        None => builder.with_no_client_auth(),
        Some(pem) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("--cert/--key do not hold a PEM certificate: {e}"))?;
            if certs.is_empty() {
                return Err("--cert/--key do not hold a PEM certificate".into());
            }
            let key = PrivateKeyDer::from_pem_slice(pem)
                .map_err(|e| format!("--cert/--key do not hold a PEM private key: {e}"))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| format!("--cert/--key cannot be used: {e}"))?
        }
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform verifier (the system's CA certificates plus `extra_roots`), built on the
/// first certificate it is asked about. Signatures are checked with the provider's
/// algorithms, as the platform verifier itself does, without reading any certificate.
#[derive(Debug)]
struct LazyPlatform {
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<rustls_platform_verifier::Verifier, Error>>,
}

impl LazyPlatform {
    fn get(&self) -> Result<&rustls_platform_verifier::Verifier, Error> {
        self.verifier
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra_roots.iter().cloned(),
                    Arc::clone(&self.provider),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.get()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }
}

/// The platform verifier, and failing that, a certificate equal byte for byte to a
/// `--cacert` one.
#[derive(Debug)]
struct PinnedOrPlatform {
    pinned: Vec<CertificateDer<'static>>,
    inner: LazyPlatform,
}

impl ServerCertVerifier for PinnedOrPlatform {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verdict {
            Err(_)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                check_validity(end_entity, now)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.inner.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.inner.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner
            .provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Whether `now` lies within the certificate's notBefore..notAfter.
fn check_validity(cert: &[u8], now: UnixTime) -> Result<(), Error> {
    let (not_before, not_after) =
        validity(cert).ok_or(Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let time = now;
    let now = now.as_secs() as i64;
    if now < not_before {
        Err(Error::InvalidCertificate(CertificateError::NotValidYet))
    } else if now > not_after {
        // Earlier than now, so not before 1970 unless the clock is.
        let not_after = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(not_after).unwrap_or(0),
        ));
        Err(Error::InvalidCertificate(
            CertificateError::ExpiredContext { time, not_after },
        ))
    } else {
        Ok(())
    }
}

/// notBefore and notAfter (Unix seconds) of a DER X.509 certificate.
fn validity(der: &[u8]) -> Option<(i64, i64)> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    // version [0] is optional; then serial, signature algorithm, issuer.
    if rest.first() == Some(&0xa0) {
        rest = tlv(rest)?.2;
    }
    for _ in 0..3 {
        rest = tlv(rest)?.2;
    }
    let (_, validity, _) = tlv(rest)?;
    let (tag, not_before, after) = tlv(validity)?;
    let not_before = time(tag, not_before)?;
    let (tag, not_after, _) = tlv(after)?;
    Some((not_before, time(tag, not_after)?))
}

/// One DER element: its tag, its content and what follows it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = input.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |acc, b| acc << 8 | *b as usize),
            2 + n,
        )
    };
    let content = input.get(header..header.checked_add(len)?)?;
    Some((tag, content, &input[header + len..]))
}

/// UTCTime (`YYMMDDHHMMSSZ`, tag 0x17) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, 0x18).
fn time(tag: u8, content: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i32 = text.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let field = |i: usize| -> Option<u32> { rest.get(i..i + 2)?.parse().ok() };
    let date = NaiveDate::from_ymd_opt(year, field(0)?, field(2)?)?;
    let at = date.and_hms_opt(field(4)?, field(6)?, field(8)?)?;
    Some(at.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> CertificateDer<'static> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tls/self-signed.pem"
        );
        let pem = std::fs::read(path).unwrap();
        CertificateDer::pem_slice_iter(&pem)
            .next()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn the_validity_period_is_read_and_enforced() {
        let cert = fixture();
        let (not_before, not_after) = validity(&cert).unwrap();
        assert!(not_before > 1_700_000_000 && not_after > not_before + 365 * 86400);
        let at = |s: i64| UnixTime::since_unix_epoch(std::time::Duration::from_secs(s as u64));
        assert!(check_validity(&cert, at(not_before + 1)).is_ok());
        assert!(matches!(
            check_validity(&cert, at(not_after + 1)),
            Err(Error::InvalidCertificate(CertificateError::ExpiredContext { not_after: n, .. }))
                if n.as_secs() == not_after as u64
        ));
        assert_eq!(
            check_validity(&cert, at(not_before - 1)),
            Err(Error::InvalidCertificate(CertificateError::NotValidYet))
        );
        assert_eq!(time(0x17, b"491231235959Z"), Some(2524607999));
        assert_eq!(time(0x18, b"19700101000000Z"), Some(0));
        assert!(validity(&cert[..40]).is_none());
    }
}
