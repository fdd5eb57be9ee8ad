// Chai 4 BDD-style assertions (`pm.expect`) and Postman's response assertions.
(function () {
  "use strict";

  function AssertionError(message) {
    this.message = message;
    this.stack = "AssertionError: " + message;
  }
  AssertionError.prototype = Object.create(Error.prototype);
  AssertionError.prototype.name = "AssertionError";
  AssertionError.prototype.constructor = AssertionError;

  function inspect(v) {
    if (typeof v === "string") return "'" + v + "'";
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  }

  function Assertion(subject, message) {
    this._obj = subject;
    this._msg = message;
    this._not = false;
  }
  function fail(a, msg) {
    throw new AssertionError((a._msg ? a._msg + ": " : "") + msg);
  }
  function check(a, ok, msg, notMsg) {
    if (a._not ? ok : !ok) fail(a, a._not ? notMsg : msg);
  }
  ["to", "be", "been", "is", "that", "which", "and", "has", "have", "with"].forEach(function (n) {
    Object.defineProperty(Assertion.prototype, n, { get: function () { return this; } });
  });
  Object.defineProperty(Assertion.prototype, "not", {
    get: function () { this._not = true; return this; },
  });
  Assertion.prototype.equal = function (v) {
    check(this, this._obj === v,
      "expected " + inspect(this._obj) + " to equal " + inspect(v),
      "expected " + inspect(this._obj) + " to not equal " + inspect(v));
    return this;
  };
  Assertion.prototype.eql = function (v) {
    check(this, JSON.stringify(this._obj) === JSON.stringify(v),
      "expected " + inspect(this._obj) + " to deeply equal " + inspect(v),
      "expected " + inspect(this._obj) + " to not deeply equal " + inspect(v));
    return this;
  };
  Object.defineProperty(Assertion.prototype, "true", {
    get: function () {
      check(this, this._obj === true, "expected " + inspect(this._obj) + " to be true",
        "expected " + inspect(this._obj) + " to be false");
      return this;
    },
  });

  function expect(subject, message) { return new Assertion(subject, message); }
  globalThis.__runner_expect = { expect: expect, AssertionError: AssertionError };
})();
