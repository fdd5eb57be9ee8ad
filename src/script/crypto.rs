//! The native half of CryptoJS (`crypto.js`): digests, HMACs and random bytes on the Rust
//! hash crates, installed as functions of the global `__runner_native`. Bytes cross the
//! boundary as arrays of numbers (0–255).

use hmac::{Hmac, Mac};
use md5::Md5;
use rquickjs::{Ctx, Exception, Function, Object};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// The most random bytes one call may ask for (`WordArray.random(n)`).
const MAX_RANDOM: usize = 1 << 20;

/// Installs `__runner_native.digest(algorithm, bytes)`, `.hmac(algorithm, key, bytes)` and
/// `.random(count)`; algorithms are `md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let native = Object::new(ctx.clone())?;
    native.set(
        "digest",
        Function::new(ctx.clone(), |ctx: Ctx<'_>, name: String, data: Vec<u8>| {
            algorithm(&ctx, &name).map(|a| a.digest(&data))
        })?,
    )?;
    native.set(
        "hmac",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'_>, name: String, key: Vec<u8>, data: Vec<u8>| {
                let mac = algorithm(&ctx, &name)?.hmac(&key, &data);
                mac.ok_or_else(|| Exception::throw_range(&ctx, "HMAC: the key was refused"))
            },
        )?,
    )?;
    native.set(
        "random",
        Function::new(ctx.clone(), |ctx: Ctx<'_>, count: f64| random(&ctx, count))?,
    )?;
    ctx.globals().set("__runner_native", native)
}

fn algorithm(ctx: &Ctx<'_>, name: &str) -> rquickjs::Result<Algorithm> {
    Algorithm::from_name(name)
        .ok_or_else(|| Exception::throw_type(ctx, &format!("unknown hash algorithm '{name}'")))
}

fn random(ctx: &Ctx<'_>, count: f64) -> rquickjs::Result<Vec<u8>> {
    if !(0.0..=MAX_RANDOM as f64).contains(&count) {
        return Err(Exception::throw_range(
            ctx,
            &format!("random bytes: between 0 and {MAX_RANDOM} can be asked for"),
        ));
    }
    // In range and not NaN, so the cast neither wraps nor saturates.
    let mut bytes = vec![0u8; count as usize];
    getrandom::fill(&mut bytes).map_err(|err| {
        Exception::throw_internal(ctx, &format!("no random bytes from the system: {err}"))
    })?;
    Ok(bytes)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha224" => Algorithm::Sha224,
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algorithm::Md5 => Md5::digest(data).to_vec(),
            Algorithm::Sha1 => Sha1::digest(data).to_vec(),
            Algorithm::Sha224 => Sha224::digest(data).to_vec(),
            Algorithm::Sha256 => Sha256::digest(data).to_vec(),
            Algorithm::Sha384 => Sha384::digest(data).to_vec(),
            Algorithm::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// None when the key is refused (HMAC takes keys of every length, so never in practice).
    fn hmac(self, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Algorithm::Md5 => mac::<Hmac<Md5>>(key, data),
            Algorithm::Sha1 => mac::<Hmac<Sha1>>(key, data),
            Algorithm::Sha224 => mac::<Hmac<Sha224>>(key, data),
            Algorithm::Sha256 => mac::<Hmac<Sha256>>(key, data),
            Algorithm::Sha384 => mac::<Hmac<Sha384>>(key, data),
            Algorithm::Sha512 => mac::<Hmac<Sha512>>(key, data),
        }
    }
}

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
#[path = "crypto_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "expect_tests.rs"]
mod expect_tests;
