// CryptoJS, the part collections use: WordArray, the Hex/Base64/Utf8/Latin1 encoders, the
// MD5/SHA hashes and their HMACs. The hashing is native: `__runner_native.digest(name,
// bytes)`, `.hmac(name, keyBytes, bytes)` and `.random(count)` take and return bytes as
// arrays of numbers (0-255); it keeps them and removes that global. The only global it
// defines is `__runner_cryptojs`.
(function () {
  "use strict";

  var native = globalThis.__runner_native;
  delete globalThis.__runner_native;

  // ---- WordArray: bytes as big-endian 32-bit words, `sigBytes` of them significant -----

  function WordArray(words, sigBytes) {
    this.words = words || [];
    this.sigBytes = sigBytes !== undefined ? sigBytes : this.words.length * 4;
  }

  function fromBytes(bytes) {
    var words = [];
    for (var i = 0; i < bytes.length; i += 1) {
      words[i >>> 2] |= (bytes[i] & 0xff) << (24 - (i % 4) * 8);
    }
    return new WordArray(words, bytes.length);
  }

  function toBytes(wordArray) {
    var words = wordArray.words;
    var count = wordArray.sigBytes;
    var bytes = new Array(count);
    for (var i = 0; i < count; i += 1) {
      bytes[i] = (words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff;
    }
    return bytes;
  }

  WordArray.prototype.toString = function (encoder) {
    return (encoder || Hex).stringify(this);
  };
  WordArray.prototype.clamp = function () {
    var words = this.words;
    var count = this.sigBytes;
    words[count >>> 2] &= 0xffffffff << (32 - (count % 4) * 8);
    words.length = Math.ceil(count / 4);
    return this;
  };
  WordArray.prototype.concat = function (other) {
    this.clamp();
    var bytes = toBytes(other);
    for (var i = 0; i < bytes.length; i += 1) {
      var at = this.sigBytes + i;
      this.words[at >>> 2] |= bytes[i] << (24 - (at % 4) * 8);
    }
    this.sigBytes += bytes.length;
    return this;
  };
  WordArray.prototype.clone = function () {
    return new WordArray(this.words.slice(0), this.sigBytes);
  };

  // `create(words, sigBytes)`, or `create(typedArrayOrArrayBuffer)` for its bytes.
  WordArray.create = function (words, sigBytes) {
    if (typeof ArrayBuffer !== "undefined") {
      if (words instanceof ArrayBuffer) return fromBytes(new Uint8Array(words));
      if (ArrayBuffer.isView(words)) {
        return fromBytes(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
      }
    }
    return new WordArray(words, sigBytes);
  };
  WordArray.random = function (count) {
    return fromBytes(native.random(count));
  };

  function isWordArray(value) {
    return value !== null && typeof value === "object" && Array.isArray(value.words) &&
      typeof value.sigBytes === "number";
  }

  // ---- encoders -----------------------------------------------------------------------

  var Hex = {
    stringify: function (wordArray) {
      var bytes = toBytes(wordArray);
      var out = "";
      for (var i = 0; i < bytes.length; i += 1) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
      return out;
    },
    parse: function (text) {
      var words = [];
      for (var i = 0; i < text.length; i += 2) {
        words[i >>> 3] |= parseInt(text.substr(i, 2), 16) << (24 - (i % 8) * 4);
      }
      return new WordArray(words, text.length >>> 1);
    },
  };

  var Latin1 = {
    stringify: function (wordArray) {
      var bytes = toBytes(wordArray);
      var out = "";
      for (var i = 0; i < bytes.length; i += 1) out += String.fromCharCode(bytes[i]);
      return out;
    },
    parse: function (text) {
      var bytes = new Array(text.length);
      for (var i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i) & 0xff;
      return fromBytes(bytes);
    },
  };

  var Utf8 = {
    stringify: function (wordArray) {
      var bytes = toBytes(wordArray);
      var escaped = "";
      for (var i = 0; i < bytes.length; i += 1) {
        escaped += "%" + (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
      }
      try {
        return decodeURIComponent(escaped);
      } catch (err) {
        throw new Error("Malformed UTF-8 data");
      }
    },
    parse: function (text) {
      var escaped = encodeURIComponent(text);
      var bytes = [];
      for (var i = 0; i < escaped.length; i += 1) {
        if (escaped.charAt(i) === "%") {
          bytes.push(parseInt(escaped.substr(i + 1, 2), 16));
          i += 2;
        } else {
          bytes.push(escaped.charCodeAt(i));
        }
      }
      return fromBytes(bytes);
    },
  };

  function base64(alphabet, pad) {
    var reverse = {};
    for (var i = 0; i < alphabet.length; i += 1) reverse[alphabet.charCodeAt(i)] = i;
    return {
      stringify: function (wordArray) {
        var bytes = toBytes(wordArray);
        var out = "";
        for (var at = 0; at < bytes.length; at += 3) {
          var triple = bytes[at] << 16 | (bytes[at + 1] || 0) << 8 | (bytes[at + 2] || 0);
          for (var k = 0; k < 4; k += 1) {
            if (at + k * 0.75 < bytes.length) out += alphabet.charAt((triple >>> (6 * (3 - k))) & 0x3f);
            else if (pad) out += "=";
          }
        }
        return out;
      },
      parse: function (text) {
        text = String(text);
        var end = text.indexOf("=");
        var length = end === -1 ? text.length : end;
        var bytes = [];
        for (var n = 0; n < length; n += 1) {
          var shift = n % 4;
          if (!shift) continue;
          var high = (reverse[text.charCodeAt(n - 1)] | 0) << (shift * 2);
          var low = (reverse[text.charCodeAt(n)] | 0) >>> (6 - shift * 2);
          bytes.push((high | low) & 0xff);
        }
        return fromBytes(bytes);
      },
    };
  }

  var Base64 = base64("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
  var Base64url = base64("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);

  // ---- hashes and HMACs -----------------------------------------------------------------

  // A message as CryptoJS takes it: text is UTF-8, a WordArray is its bytes.
  function messageBytes(message) {
    if (isWordArray(message)) return toBytes(message);
    if (message === undefined || message === null) return [];
    return toBytes(Utf8.parse(String(message)));
  }

  function hasher(name) {
    var hash = function (message) {
      return fromBytes(native.digest(name, messageBytes(message)));
    };
    var algo = {
      create: function () {
        var parts = [];
        var progressive = {
          update: function (message) {
            parts.push(messageBytes(message));
            return progressive;
          },
          finalize: function (message) {
            if (message !== undefined) progressive.update(message);
            var all = [].concat.apply([], parts);
            parts = [];
            return fromBytes(native.digest(name, all));
          },
          reset: function () {
            parts = [];
            return progressive;
          },
        };
        return progressive;
      },
      __name: name,
    };
    var hmac = function (message, key) {
      return fromBytes(native.hmac(name, messageBytes(key), messageBytes(message)));
    };
    return { hash: hash, algo: algo, hmac: hmac };
  }

  var CryptoJS = {
    lib: { WordArray: WordArray },
    enc: { Hex: Hex, Latin1: Latin1, Utf8: Utf8, Base64: Base64, Base64url: Base64url },
    algo: {},
  };

  [["MD5", "md5"], ["SHA1", "sha1"], ["SHA224", "sha224"], ["SHA256", "sha256"],
    ["SHA384", "sha384"], ["SHA512", "sha512"]].forEach(function (pair) {
    var h = hasher(pair[1]);
    CryptoJS[pair[0]] = h.hash;
    CryptoJS["Hmac" + pair[0]] = h.hmac;
    CryptoJS.algo[pair[0]] = h.algo;
  });

  // `CryptoJS.algo.HMAC.create(CryptoJS.algo.SHA256, key)`: a progressive HMAC.
  CryptoJS.algo.HMAC = {
    create: function (algo, key) {
      var keyBytes = messageBytes(key);
      var parts = [];
      var progressive = {
        update: function (message) {
          parts.push(messageBytes(message));
          return progressive;
        },
        finalize: function (message) {
          if (message !== undefined) progressive.update(message);
          var all = [].concat.apply([], parts);
          parts = [];
          return fromBytes(native.hmac(algo.__name, keyBytes, all));
        },
        reset: function () {
          parts = [];
          return progressive;
        },
      };
      return progressive;
    },
  };

  globalThis.__runner_cryptojs = CryptoJS;
})();
