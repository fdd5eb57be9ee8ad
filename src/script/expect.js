// `pm.expect`: the Chai 4 BDD style that Postman collections use, and Postman's response
// assertions (`pm.response.to.have.status(200)`, ...). Failure messages follow Chai 4's
// wording and value display; the only global it defines is `__runner_expect`.
(function () {
  "use strict";

  var hasOwn = Object.prototype.hasOwnProperty;
  var objectToString = Object.prototype.toString;

  // ---- AssertionError -------------------------------------------------------------------

  function AssertionError(message, props) {
    this.message = message;
    this.showDiff = false;
    if (props) {
      for (var key in props) {
        if (hasOwn.call(props, key)) this[key] = props[key];
      }
    }
    // The frames of where it was thrown, as other errors have them, so that a failure
    // points at the script's line.
    this.stack = new Error(message).stack;
  }
  AssertionError.prototype = Object.create(Error.prototype);
  AssertionError.prototype.name = "AssertionError";
  AssertionError.prototype.constructor = AssertionError;
  AssertionError.prototype.toJSON = function () {
    return { name: this.name, message: this.message };
  };

  // ---- types ----------------------------------------------------------------------------

  // Chai's type names: `typeof` for primitives and functions, the `toString` tag otherwise.
  function typeOf(value) {
    if (value === null) return "null";
    var kind = typeof value;
    if (kind !== "object") return kind;
    return objectToString.call(value).slice(8, -1);
  }

  function functionName(fn) {
    if (typeof fn !== "function") return null;
    var name = fn.name;
    return typeof name === "string" && name !== "" ? name : "";
  }

  // ---- value display (Chai's `inspect` and `objDisplay`) --------------------------------

  var TRUNCATE = 40;
  var ELLIPSIS = "\u2026";

  function cut(text, length) {
    text = String(text);
    if (length < 1 && text.length > 1) return ELLIPSIS;
    if (text.length > length && text.length > 1) return text.slice(0, length - 1) + ELLIPSIS;
    return text;
  }

  // Joins items while the room in `opts.limit` lasts, then ends with `…(n)` for the rest.
  function showList(list, opts, showItem, separator) {
    separator = separator === undefined ? ", " : separator;
    var size = list.length;
    if (size === 0) return "";
    var room = opts.limit;
    var out = "";
    var peek = "";
    var rest = "";
    for (var i = 0; i < size; i += 1) {
      var last = i + 1 === size;
      var secondToLast = i + 2 === size;
      rest = ELLIPSIS + "(" + (size - i) + ")";
      opts.limit = room - out.length - (last ? 0 : separator.length);
      var text = peek || showItem(list[i], opts) + (last ? "" : separator);
      var nextLength = out.length + text.length;
      var withRest = nextLength + rest.length;
      if (last && nextLength > room && out.length + rest.length <= room) break;
      if (!last && !secondToLast && withRest > room) break;
      peek = last ? "" : showItem(list[i + 1], opts) + (secondToLast ? "" : separator);
      if (!last && secondToLast && withRest > room && nextLength + peek.length > room) break;
      out += text;
      if (!last && !secondToLast && nextLength + peek.length >= room) {
        rest = ELLIPSIS + "(" + (size - i - 1) + ")";
        break;
      }
      rest = "";
    }
    return out + rest;
  }

  function showKey(key) {
    if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key)) return key;
    return JSON.stringify(key)
      .replace(/'/g, "\\'")
      .replace(/\\"/g, '"')
      .replace(/(^"|"$)/g, "'");
  }

  function showProperty(entry, opts) {
    var key = entry[0];
    opts.limit -= 2;
    if (typeof key === "string") key = showKey(key);
    else if (typeof key !== "number") key = "[" + show(key, opts) + "]";
    opts.limit -= key.length;
    return key + ": " + show(entry[1], opts);
  }

  var ESCAPED = new RegExp(
    "['\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0604\\u070f\\u17b4\\u17b5" +
      "\\u200c-\\u200f\\u2028-\\u202f\\u2060-\\u206f\\ufeff\\ufff0-\\uffff]",
    "g"
  );
  var ESCAPES = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "'": "\\'", "\\": "\\\\" };

  function showString(text, opts) {
    text = text.replace(ESCAPED, function (ch) {
      return ESCAPES[ch] || "\\u" + ("0000" + ch.charCodeAt(0).toString(16)).slice(-4);
    });
    return "'" + cut(text, opts.limit - 2) + "'";
  }

  function showNumber(n, opts) {
    if (n !== n) return "NaN";
    if (n === Infinity) return "Infinity";
    if (n === -Infinity) return "-Infinity";
    if (n === 0) return 1 / n === Infinity ? "+0" : "-0";
    return cut(n, opts.limit);
  }

  function showObject(obj, opts) {
    var names = Object.getOwnPropertyNames(obj);
    var symbols = Object.getOwnPropertySymbols(obj);
    if (names.length === 0 && symbols.length === 0) return "{}";
    opts.limit -= 4;
    if (opts.seen.indexOf(obj) >= 0) return "[Circular]";
    opts.seen.push(obj);
    var props = showList(names.map(function (k) { return [k, obj[k]]; }), opts, showProperty);
    var syms = showList(symbols.map(function (k) { return [k, obj[k]]; }), opts, showProperty);
    opts.seen.pop();
    return "{ " + props + (props && syms ? ", " : "") + syms + " }";
  }

  function showArrayLike(name, arr, opts) {
    var extra = Object.keys(arr).slice(arr.length);
    if (!arr.length && !extra.length) return name + "[]";
    opts.limit -= 4 + name.length;
    var items = showList(Array.prototype.slice.call(arr), opts, show);
    opts.limit -= items.length;
    var props = extra.length
      ? showList(extra.map(function (k) { return [k, arr[k]]; }), opts, showProperty)
      : "";
    return name + "[ " + items + (props ? ", " + props : "") + " ]";
  }

  var ERROR_KEYS = ["stack", "line", "column", "name", "message", "fileName", "lineNumber",
    "columnNumber", "number", "description"];

  function showError(err, opts) {
    var names = Object.getOwnPropertyNames(err).filter(function (k) {
      return ERROR_KEYS.indexOf(k) === -1;
    });
    var name = String(err.name);
    opts.limit -= name.length;
    var message = "";
    if (typeof err.message === "string") message = cut(err.message, opts.limit);
    else names.unshift("message");
    message = message ? ": " + message : "";
    opts.limit -= message.length + 5;
    var props = showList(names.map(function (k) { return [k, err[k]]; }), opts, showProperty);
    return name + message + (props ? " { " + props + " }" : "");
  }

  // Each value gets its own copy of the room left, as nested values use it up.
  function show(value, parentOpts) {
    var opts = { limit: parentOpts.limit, seen: parentOpts.seen };
    var kind = typeOf(value);
    switch (kind) {
      case "undefined":
        return "undefined";
      case "null":
        return "null";
      case "boolean":
      case "Boolean":
        return String(value);
      case "number":
      case "Number":
        return showNumber(typeof value === "number" ? value : value.valueOf(), opts);
      case "bigint":
        return cut(value.toString(), opts.limit - 1) + "n";
      case "string":
      case "String":
        return showString(String(value), opts);
      case "symbol":
        return value.description ? "Symbol(" + value.description + ")" : "Symbol()";
      case "function": {
        var name = functionName(value);
        return name ? "[Function " + cut(name, opts.limit - 11) + "]" : "[Function]";
      }
      case "Array":
        return showArrayLike("", value, opts);
      case "Arguments":
        if (value.length === 0) return "Arguments[]";
        opts.limit -= 13;
        return "Arguments[ " + showList(Array.prototype.slice.call(value), opts, show) + " ]";
      case "Date": {
        var iso = isNaN(value.getTime()) ? null : value.toJSON();
        if (iso === null) return "Invalid Date";
        var parts = iso.split("T");
        return parts[0] + "T" + cut(parts[1], opts.limit - parts[0].length - 1);
      }
      case "RegExp": {
        var flags = value.toString().split("/").pop();
        return "/" + cut(value.source, opts.limit - (2 + flags.length)) + "/" + flags;
      }
      case "Map": {
        if (value.size <= 1) return "Map{}";
        opts.limit -= 7;
        var entries = [];
        value.forEach(function (v, k) { entries.push([k, v]); });
        return "Map{ " + showList(entries, opts, function (entry, o) {
          o.limit -= 4;
          var key = show(entry[0], o);
          o.limit -= key.length;
          return key + " => " + show(entry[1], o);
        }) + " }";
      }
      case "Set": {
        if (value.size === 0) return "Set{}";
        opts.limit -= 7;
        var items = [];
        value.forEach(function (v) { items.push(v); });
        return "Set{ " + showList(items, opts, show) + " }";
      }
      case "Promise":
        return "Promise{\u2026}";
      case "WeakSet":
        return "WeakSet{\u2026}";
      case "WeakMap":
        return "WeakMap{\u2026}";
      case "Error":
        return showError(value, opts);
      case "Int8Array": case "Uint8Array": case "Uint8ClampedArray": case "Int16Array":
      case "Uint16Array": case "Int32Array": case "Uint32Array": case "Float32Array":
      case "Float64Array":
        return showArrayLike(kind, value, opts);
      default:
    }
    var proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return showObject(value, opts);
    if ("constructor" in value && value.constructor !== Object) {
      var className = (typeof Symbol.toStringTag === "symbol" && value[Symbol.toStringTag]) ||
        functionName(value.constructor) || "<Anonymous Class>";
      opts.limit -= String(className).length;
      return className + showObject(value, opts);
    }
    return showObject(value, opts);
  }

  function inspect(value) {
    return show(value, { limit: TRUNCATE, seen: [] });
  }

  // How a value appears in a failure message: long values are summarised.
  function display(value) {
    var text = inspect(value);
    if (text.length < TRUNCATE) return text;
    var tag = objectToString.call(value);
    if (typeof value === "function") {
      var name = functionName(value);
      return name ? "[Function: " + name + "]" : "[Function]";
    }
    if (tag === "[object Array]") return "[ Array(" + value.length + ") ]";
    if (tag === "[object Object]") {
      var keys = Object.keys(value);
      var list = keys.length > 2 ? keys.slice(0, 2).join(", ") + ", ..." : keys.join(", ");
      return "{ Object (" + list + ") }";
    }
    return text;
  }

  function compareByInspect(a, b) {
    return inspect(a) < inspect(b) ? -1 : 1;
  }

  // ---- deep equality (Chai's deep-eql) ---------------------------------------------------

  function enumerableKeys(obj) {
    var keys = [];
    for (var key in obj) keys.push(key);
    Object.getOwnPropertySymbols(obj).forEach(function (sym) {
      if (Object.getOwnPropertyDescriptor(obj, sym).enumerable) keys.push(sym);
    });
    return keys;
  }

  function deepEqual(left, right, memo) {
    if (left === right) return left !== 0 || 1 / left === 1 / right;
    if (left !== left && right !== right) return true;
    if (left === null || right === null || typeof left !== "object" && typeof left !== "function" ||
      typeof right !== "object" && typeof right !== "function") {
      return false;
    }
    var kind = typeOf(left);
    if (kind !== typeOf(right)) return false;
    memo = memo || [];
    for (var m = 0; m < memo.length; m += 1) {
      if (memo[m][0] === left && memo[m][1] === right) return true;
    }
    memo.push([left, right]);
    var result = deepEqualByType(kind, left, right, memo);
    memo.pop();
    return result;
  }

  function listEqual(left, right, memo) {
    if (left.length !== right.length) return false;
    for (var i = 0; i < left.length; i += 1) {
      if (!deepEqual(left[i], right[i], memo)) return false;
    }
    return true;
  }

  function entries(collection) {
    var out = [];
    collection.forEach(function (value, key) { out.push([key, value]); });
    return out.sort(function (a, b) { return compareByInspect(a[0], b[0]); });
  }

  function deepEqualByType(kind, left, right, memo) {
    switch (kind) {
      case "String": case "Number": case "Boolean": case "Date":
        return deepEqual(left.valueOf(), right.valueOf(), memo);
      case "Promise": case "Symbol": case "function": case "WeakMap": case "WeakSet":
        return left === right;
      case "Error":
        return ["name", "message", "code"].every(function (k) {
          return deepEqual(left[k], right[k], memo);
        });
      case "Arguments": case "Int8Array": case "Uint8Array": case "Uint8ClampedArray":
      case "Int16Array": case "Uint16Array": case "Int32Array": case "Uint32Array":
      case "Float32Array": case "Float64Array": case "Array":
        return listEqual(left, right, memo);
      case "RegExp":
        return String(left) === String(right);
      case "Set": case "Map":
        return left.size === right.size && listEqual(entries(left), entries(right), memo);
      default: {
        var leftKeys = enumerableKeys(left);
        var rightKeys = enumerableKeys(right);
        if (leftKeys.length !== rightKeys.length) return false;
        if (leftKeys.length === 0) return true;
        var byText = function (a, b) { return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0; };
        leftKeys.sort(byText);
        rightKeys.sort(byText);
        for (var i = 0; i < leftKeys.length; i += 1) {
          if (leftKeys[i] !== rightKeys[i]) return false;
          if (!deepEqual(left[leftKeys[i]], right[leftKeys[i]], memo)) return false;
        }
        return true;
      }
    }
  }

  function eql(a, b) {
    return deepEqual(a, b, null);
  }

  // ---- paths ----------------------------------------------------------------------------

  function hasProperty(obj, name) {
    if (obj === undefined || obj === null) return false;
    return name in Object(obj);
  }

  // `a.b[1].c` as Chai's nested flag reads it.
  function parseNestedPath(path) {
    var parts = path.replace(/([^\\])\[/g, "$1.[").match(/(\\\.|[^.]+?)+/g) || [];
    return parts.map(function (part) {
      var index = /^\[(\d+)\]$/.exec(part);
      return index ? parseFloat(index[1]) : part.replace(/\\([.[\]])/g, "$1");
    });
  }

  function nestedInfo(obj, path) {
    var parts = parseNestedPath(path);
    var parent = obj;
    var value = obj;
    for (var i = 0; i < parts.length; i += 1) {
      if (i === parts.length - 1) parent = value;
      value = value === null || value === undefined ? undefined : value[parts[i]];
    }
    var name = parts[parts.length - 1];
    return { value: value, exists: hasProperty(parent, name) };
  }

  // `a.b[0]`, `a["b"]` as lodash's `_.has`/`_.get` read them (own properties only).
  function lodashPath(obj, path) {
    if (obj !== null && obj !== undefined && typeof path === "string" && hasOwn.call(Object(obj), path)) {
      return [path];
    }
    var parts = [];
    String(path).replace(/[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g,
      function (match, number, quote, quoted) {
        parts.push(quote ? quoted.replace(/\\(\\)?/g, "$1") : number !== undefined ? number : match);
        return match;
      });
    if (String(path).charAt(0) === ".") parts.unshift("");
    return parts;
  }

  function lodashHas(obj, path) {
    var parts = lodashPath(obj, path);
    if (!parts.length) return false;
    var value = obj;
    for (var i = 0; i < parts.length; i += 1) {
      if (value === null || value === undefined || !hasOwn.call(Object(value), parts[i])) return false;
      value = value[parts[i]];
    }
    return true;
  }

  function lodashGet(obj, path) {
    var parts = lodashPath(obj, path);
    var value = obj;
    for (var i = 0; i < parts.length; i += 1) {
      if (value === null || value === undefined) return undefined;
      value = value[parts[i]];
    }
    return value;
  }

  // ---- the Assertion object -------------------------------------------------------------

  var PROXY_EXCLUDED = ["then", "catch", "inspect", "toJSON"];
  var BUILTINS = ["__flags", "__methods", "_obj", "assert"];

  function Assertion() {}

  function flag(a, name, value) {
    if (arguments.length > 2) a.__flags[name] = value;
    else return a.__flags[name];
  }

  function distanceCapped(a, b, cap) {
    if (Math.abs(a.length - b.length) >= cap) return cap;
    var memo = [];
    for (var i = 0; i <= a.length; i += 1) {
      memo[i] = [];
      for (var k = 0; k <= b.length; k += 1) memo[i][k] = 0;
      memo[i][0] = i;
    }
    for (var j = 0; j < b.length; j += 1) memo[0][j] = j;
    for (i = 1; i <= a.length; i += 1) {
      var ch = a.charCodeAt(i - 1);
      for (j = 1; j <= b.length; j += 1) {
        if (Math.abs(i - j) >= cap) {
          memo[i][j] = cap;
          continue;
        }
        memo[i][j] = Math.min(memo[i - 1][j] + 1, memo[i][j - 1] + 1,
          memo[i - 1][j - 1] + (ch === b.charCodeAt(j - 1) ? 0 : 1));
      }
    }
    return memo[a.length][b.length];
  }

  function allPropertyNames(obj) {
    var names = [];
    for (var o = obj; o !== null; o = Object.getPrototypeOf(o)) {
      Object.getOwnPropertyNames(o).forEach(function (n) {
        if (names.indexOf(n) === -1) names.push(n);
      });
    }
    return names;
  }

  function invalidProperty(target, property, first) {
    var suggestion = null;
    var best = 4;
    (first || []).concat(allPropertyNames(target)).forEach(function (name) {
      if (hasOwn.call(Object.prototype, name) || BUILTINS.indexOf(name) !== -1) return;
      var distance = distanceCapped(property, name, best);
      if (distance < best) {
        suggestion = name;
        best = distance;
      }
    });
    if (suggestion !== null) {
      return new Error("Invalid Chai property: " + property + '. Did you mean "' + suggestion + '"?');
    }
    return new Error("Invalid Chai property: " + property);
  }

  var guard = {
    get: function (target, property) {
      if (typeof property === "string" && PROXY_EXCLUDED.indexOf(property) === -1 &&
        !Reflect.has(target, property)) {
        throw invalidProperty(target, property);
      }
      return Reflect.get(target, property);
    },
  };

  // A fresh assertion (as a guarded proxy) with the flags of `from`.
  function derive(from) {
    var a = Object.create(Assertion.prototype);
    a.__flags = {};
    var flags = from.__flags;
    for (var key in flags) {
      if (hasOwn.call(flags, key)) a.__flags[key] = flags[key];
    }
    return a;
  }

  function guarded(a) {
    return new Proxy(a, guard);
  }

  function create(subject, message) {
    var a = Object.create(Assertion.prototype);
    a.__flags = { object: subject, message: message };
    return a;
  }

  Object.defineProperty(Assertion.prototype, "_obj", {
    get: function () { return this.__flags.object; },
    set: function (value) { this.__flags.object = value; },
  });

  function addProperty(name, getter) {
    Object.defineProperty(Assertion.prototype, name, {
      configurable: true,
      get: function () {
        var a = derive(this);
        var result = getter ? getter.call(a) : undefined;
        return result !== undefined ? result : guarded(a);
      },
    });
  }

  function addMethod(name, method) {
    Object.defineProperty(Assertion.prototype, name, {
      configurable: true,
      writable: true,
      value: function () {
        var a = derive(this);
        var result = method.apply(a, arguments);
        return result !== undefined ? result : guarded(derive(a));
      },
    });
  }

  // `include`, `length`, `a`: a property that can also be called.
  function addChainable(name, method, chaining) {
    Object.defineProperty(Assertion.prototype, name, {
      configurable: true,
      get: function () {
        var a = derive(this);
        if (chaining) chaining.call(a);
        var call = function () {
          var result = method.apply(a, arguments);
          return result !== undefined ? result : guarded(derive(a));
        };
        return new Proxy(call, {
          get: function (_, property) {
            if (property === "call" || property === "apply" || !Reflect.has(a, property) &&
              Reflect.has(call, property)) {
              return Reflect.get(call, property);
            }
            if (typeof property === "string" && PROXY_EXCLUDED.indexOf(property) === -1 &&
              !Reflect.has(a, property)) {
              throw invalidProperty(a, property, Object.getOwnPropertyNames(call));
            }
            return Reflect.get(a, property);
          },
          has: function (_, property) { return property in a || property in call; },
        });
      },
    });
  }

  function fail(a, message, props) {
    var prefix = flag(a, "message");
    throw new AssertionError((prefix ? prefix + ": " : "") + message, props);
  }

  function failMessage(a, message) {
    var prefix = flag(a, "message");
    return (prefix ? prefix + ": " : "") + message;
  }

  // Chai's `assert`: `#{this}`, `#{exp}`, `#{act}` in the messages are the subject, the
  // expected value and the actual value (the subject unless given).
  function check(a, ok, message, negated, expected, actual) {
    var negate = flag(a, "negate");
    if (negate ? !ok : ok) return;
    var subject = flag(a, "object");
    if (arguments.length < 6) actual = subject;
    var text = (negate ? negated : message) || "";
    text = text
      .replace(/#\{this\}/g, function () { return display(subject); })
      .replace(/#\{act\}/g, function () { return display(actual); })
      .replace(/#\{exp\}/g, function () { return display(expected); });
    fail(a, text, { actual: actual, expected: expected });
  }

  function setMessage(a, message) {
    if (message) flag(a, "message", message);
  }

  // ---- language chains and flags ---------------------------------------------------------

  ["to", "be", "been", "is", "and", "has", "have", "with", "that", "which", "at", "of", "same",
    "but", "does", "still", "also"].forEach(function (chain) {
    addProperty(chain);
  });

  addProperty("not", function () { flag(this, "negate", true); });
  addProperty("deep", function () { flag(this, "deep", true); });
  addProperty("nested", function () { flag(this, "nested", true); });
  addProperty("own", function () { flag(this, "own", true); });
  addProperty("ordered", function () { flag(this, "ordered", true); });
  addProperty("any", function () {
    flag(this, "any", true);
    flag(this, "all", false);
  });
  addProperty("all", function () {
    flag(this, "all", true);
    flag(this, "any", false);
  });
  addProperty("itself", function () { flag(this, "itself", true); });

  // ---- type and value ---------------------------------------------------------------------

  function assertType(type, message) {
    setMessage(this, message);
    type = String(type).toLowerCase();
    var article = "aeiou".indexOf(type.charAt(0)) !== -1 ? "an " : "a ";
    check(this, type === typeOf(flag(this, "object")).toLowerCase(),
      "expected #{this} to be " + article + type,
      "expected #{this} not to be " + article + type);
  }
  addChainable("an", assertType);
  addChainable("a", assertType);

  // `ok` on a Postman response means "200 OK"; on anything else, truthy.
  addProperty("ok", function () {
    var subject = flag(this, "object");
    if (!isResponse(subject)) {
      check(this, subject, "expected #{this} to be truthy", "expected #{this} to be falsy");
      return;
    }
    var reason = String(responseReason(subject)).toUpperCase();
    check(this, reason === "OK",
      "expected response to have status reason #{exp} but got #{act}",
      "expected response to not have status reason #{act}", "OK", reason);
    check(this, Number(subject.code) === 200,
      "expected response to have status code #{exp} but got #{act}",
      "expected response to not have status code #{act}", 200, Number(subject.code));
  });
  addProperty("true", function () {
    check(this, flag(this, "object") === true, "expected #{this} to be true",
      "expected #{this} to be false", !flag(this, "negate"));
  });
  addProperty("false", function () {
    check(this, flag(this, "object") === false, "expected #{this} to be false",
      "expected #{this} to be true", !!flag(this, "negate"));
  });
  addProperty("null", function () {
    check(this, flag(this, "object") === null, "expected #{this} to be null",
      "expected #{this} not to be null");
  });
  addProperty("undefined", function () {
    check(this, flag(this, "object") === undefined, "expected #{this} to be undefined",
      "expected #{this} not to be undefined");
  });
  addProperty("NaN", function () {
    var subject = flag(this, "object");
    check(this, typeof subject === "number" && subject !== subject, "expected #{this} to be NaN",
      "expected #{this} not to be NaN");
  });
  addProperty("finite", function () {
    var subject = flag(this, "object");
    check(this, typeof subject === "number" && isFinite(subject),
      "expected #{this} to be a finite number", "expected #{this} to not be a finite number");
  });
  function assertExist() {
    var subject = flag(this, "object");
    check(this, subject !== null && subject !== undefined, "expected #{this} to exist",
      "expected #{this} to not exist");
  }
  addProperty("exist", assertExist);
  addProperty("exists", assertExist);

  addProperty("empty", function () {
    var subject = flag(this, "object");
    var count;
    switch (typeOf(subject).toLowerCase()) {
      case "array":
      case "string":
        count = subject.length;
        break;
      case "map":
      case "set":
        count = subject.size;
        break;
      case "weakmap":
      case "weakset":
        fail(this, ".empty was passed a weak collection");
        break;
      case "function":
        fail(this, (".empty was passed a function " + functionName(subject)).trim());
        break;
      default:
        if (subject !== Object(subject)) {
          fail(this, ".empty was passed non-string primitive " + inspect(subject));
        }
        count = Object.keys(subject).length;
    }
    check(this, count === 0, "expected #{this} to be empty", "expected #{this} not to be empty");
  });

  function checkArguments() {
    var type = typeOf(flag(this, "object"));
    check(this, type === "Arguments", "expected #{this} to be arguments but got " + type,
      "expected #{this} to not be arguments");
  }
  addProperty("arguments", checkArguments);
  addProperty("Arguments", checkArguments);

  addProperty("extensible", function () {
    var subject = flag(this, "object");
    check(this, subject === Object(subject) && Object.isExtensible(subject),
      "expected #{this} to be extensible", "expected #{this} to not be extensible");
  });
  addProperty("sealed", function () {
    var subject = flag(this, "object");
    check(this, subject === Object(subject) ? Object.isSealed(subject) : true,
      "expected #{this} to be sealed", "expected #{this} to not be sealed");
  });
  addProperty("frozen", function () {
    var subject = flag(this, "object");
    check(this, subject === Object(subject) ? Object.isFrozen(subject) : true,
      "expected #{this} to be frozen", "expected #{this} to not be frozen");
  });

  // ---- equality ---------------------------------------------------------------------------

  function assertEql(expected, message) {
    setMessage(this, message);
    check(this, eql(expected, flag(this, "object")), "expected #{this} to deeply equal #{exp}",
      "expected #{this} to not deeply equal #{exp}", expected, flag(this, "object"));
  }
  function assertEqual(expected, message) {
    setMessage(this, message);
    if (flag(this, "deep")) {
      assertEql.call(this, expected);
      return;
    }
    check(this, expected === flag(this, "object"), "expected #{this} to equal #{exp}",
      "expected #{this} to not equal #{exp}", expected, flag(this, "object"));
  }
  ["equal", "equals", "eq"].forEach(function (n) { addMethod(n, assertEqual); });
  ["eql", "eqls"].forEach(function (n) { addMethod(n, assertEql); });

  // ---- include ----------------------------------------------------------------------------

  function sameValueZero(a, b) {
    return a === b || a !== a && b !== b;
  }

  function assertInclude(value, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    var type = typeOf(subject).toLowerCase();
    var negate = flag(this, "negate");
    var deep = flag(this, "deep");
    var same = deep ? eql : sameValueZero;
    var included = false;
    switch (type) {
      case "string":
        included = subject.indexOf(value) !== -1;
        break;
      case "weakset":
        if (deep) fail(this, "unable to use .deep.include with WeakSet");
        included = subject.has(value);
        break;
      case "map":
        subject.forEach(function (item) { included = included || same(item, value); });
        break;
      case "set":
        if (deep) subject.forEach(function (item) { included = included || same(item, value); });
        else included = subject.has(value);
        break;
      case "array":
        included = deep
          ? subject.some(function (item) { return same(item, value); })
          : subject.indexOf(value) !== -1;
        break;
      default: {
        if (value !== Object(value)) {
          var valueType = typeOf(value).toLowerCase();
          fail(this, "the given combination of arguments (" + type + " and " + valueType +
            ") is invalid for this assertion. You can use an array, a map, an object, a set, " +
            "a string, or a weakset instead of a " + valueType);
        }
        var props = Object.keys(value);
        var firstError = null;
        var failures = 0;
        var self = this;
        props.forEach(function (prop) {
          var one = guarded(derive(self));
          if (!negate || props.length === 1) {
            one.property(prop, value[prop]);
            return;
          }
          try {
            one.property(prop, value[prop]);
          } catch (err) {
            if (!(err instanceof AssertionError)) throw err;
            if (firstError === null) firstError = err;
            failures += 1;
          }
        });
        if (negate && props.length > 1 && failures === props.length) throw firstError;
        return;
      }
    }
    var descriptor = deep ? "deep " : "";
    check(this, included, "expected #{this} to " + descriptor + "include " + inspect(value),
      "expected #{this} to not " + descriptor + "include " + inspect(value));
  }
  function includeChain() {
    flag(this, "contains", true);
  }
  ["include", "includes", "contain", "contains"].forEach(function (n) {
    addChainable(n, assertInclude, includeChain);
  });

  // ---- numbers, lengths, dates ------------------------------------------------------------

  function comparison(name, test, descriptorWords, plainWords) {
    return function (n, message) {
      setMessage(this, message);
      var subject = flag(this, "object");
      var doLength = flag(this, "doLength");
      var type = typeOf(subject).toLowerCase();
      var nType = typeOf(n).toLowerCase();
      if (doLength && type !== "map" && type !== "set") {
        lengthProperty(this, subject);
      }
      if (!doLength && type === "date" && nType !== "date") {
        fail(this, "the argument to " + name + " must be a date");
      } else if (nType !== "number" && (doLength || type === "number")) {
        fail(this, "the argument to " + name + " must be a number");
      } else if (!doLength && type !== "date" && type !== "number") {
        var printed = type === "string" ? "'" + subject + "'" : String(subject);
        fail(this, "expected " + printed + " to be a number or a date");
      }
      if (doLength) {
        var sized = type === "map" || type === "set";
        var count = sized ? subject.size : subject.length;
        var descriptor = sized ? "size" : "length";
        check(this, test(count, n),
          "expected #{this} to have a " + descriptor + " " + descriptorWords[0] + " #{exp} but got #{act}",
          "expected #{this} to " + descriptorWords[1] + descriptor + " " + descriptorWords[2] + " #{exp}",
          n, count);
      } else {
        check(this, test(subject, n), "expected #{this} to be " + plainWords[0] + " #{exp}",
          "expected #{this} to be " + plainWords[1] + " #{exp}", n);
      }
    };
  }

  var above = comparison("above", function (a, b) { return a > b; },
    ["above", "not have a ", "above"], ["above", "at most"]);
  var least = comparison("least", function (a, b) { return a >= b; },
    ["at least", "have a ", "below"], ["at least", "below"]);
  var below = comparison("below", function (a, b) { return a < b; },
    ["below", "not have a ", "below"], ["below", "at least"]);
  var most = comparison("most", function (a, b) { return a <= b; },
    ["at most", "have a ", "above"], ["at most", "above"]);
  ["above", "gt", "greaterThan"].forEach(function (n) { addMethod(n, above); });
  ["least", "gte", "greaterThanOrEqual"].forEach(function (n) { addMethod(n, least); });
  ["below", "lt", "lessThan"].forEach(function (n) { addMethod(n, below); });
  ["most", "lte", "lessThanOrEqual"].forEach(function (n) { addMethod(n, most); });

  addMethod("within", function (start, finish, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    var doLength = flag(this, "doLength");
    var type = typeOf(subject).toLowerCase();
    var startType = typeOf(start).toLowerCase();
    var finishType = typeOf(finish).toLowerCase();
    var range = startType === "date" && finishType === "date"
      ? start.toISOString() + ".." + finish.toISOString()
      : start + ".." + finish;
    if (doLength && type !== "map" && type !== "set") lengthProperty(this, subject);
    if (!doLength && type === "date" && (startType !== "date" || finishType !== "date")) {
      fail(this, "the arguments to within must be dates");
    } else if ((startType !== "number" || finishType !== "number") && (doLength || type === "number")) {
      fail(this, "the arguments to within must be numbers");
    } else if (!doLength && type !== "date" && type !== "number") {
      var printed = type === "string" ? "'" + subject + "'" : String(subject);
      fail(this, "expected " + printed + " to be a number or a date");
    }
    if (doLength) {
      var sized = type === "map" || type === "set";
      var count = sized ? subject.size : subject.length;
      var descriptor = sized ? "size" : "length";
      check(this, count >= start && count <= finish,
        "expected #{this} to have a " + descriptor + " within " + range,
        "expected #{this} to not have a " + descriptor + " within " + range);
    } else {
      check(this, subject >= start && subject <= finish, "expected #{this} to be within " + range,
        "expected #{this} to not be within " + range);
    }
  });

  // The `to.have.property('length')` check Chai makes before counting.
  function lengthProperty(a, subject) {
    var inner = create(subject, flag(a, "message"));
    assertProperty.call(inner, "length");
  }

  function lengthChain() {
    flag(this, "doLength", true);
  }
  function assertLength(n, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    var type = typeOf(subject).toLowerCase();
    var descriptor = "length";
    var count;
    if (type === "map" || type === "set") {
      descriptor = "size";
      count = subject.size;
    } else {
      lengthProperty(this, subject);
      count = subject.length;
    }
    check(this, count == n, // eslint-disable-line eqeqeq
      "expected #{this} to have a " + descriptor + " of #{exp} but got #{act}",
      "expected #{this} to not have a " + descriptor + " of #{act}", n, count);
  }
  addChainable("length", assertLength, lengthChain);
  addChainable("lengthOf", assertLength, lengthChain);

  function closeTo(expected, delta, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    typeCheck(this, subject, "number");
    if (typeof expected !== "number" || typeof delta !== "number") {
      fail(this, "the arguments to closeTo or approximately must be numbers" +
        (delta === undefined ? ", and a delta is required" : ""));
    }
    check(this, Math.abs(subject - expected) <= delta,
      "expected #{this} to be close to " + expected + " +/- " + delta,
      "expected #{this} not to be close to " + expected + " +/- " + delta);
  }
  addMethod("closeTo", closeTo);
  addMethod("approximately", closeTo);

  // The `to.be.a(type)` check Chai makes before an assertion that needs a type.
  function typeCheck(a, value, type) {
    assertType.call(create(value, flag(a, "message")), type);
  }

  // ---- strings ----------------------------------------------------------------------------

  function assertMatch(re, message) {
    setMessage(this, message);
    check(this, re.exec(flag(this, "object")), "expected #{this} to match " + re,
      "expected #{this} not to match " + re);
  }
  addMethod("match", assertMatch);
  addMethod("matches", assertMatch);

  addMethod("string", function (text, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    typeCheck(this, subject, "string");
    check(this, subject.indexOf(text) !== -1, "expected #{this} to contain " + inspect(text),
      "expected #{this} to not contain " + inspect(text));
  });

  // ---- properties and keys ----------------------------------------------------------------

  function assertProperty(name, value, message) {
    setMessage(this, message);
    var nested = flag(this, "nested");
    var own = flag(this, "own");
    var subject = flag(this, "object");
    var nameType = typeof name;
    if (nested) {
      if (nameType !== "string") fail(this, "the argument to property must be a string when using nested syntax");
    } else if (nameType !== "string" && nameType !== "number" && nameType !== "symbol") {
      fail(this, "the argument to property must be a string, number, or symbol");
    }
    if (nested && own) fail(this, 'The "nested" and "own" flags cannot be combined.');
    if (subject === null || subject === undefined) fail(this, "Target cannot be null or undefined.");
    var deep = flag(this, "deep");
    var negate = flag(this, "negate");
    var info = nested ? nestedInfo(subject, name) : null;
    var actual = nested ? info.value : subject[name];
    var same = deep ? eql : function (a, b) { return a === b; };
    var descriptor = (deep ? "deep " : "") + (own ? "own " : "") + (nested ? "nested " : "") + "property ";
    var exists = own ? hasOwn.call(subject, name) : nested ? info.exists : hasProperty(subject, name);
    if (!negate || arguments.length === 1) {
      check(this, exists, "expected #{this} to have " + descriptor + inspect(name),
        "expected #{this} to not have " + descriptor + inspect(name));
    }
    if (arguments.length > 1) {
      check(this, exists && same(value, actual),
        "expected #{this} to have " + descriptor + inspect(name) + " of #{exp}, but got #{act}",
        "expected #{this} to not have " + descriptor + inspect(name) + " of #{act}",
        value, actual);
    }
    flag(this, "object", actual);
  }
  addMethod("property", assertProperty);
  function assertOwnProperty() {
    flag(this, "own", true);
    assertProperty.apply(this, arguments);
  }
  addMethod("ownProperty", assertOwnProperty);
  addMethod("haveOwnProperty", assertOwnProperty);

  function ownEnumerable(obj) {
    var keys = Object.keys(obj);
    Object.getOwnPropertySymbols(obj).forEach(function (sym) {
      if (Object.getOwnPropertyDescriptor(obj, sym).enumerable) keys.push(sym);
    });
    return keys;
  }

  function assertKeys(keys) {
    var subject = flag(this, "object");
    var subjectType = typeOf(subject);
    var keysType = typeOf(keys);
    var deep = flag(this, "deep");
    var deepWord = "";
    var actual;
    var mixed = "when testing keys against an object or an array you must give a single " +
      "Array|Object|String argument or multiple String arguments";
    if (subjectType === "Map" || subjectType === "Set") {
      deepWord = deep ? "deeply " : "";
      actual = [];
      subject.forEach(function (_, key) { actual.push(key); });
      if (keysType !== "Array") keys = Array.prototype.slice.call(arguments);
    } else {
      actual = ownEnumerable(subject);
      if (keysType === "Array") {
        if (arguments.length > 1) fail(this, mixed);
      } else if (keysType === "Object") {
        if (arguments.length > 1) fail(this, mixed);
        keys = Object.keys(keys);
      } else {
        keys = Array.prototype.slice.call(arguments);
      }
      keys = keys.map(function (k) { return typeof k === "symbol" ? k : String(k); });
    }
    if (!keys.length) fail(this, "keys required");
    var any = flag(this, "any");
    var all = flag(this, "all");
    var expected = keys;
    var same = deep ? eql : function (a, b) { return a === b; };
    if (!any && !all) all = true;
    var ok = true;
    var found = function (key) {
      return actual.some(function (k) { return same(key, k); });
    };
    if (any) ok = expected.some(found);
    if (all) {
      ok = expected.every(found);
      if (!flag(this, "contains")) ok = ok && keys.length === actual.length;
    }
    var words;
    if (keys.length > 1) {
      var shown = keys.map(function (k) { return inspect(k); });
      var lastKey = shown.pop();
      words = shown.join(", ") + (all ? ", and " : ", or ") + lastKey;
    } else {
      words = inspect(keys[0]);
    }
    words = (keys.length > 1 ? "keys " : "key ") + words;
    words = (flag(this, "contains") ? "contain " : "have ") + words;
    check(this, ok, "expected #{this} to " + deepWord + words,
      "expected #{this} to not " + deepWord + words,
      expected.slice(0).sort(compareByInspect), actual.sort(compareByInspect));
  }
  addMethod("keys", assertKeys);
  addMethod("key", assertKeys);

  // ---- collections ------------------------------------------------------------------------

  function isSubsetOf(subset, superset, same, contains, ordered) {
    if (!contains) {
      if (subset.length !== superset.length) return false;
      superset = superset.slice();
    }
    return subset.every(function (item, index) {
      if (ordered) return same ? same(item, superset[index]) : item === superset[index];
      if (!same) {
        var at = superset.indexOf(item);
        if (at === -1) return false;
        if (!contains) superset.splice(at, 1);
        return true;
      }
      return superset.some(function (other, at) {
        if (!same(item, other)) return false;
        if (!contains) superset.splice(at, 1);
        return true;
      });
    });
  }

  addMethod("members", function (subset, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    typeCheck(this, subject, "array");
    typeCheck(this, subset, "array");
    var contains = flag(this, "contains");
    var ordered = flag(this, "ordered");
    var what;
    var failure;
    var negated;
    if (contains) {
      what = ordered ? "an ordered superset" : "a superset";
      failure = "expected #{this} to be " + what + " of #{exp}";
      negated = "expected #{this} to not be " + what + " of #{exp}";
    } else {
      what = ordered ? "ordered members" : "members";
      failure = "expected #{this} to have the same " + what + " as #{exp}";
      negated = "expected #{this} to not have the same " + what + " as #{exp}";
    }
    var same = flag(this, "deep") ? eql : undefined;
    check(this, isSubsetOf(subset, subject, same, contains, ordered), failure, negated, subset,
      subject);
  });

  addMethod("oneOf", function (list, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    typeCheck(this, list, "array");
    if (flag(this, "contains")) {
      check(this, list.some(function (p) { return subject.indexOf(p) > -1; }),
        "expected #{this} to contain one of #{exp}", "expected #{this} to not contain one of #{exp}",
        list, subject);
    } else if (flag(this, "deep")) {
      check(this, list.some(function (p) { return eql(subject, p); }),
        "expected #{this} to deeply equal one of #{exp}",
        "expected #{this} to deeply equal one of #{exp}", list, subject);
    } else {
      check(this, list.indexOf(subject) > -1, "expected #{this} to be one of #{exp}",
        "expected #{this} to not be one of #{exp}", list, subject);
    }
  });

  // ---- functions --------------------------------------------------------------------------

  function assertInstanceOf(constructor, message) {
    setMessage(this, message);
    var isInstance;
    try {
      isInstance = flag(this, "object") instanceof constructor;
    } catch (err) {
      if (err instanceof TypeError) {
        fail(this, "The instanceof assertion needs a constructor but " + typeOf(constructor) +
          " was given.");
      }
      throw err;
    }
    var name = functionName(constructor);
    if (name === null) name = "an unnamed constructor";
    check(this, isInstance, "expected #{this} to be an instance of " + name,
      "expected #{this} to not be an instance of " + name);
  }
  addMethod("instanceof", assertInstanceOf);
  addMethod("instanceOf", assertInstanceOf);

  function satisfy(matcher, message) {
    setMessage(this, message);
    var result = matcher(flag(this, "object"));
    check(this, result, "expected #{this} to satisfy " + display(matcher),
      "expected #{this} to not satisfy" + display(matcher), !flag(this, "negate"), result);
  }
  addMethod("satisfy", satisfy);
  addMethod("satisfies", satisfy);

  function respondTo(method, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    var target = typeof subject === "function" && !flag(this, "itself")
      ? subject.prototype[method]
      : subject[method];
    check(this, typeof target === "function", "expected #{this} to respond to " + inspect(method),
      "expected #{this} to not respond to " + inspect(method));
  }
  addMethod("respondTo", respondTo);
  addMethod("respondsTo", respondTo);

  function constructorName(errorLike) {
    if (errorLike instanceof Error) return functionName(errorLike.constructor);
    if (typeof errorLike === "function") return functionName(errorLike).trim();
    return errorLike;
  }
  function compatibleConstructor(thrown, errorLike) {
    if (errorLike instanceof Error) {
      return thrown.constructor === errorLike.constructor || thrown instanceof errorLike.constructor;
    }
    if (errorLike.prototype instanceof Error || errorLike === Error) {
      return thrown.constructor === errorLike || thrown instanceof errorLike;
    }
    return false;
  }
  function compatibleMessage(thrown, matcher) {
    var text = typeof thrown === "string" ? thrown : thrown.message;
    if (matcher instanceof RegExp) return matcher.test(text);
    if (typeof matcher === "string") return text.indexOf(matcher) !== -1;
    return false;
  }
  function thrownMessage(thrown) {
    if (thrown && thrown.message) return thrown.message;
    return typeof thrown === "string" ? thrown : "";
  }
  function describeThrown(thrown) {
    if (thrown instanceof Error) return thrown.toString();
    if (typeof thrown === "string") return thrown;
    return thrown && constructorName(thrown);
  }

  function assertThrows(errorLike, matcher, message) {
    setMessage(this, message);
    var subject = flag(this, "object");
    var negate = flag(this, "negate") || false;
    typeCheck(this, subject, "function");
    if (errorLike instanceof RegExp || typeof errorLike === "string") {
      matcher = errorLike;
      errorLike = null;
    }
    var caught;
    try {
      subject();
    } catch (err) {
      caught = err;
    }
    var noArgs = errorLike === undefined && matcher === undefined;
    var bothArgs = Boolean(errorLike && matcher);
    var errorLikeFail = false;
    var matcherFail = false;
    if (noArgs || !noArgs && !negate) {
      var what = "an error";
      if (errorLike instanceof Error) what = "#{exp}";
      else if (errorLike) what = constructorName(errorLike);
      check(this, caught, "expected #{this} to throw " + what,
        "expected #{this} to not throw an error but #{act} was thrown",
        errorLike && errorLike.toString(),
        caught instanceof Error ? caught.toString()
          : typeof caught === "string" ? caught : caught && constructorName(caught));
    }
    if (errorLike && caught) {
      if (errorLike instanceof Error && (errorLike === caught) === negate) {
        if (bothArgs && negate) {
          errorLikeFail = true;
        } else {
          check(this, negate, "expected #{this} to throw #{exp} but #{act} was thrown",
            "expected #{this} to not throw #{exp}" + (caught && !negate ? " but #{act} was thrown" : ""),
            errorLike.toString(), caught.toString());
        }
      }
      if (compatibleConstructor(caught, errorLike) === negate) {
        if (bothArgs && negate) {
          errorLikeFail = true;
        } else {
          check(this, negate, "expected #{this} to throw #{exp} but #{act} was thrown",
            "expected #{this} to not throw #{exp}" + (caught ? " but #{act} was thrown" : ""),
            errorLike instanceof Error ? errorLike.toString() : constructorName(errorLike),
            describeThrown(caught));
        }
      }
    }
    if (caught && matcher !== undefined && matcher !== null) {
      var placeholder = matcher instanceof RegExp ? "matching" : "including";
      if (compatibleMessage(caught, matcher) === negate) {
        if (bothArgs && negate) {
          matcherFail = true;
        } else {
          check(this, negate, "expected #{this} to throw error " + placeholder + " #{exp} but got #{act}",
            "expected #{this} to throw error not " + placeholder + " #{exp}",
            matcher, thrownMessage(caught));
        }
      }
    }
    if (errorLikeFail && matcherFail) {
      check(this, negate, "expected #{this} to throw #{exp} but #{act} was thrown",
        "expected #{this} to not throw #{exp}" + (caught ? " but #{act} was thrown" : ""),
        errorLike instanceof Error ? errorLike.toString() : constructorName(errorLike),
        describeThrown(caught));
    }
    flag(this, "object", caught);
  }
  ["throw", "throws", "Throw"].forEach(function (n) { addMethod(n, assertThrows); });

  // ---- Postman's response assertions ------------------------------------------------------

  function isResponse(value) {
    return value !== null && typeof value === "object" && value.__pm_response === true;
  }
  function isRequest(value) {
    return value !== null && typeof value === "object" && value.__pm_request === true;
  }

  function responseReason(response) {
    return typeof response.reason === "function" ? response.reason() : response.status;
  }

  function responseText(response) {
    return typeof response.text === "function" ? response.text() : "";
  }

  // The error `json()` gives, as Postman shows it: its first line.
  function jsonError(response) {
    try {
      response.json();
    } catch (err) {
      var text = err && err.name === "JSONError" && err.message
        ? err.message
        : (err && err.name) + ": " + (err && err.message);
      return String(text).split("\n")[0];
    }
    return null;
  }

  function requireResponse(a) {
    var subject = flag(a, "object");
    if (!isResponse(subject)) {
      check(create(subject), false, "expecting a postman response object but got #{this}",
        "not expecting a postman response object");
    }
    return subject;
  }

  var STATUS_CLASSES = { info: 1, success: 2, redirection: 3, clientError: 4, serverError: 5 };
  Object.keys(STATUS_CLASSES).forEach(function (name) {
    addProperty(name, function () {
      var code = Number(requireResponse(this).code);
      check(this, Math.floor(code / 100) === STATUS_CLASSES[name],
        "expected response code to be #{exp}XX but found #{act}",
        "expected response code to not be #{exp}XX", STATUS_CLASSES[name], code);
    });
  });

  addMethod("statusCodeClass", function (classCode) {
    var code = Number(requireResponse(this).code);
    check(this, Math.floor(code / 100) === classCode,
      "expected response code to be #{exp}XX but found #{act}",
      "expected response code to not be #{exp}XX", classCode, code);
  });

  addProperty("error", function () {
    var code = Number(requireResponse(this).code);
    var cls = Math.floor(code / 100);
    check(this, cls === 4 || cls === 5, "expected response code to be 4XX or 5XX but found #{act}",
      "expected response code to not be 4XX or 5XX", null, code);
  });

  var STATUS_REASONS = {
    accepted: [202, "Accepted"],
    withoutContent: [204, "No Content"],
    badRequest: [400, "Bad Request"],
    unauthorised: [401, "Unauthorised"],
    unauthorized: [401, "Unauthorized"],
    forbidden: [403, "Forbidden"],
    notFound: [404, "Not Found"],
    notAcceptable: [406, "Acceptable"],
    rateLimited: [429, "Too Many Requests"],
  };
  Object.keys(STATUS_REASONS).forEach(function (name) {
    addProperty(name, function () {
      var response = requireResponse(this);
      var wanted = STATUS_REASONS[name][1].toUpperCase();
      var reason = String(responseReason(response)).toUpperCase();
      check(this, reason === wanted, "expected response to have status reason #{exp} but got #{act}",
        "expected response to not have status reason #{act}", wanted, reason);
      var code = Number(response.code);
      check(this, code === STATUS_REASONS[name][0],
        "expected response to have status code #{exp} but got #{act}",
        "expected response to not have status code #{act}", STATUS_REASONS[name][0], code);
    });
  });

  function assertStatusCode(expected) {
    var code = requireResponse(this).code;
    check(this, code === Number(expected), "expected response to have status code #{exp} but got #{act}",
      "expected response to not have status code #{act}", Number(expected), code);
  }
  function assertStatusReason(expected) {
    var reason = responseReason(requireResponse(this));
    check(this, reason === expected, "expected response to have status reason #{exp} but got #{act}",
      "expected response to not have status reason #{act}", expected, reason);
  }
  addMethod("statusCode", assertStatusCode);
  addMethod("statusReason", function (reason) {
    assertStatusReason.call(this, String(reason));
  });
  addMethod("status", function (codeOrReason) {
    requireResponse(this);
    if (typeof codeOrReason === "number") assertStatusCode.call(this, codeOrReason);
    else assertStatusReason.call(this, codeOrReason);
  });

  addMethod("header", function (key, value) {
    var subject = flag(this, "object");
    if (!isResponse(subject) && !isRequest(subject)) {
      check(create(subject), false, "expecting a postman request or response object but got #{this}",
        "not expecting a postman request or response object");
    }
    var what = isResponse(subject) ? "response" : "request";
    var present = Boolean(subject.headers.has(key));
    check(this, present, "expected " + what + " to have header with key '" + String(key) + "'",
      "expected " + what + " to not have header with key '" + String(key) + "'", true, present);
    if (arguments.length < 2) return;
    var actual = subject.headers.get(key);
    check(this, actual === value,
      "expected '" + String(key) + "' " + what + " header to be #{exp} but got #{act}",
      "expected '" + String(key) + "' " + what + " header to not be #{act}", value, actual);
  });

  addProperty("withBody", function () {
    var text = responseText(requireResponse(this));
    check(this, typeof text === "string" && text.length, "expected response to have content in body",
      "expected response to not have content in body");
  });

  addProperty("json", function () {
    var parseError = jsonError(requireResponse(this));
    check(this, !parseError, "expected response body to be a valid json but got error " + parseError,
      "expected response body not to be a valid json");
  });

  function isPlainObject(value) {
    if (value === null || typeof value !== "object" || typeOf(value) !== "Object") return false;
    var proto = Object.getPrototypeOf(value);
    return proto === null || proto === Object.prototype;
  }

  addMethod("body", function (content) {
    var response = requireResponse(this);
    if (isPlainObject(content)) {
      var data;
      try {
        data = response.json();
      } catch (err) {
        data = undefined;
      }
      check(this, eql(data, content), "expected response body json to equal #{exp} but got #{act}",
        "expected response body json to not equal #{exp} but got #{act}", content, data);
      return;
    }
    var text = responseText(response);
    if (arguments.length === 0) {
      check(this, typeof text === "string" && text.length, "expected response to have content in body",
        "expected response to not have content in body");
      return;
    }
    if (content instanceof RegExp) {
      check(this, content.exec(text) !== null, "expected response body text to match #{exp} but got #{act}",
        "expected response body text #{act} to not match #{exp}", content, text);
      return;
    }
    check(this, eql(text, content), "expected response body to equal #{exp} but got #{act}",
      "expected response body to not equal #{exp}", content, text);
  });

  addMethod("jsonBody", function (path, value) {
    var response = requireResponse(this);
    var body;
    var parseError = null;
    try {
      body = response.json();
    } catch (err) {
      parseError = jsonError(response);
    }
    if (arguments.length === 0) {
      check(this, !parseError, "expected response body to be a valid json but got error " + parseError,
        "expected response body not to be a valid json");
      return;
    }
    if (typeof path !== "string") return;
    check(this, lodashHas(body, path), "expected #{act} in response to contain property #{exp}",
      "expected #{act} in response to not contain property #{exp}", path, body);
    if (arguments.length > 1) {
      var actual = lodashGet(body, path);
      check(this, eql(actual, value),
        'expected response body json at "' + path + '" to contain #{exp} but got #{act}',
        'expected response body json at "' + path + '" to not contain #{exp} but got #{act}',
        value, actual);
    }
  });

  // jsonSchema: Postman's (Ajv 6, all errors) on the schema crate `schema:` assertions use.
  var validateSchema = globalThis.__runner_schema;
  delete globalThis.__runner_schema;
  addMethod("jsonSchema", function (schema) {
    create(schema).to.be.an("object");
    var subject = flag(this, "object");
    var data = (isResponse(subject) || isRequest(subject)) && typeof subject.json === "function"
      ? subject.json()
      : subject;
    var errors = validateSchema(schema, data);
    check(this, errors.length === 0,
      "expected data to satisfy schema but found following errors: \n" + errors.join(", "),
      "expected data to not satisfy schema", true, errors.length === 0);
  });

  addChainable("responseTime", function (value) {
    var time = flag(this, "number");
    check(this, typeof time === "number", "expected response to have a valid response time but got #{act}",
      "expected response to not have a valid response time but got #{act}", null, time);
    if (arguments.length) {
      check(this, eql(time, value), "expected response to have a valid response time but got #{act}",
        "expected response to not have a valid response time but got #{act}", null, time);
    }
  }, function () {
    var response = requireResponse(this);
    flag(this, "number", response.responseTime);
    flag(this, "object", response.responseTime);
  });

  addChainable("responseSize", function (value) {
    var size = flag(this, "number");
    check(this, typeof size === "number", "expected response to have a valid response size but got #{act}",
      "expected response to not have a valid response size but got #{act}", null, size);
    if (arguments.length) {
      check(this, eql(size, value), "expected response size to equal #{act} but got #{exp}",
        "expected response size to not equal #{act} but got #{exp}", value, size);
    }
  }, function () {
    var response = requireResponse(this);
    var size = typeof response.size === "function" ? response.size() : null;
    var total = size && typeof size === "object"
      ? (size.header || 0) + (size.body || 0)
      : response.responseSize;
    flag(this, "number", total);
    flag(this, "object", total);
  });

  // ---- entry points -----------------------------------------------------------------------

  function expect(subject, message) {
    return guarded(create(subject, message));
  }

  expect.fail = function (actual, expected, message, operator) {
    if (arguments.length < 2) {
      message = actual;
      actual = undefined;
    }
    throw new AssertionError(message || "expect.fail()", {
      actual: actual, expected: expected, operator: operator,
    });
  };

  globalThis.__runner_expect = {
    expect: expect,
    AssertionError: AssertionError,
  };
})();
