//! `crypto.js` on the native hashes against values computed by crypto-js 4 on node.

use rquickjs::{Context, Ctx, Function, Runtime};

const CRYPTO_JS: &str = include_str!("crypto.js");

fn with_natives<R>(f: impl FnOnce(&Ctx<'_>) -> R) -> R {
    let rt = Runtime::new().expect("runtime");
    let ctx = Context::full(&rt).expect("context");
    ctx.with(|ctx| {
        super::register(&ctx).expect("natives register");
        f(&ctx)
    })
}

fn with_cryptojs<R>(f: impl FnOnce(&Ctx<'_>) -> R) -> R {
    with_natives(|ctx| {
        ctx.eval::<(), _>(CRYPTO_JS).expect("crypto.js evaluates");
        ctx.eval::<(), _>(
            r#"globalThis.__case = function (source) {
                try { return String(new Function("C", "return " + source)(__runner_cryptojs)); }
                catch (e) { return "E:" + e.message; }
            };"#,
        )
        .expect("the harness evaluates");
        f(ctx)
    })
}

#[test]
fn digests_hmacs_and_encodings_match_crypto_js() {
    let bad: Vec<String> = with_cryptojs(|ctx| {
        let run: Function = ctx.globals().get("__case").expect("__case");
        CASES
            .iter()
            .filter_map(|(source, expected)| {
                let got: String = run.call((*source,)).expect("a case returns its value");
                (got != *expected)
                    .then(|| format!("{source}\n  want: {expected:?}\n  got:  {got:?}"))
            })
            .collect()
    });
    assert!(
        bad.is_empty(),
        "{} of {} cases differ:\n{}",
        bad.len(),
        CASES.len(),
        bad.join("\n")
    );
}

#[test]
fn natives_refuse_unknown_algorithms_and_impossible_sizes() {
    let got: String = with_natives(|ctx| {
        ctx.eval(
            r#"[
              function () { return __runner_native.digest("sha3", [1]); },
              function () { return __runner_native.hmac("md4", [1], [2]); },
              function () { return __runner_native.random(-1); },
              function () { return __runner_native.random(1e12); },
            ].map(function (f) {
              try { f(); return "no error"; } catch (e) { return e.name + ": " + e.message; }
            }).join("\n")"#,
        )
        .expect("outcome")
    });
    assert_eq!(
        got,
        "TypeError: unknown hash algorithm 'sha3'\n\
         TypeError: unknown hash algorithm 'md4'\n\
         RangeError: random bytes: between 0 and 1048576 can be asked for\n\
         RangeError: random bytes: between 0 and 1048576 can be asked for"
    );
}

#[test]
fn crypto_js_keeps_the_natives_to_itself() {
    let left: String = with_cryptojs(|ctx| {
        ctx.eval("typeof __runner_native + ' ' + typeof __runner_cryptojs")
            .expect("outcome")
    });
    assert_eq!(left, "undefined object");
}

#[test]
fn random_word_arrays_differ() {
    let same: bool = with_cryptojs(|ctx| {
        ctx.eval(
            "var W = __runner_cryptojs.lib.WordArray; W.random(16).toString() === W.random(16).toString()",
        )
        .expect("outcome")
    });
    assert!(!same);
}

