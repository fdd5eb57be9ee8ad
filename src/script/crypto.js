// CryptoJS (the subset collections use) on the native hashes of `__runner_native`.
(function () {
  "use strict";
  globalThis.__runner_cryptojs = {};
})();