/// crypto-js 4 on node: each expression and its value as a string.
const CASES: &[(&str, &str)] = &[
    (r"C.MD5('').toString()", r"d41d8cd98f00b204e9800998ecf8427e"),
    (
        r"C.MD5('hello').toString()",
        r"5d41402abc4b2a76b9719d911017c592",
    ),
    (
        r"C.SHA1('hello').toString()",
        r"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
    ),
    (
        r"C.SHA224('hello').toString()",
        r"ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193",
    ),
    (
        r"C.SHA256('hello').toString()",
        r"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    ),
    (
        r"C.SHA384('hello').toString()",
        r"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f",
    ),
    (
        r"C.SHA512('hello').toString()",
        r"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
    ),
    (
        r"C.SHA256('héllo wörld ✓ 😀').toString()",
        r"23e0a0c5e66366c058e29407717008da83f9004340e71ff074bb24bd4b80eb2a",
    ),
    (
        r"C.SHA256('hello').toString(C.enc.Base64)",
        r"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
    ),
    (
        r"C.SHA256(C.enc.Utf8.parse('hello')).toString()",
        r"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    ),
    (
        r"C.SHA256(C.enc.Hex.parse('00ff10')).toString()",
        r"2da45f2cd1f9c8e69a67abf7a6b26c282533d0a7686787a9533265418680d4d2",
    ),
    (
        r"C.MD5('a'.repeat(1000)).toString()",
        r"cabe45dcc9ae5b66ba86600cca6b8ba8",
    ),
    (
        r"C.HmacMD5('message', 'key').toString()",
        r"4e4748e62b463521f6775fbf921234b5",
    ),
    (
        r"C.HmacSHA1('message', 'key').toString()",
        r"2088df74d5f2146b48146caf4965377e9d0be3a4",
    ),
    (
        r"C.HmacSHA256('message', 'key').toString()",
        r"6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a",
    ),
    (
        r"C.HmacSHA512('message', 'key').toString()",
        r"e477384d7ca229dd1426e64b63ebf2d36ebd6d7e669a6735424e72ea6c01d3f8b56eb39c36d8232f5427999b8d1a3f9cd1128fc69f4d75b434216810fa367e98",
    ),
    (
        r"C.HmacSHA224('message', 'key').toString()",
        r"a0b5eecae3f74f0561a8da6f389f78f1a3895c8c183c31c1756d7925",
    ),
    (
        r"C.HmacSHA384('message', 'key').toString()",
        r"0fd3ae3237be98c64a075b7394989fc6789f31788fada42eada85ee6698bde2feae20b66271b67544b9062c773b2d86f",
    ),
    (
        r"C.HmacSHA256('message', 'k'.repeat(200)).toString()",
        r"3badf82b9f5273bc369d6a02e72487c74a31bff445000fec40fe0cee65c08bf2",
    ),
    (
        r"C.HmacSHA256('message', C.enc.Base64.parse('c2VjcmV0')).toString(C.enc.Base64)",
        r"i19IcCmVwVmMVz2x4hhmqbgl1KeU0WnXBgoDYFeWNgs=",
    ),
    (
        r"C.enc.Base64.stringify(C.HmacSHA256('GET\n/path', 'secret'))",
        r"X8KzvPwjIw18Jbq48DLfNt9J1GFWVGTIoRuULEx3I9c=",
    ),
    (
        r"C.enc.Base64.stringify(C.enc.Utf8.parse('hello'))",
        r"aGVsbG8=",
    ),
    (r"C.enc.Base64.stringify(C.enc.Utf8.parse('hi'))", r"aGk="),
    (r"C.enc.Base64.stringify(C.enc.Utf8.parse('h'))", r"aA=="),
    (r"C.enc.Base64.stringify(C.enc.Utf8.parse(''))", r""),
    (
        r"C.enc.Base64.stringify(C.enc.Utf8.parse('user:pass ✓'))",
        r"dXNlcjpwYXNzIOKckw==",
    ),
    (
        r"C.enc.Base64url.stringify(C.enc.Hex.parse('fbff'))",
        r"-_8",
    ),
    (r"C.enc.Base64.stringify(C.enc.Hex.parse('fbff'))", r"+/8="),
    (
        r"C.enc.Utf8.stringify(C.enc.Base64.parse('aGVsbG8='))",
        r"hello",
    ),
    (r"C.enc.Utf8.stringify(C.enc.Base64.parse('aGk'))", r"hi"),
    (
        r"C.enc.Utf8.stringify(C.enc.Base64.parse('dXNlcjpwYXNzIOKckw=='))",
        r"user:pass ✓",
    ),
    (
        r"C.enc.Hex.stringify(C.enc.Base64.parse('AAEC/w=='))",
        r"000102ff",
    ),
    (
        r"C.enc.Hex.stringify(C.enc.Utf8.parse('é✓'))",
        r"c3a9e29c93",
    ),
    (r"C.enc.Hex.stringify(C.enc.Latin1.parse('é✓'))", r"e913"),
    (r"C.enc.Latin1.stringify(C.enc.Hex.parse('e9ff41'))", r"éÿA"),
    (r"C.enc.Hex.parse('0a0b0c0d0e').sigBytes", r"5"),
    (
        r"JSON.stringify(C.enc.Hex.parse('0a0b0c0d0e').words)",
        r"[168496141,234881024]",
    ),
    (
        r"JSON.stringify(C.enc.Utf8.parse('abcde').words)",
        r"[1633837924,1694498816]",
    ),
    (r"C.enc.Hex.parse('abcd').toString()", r"abcd"),
    (
        r"C.enc.Utf8.parse('abc').concat(C.enc.Utf8.parse('def')).toString(C.enc.Utf8)",
        r"abcdef",
    ),
    (
        r"C.enc.Utf8.parse('abcde').concat(C.enc.Hex.parse('ff')).toString()",
        r"6162636465ff",
    ),
    (r"C.enc.Utf8.parse('abc').clone().toString()", r"616263"),
    (
        r"C.lib.WordArray.create([0x61626364], 3).toString(C.enc.Utf8)",
        r"abc",
    ),
    (
        r"C.lib.WordArray.create([0x61626364]).toString()",
        r"61626364",
    ),
    (
        r"C.lib.WordArray.create(new Uint8Array([1, 2, 3])).toString()",
        r"010203",
    ),
    (r"C.lib.WordArray.random(16).sigBytes", r"16"),
    (
        r"C.algo.SHA256.create().update('hel').update('lo').finalize().toString()",
        r"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    ),
    (
        r"C.algo.SHA1.create().finalize('hello').toString()",
        r"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
    ),
    (
        r"C.algo.HMAC.create(C.algo.SHA256, 'key').update('mess').finalize('age').toString()",
        r"6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a",
    ),
    (r"C.SHA256('hello').sigBytes", r"32"),
    (r"C.SHA1('hello').words.length", r"5"),
    (
        r"C.MD5(C.SHA256('x')).toString()",
        r"7b32c3bbd5556a671d99813063935f69",
    ),
    (
        r"C.enc.Utf8.stringify(C.enc.Hex.parse('ff'))",
        r"E:Malformed UTF-8 data",
    ),
    (
        r"String(C.SHA256('abc'))",
        r"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    (r"'' + C.MD5('abc')", r"900150983cd24fb0d6963f7d28e17f72"),
];
