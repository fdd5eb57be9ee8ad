// The sandbox of Postman scripts: `pm`, the legacy globals (`tests`, `responseBody`,
// `postman`, ...), `console`, `require`, `atob`/`btoa` and timers. Evaluated once per
// runtime; `__runner_hooks` (taken away by the engine) prepares and finishes each run.
(function () {
  "use strict";
  var G = globalThis;
  var host = G.__runner_host;
  delete G.__runner_host;

  var GLOBALS = 0, COLLECTION = 1, ENVIRONMENT = 2, DATA = 3, LOCAL = 4, EFFECTIVE = 5;
  var LOG = 0, INFO = 1, WARN = 2, ERROR = 3;

  // The state of the run in progress.
  var R = null;

  function hidden(object, name, value) {
    Object.defineProperty(object, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  function errorText(e) {
    if (e && typeof e === "object" && typeof e.message === "string") {
      var name = e.name || (e.constructor && e.constructor.name) || "Error";
      return name ? name + ": " + e.message : e.message;
    }
    return String(e);
  }

  function assertions() {
    var E = G.__runner_expect;
    if (!E || typeof E.expect !== "function") throw new Error("pm.expect is not available");
    return E;
  }

  // ---- console (formatted like Node's util.format) ----
  function identifier(key) {
    return /^[A-Za-z_$][\w$]*$/.test(key) ? key : "'" + key.replace(/'/g, "\\'") + "'";
  }

  function inspect(value, depth, seen) {
    switch (typeof value) {
      case "string": return depth === 0 ? value : "'" + value.replace(/'/g, "\\'") + "'";
      case "number": return Object.is(value, -0) ? "-0" : String(value);
      case "bigint": return String(value) + "n";
      case "boolean": case "undefined": return String(value);
      case "symbol": return value.toString();
      case "function": return "[Function: " + (value.name || "(anonymous)") + "]";
    }
    if (value === null) return "null";
    if (seen.indexOf(value) >= 0) return "[Circular *1]";
    if (value instanceof Error) return value.stack ? errorText(value) + "\n" + value.stack.replace(/\n$/, "") : errorText(value);
    if (value instanceof Date) return isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
    seen.push(value);
    var parts = [];
    var out;
    if (Array.isArray(value)) {
      for (var i = 0; i < value.length; i++) parts.push(inspect(value[i], depth + 1, seen));
      out = parts.length ? "[ " + parts.join(", ") + " ]" : "[]";
    } else {
      var keys = Object.keys(value);
      for (var k = 0; k < keys.length; k++) {
        parts.push(identifier(keys[k]) + ": " + inspect(value[keys[k]], depth + 1, seen));
      }
      out = parts.length ? "{ " + parts.join(", ") + " }" : "{}";
    }
    seen.pop();
    return out;
  }

  function format(args) {
    var out = [];
    var start = 0;
    if (typeof args[0] === "string" && args.length > 1 && args[0].indexOf("%") >= 0) {
      var n = 1;
      out.push(args[0].replace(/%([sdifjoOc%])/g, function (m, c) {
        if (c === "%") return "%";
        if (n >= args.length) return m;
        var a = args[n++];
        switch (c) {
          case "s": return typeof a === "string" ? a : inspect(a, 1, []);
          case "d": case "i": return typeof a === "object" ? "NaN" : String(c === "i" ? parseInt(a, 10) : Number(a));
          case "f": return String(parseFloat(a));
          case "j": try { return JSON.stringify(a); } catch (e) { return "[Circular]"; }
          case "c": return "";
          default: return inspect(a, 1, []);
        }
      }));
      start = n;
    }
    for (var i = start; i < args.length; i++) out.push(inspect(args[i], 0, []));
    return out.join(" ");
  }

  function logger(level) {
    return function () { host.log(level, format(Array.prototype.slice.call(arguments))); };
  }
  var consoleObject = {
    log: logger(LOG), info: logger(INFO), warn: logger(WARN), error: logger(ERROR),
    debug: logger(LOG), trace: logger(LOG),
  };
  hidden(G, "console", consoleObject);

  // ---- atob / btoa ----
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  function btoa(input) {
    var s = String(input), out = "";
    for (var i = 0; i < s.length; i += 3) {
      var a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new Error("InvalidCharacterError: the string contains characters outside of the Latin1 range");
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18 & 63] + B64[n >> 12 & 63] +
        (i + 1 < s.length ? B64[n >> 6 & 63] : "=") + (i + 2 < s.length ? B64[n & 63] : "=");
    }
    return out;
  }
  function atob(input) {
    var s = String(input).replace(/[\t\n\f\r ]/g, "").replace(/-/g, "+").replace(/_/g, "/");
    if (s.length % 4 === 0) s = s.replace(/==?$/, "");
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw new Error("InvalidCharacterError: the string is not correctly encoded");
    var out = "", bits = 0, value = 0;
    for (var i = 0; i < s.length; i++) {
      value = (value << 6) | B64.indexOf(s[i]);
      bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 255); }
    }
    return out;
  }
  hidden(G, "atob", atob);
  hidden(G, "btoa", btoa);

  // ---- timers: run after the script's synchronous part, within the time limit ----
  var timerSeq = 0;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== "function") throw new TypeError("the callback must be a function");
    var delay = Math.max(0, Number(ms) || 0);
    var t = { id: ++timerSeq, fn: fn, args: args, due: Date.now() + delay, every: repeat ? Math.max(1, delay) : 0 };
    R.timers.push(t);
    return t.id;
  }
  function clearTimer(id) {
    if (!R) return;
    for (var i = 0; i < R.timers.length; i++) if (R.timers[i].id === id) { R.timers.splice(i, 1); return; }
  }
  hidden(G, "setTimeout", function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false); });
  hidden(G, "setInterval", function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true); });
  hidden(G, "setImmediate", function (fn) { return addTimer(fn, 0, Array.prototype.slice.call(arguments, 1), false); });
  hidden(G, "clearTimeout", clearTimer);
  hidden(G, "clearInterval", clearTimer);
  hidden(G, "clearImmediate", clearTimer);

  // ---- String.prototype.has, which Postman's sandbox has from Sugar (legacy scripts:
  // `responseBody.has("x")`): whether the text contains a string or matches a RegExp ----
  if (typeof String.prototype.has !== "function") {
    hidden(String.prototype, "has", function (find) {
      var text = String(this);
      return find instanceof RegExp ? text.search(find) !== -1 : text.indexOf(String(find)) !== -1;
    });
  }

  // ---- require ----
  // `require('uuid')`: a v4 UUID function that is also its own `v4`, as Postman's module.
  var uuid = function () { return host.uuid(); };
  uuid.v4 = uuid;

  // lodash 4, loaded into the runtime on first use.
  var loadLodash = G.__runner_lodash;
  delete G.__runner_lodash;
  var lodash, loading = false;
  function getLodash() {
    // lodash reads the global `_` while it loads (for noConflict): it finds none.
    if (lodash === undefined && !loading) {
      loading = true;
      try { lodash = loadLodash(); } finally { loading = false; }
    }
    return lodash;
  }
  // A vendored library's loader (taken from the globals), called on first use.
  function vendored(name) {
    var load = G[name], value;
    delete G[name];
    return function () {
      if (value === undefined) value = load();
      return value;
    };
  }
  // moment 2.30.1 without locales, as in Postman's sandbox: no global, only `require`.
  var getMoment = vendored("__runner_moment");
  // Node's Buffer (the npm `buffer` 6 module, as in Postman's sandbox), loaded on first use.
  var getBuffer = vendored("__runner_buffer");
  // tv4 1.3.0, Postman's deprecated JSON Schema validator (draft 4), loaded on first use.
  var getTv4 = vendored("__runner_tv4");
  Object.defineProperty(G, "tv4", {
    get: getTv4,
    set: function (value) { hidden(G, "tv4", value); },
    configurable: true, enumerable: false,
  });
  Object.defineProperty(G, "Buffer", {
    get: function () { return getBuffer().Buffer; },
    set: function (value) { hidden(G, "Buffer", value); },
    configurable: true, enumerable: false,
  });
  Object.defineProperty(G, "_", {
    get: getLodash,
    set: function (value) { hidden(G, "_", value); },
    configurable: true, enumerable: false,
  });

  // ---- xml2js (its parseString, Parser and processors) and xml2Json, shaping the tree the
  // native parser gives as xml2js 0.4 does ----
  var parseXml = G.__runner_xml;
  delete G.__runner_xml;
  var XML_DEFAULTS = {
    explicitCharkey: false, trim: false, normalize: false, normalizeTags: false, attrkey: "$",
    charkey: "_", explicitArray: true, ignoreAttrs: false, mergeAttrs: false, explicitRoot: true,
    emptyTag: "", tagNameProcessors: null, attrNameProcessors: null, attrValueProcessors: null,
    valueProcessors: null, async: false, strict: true,
  };
  function processItem(processors, item, key) {
    (processors || []).forEach(function (p) { item = p(item, key); });
    return item;
  }
  function assignOrPush(o, obj, key, value) {
    if (!(key in obj)) {
      obj[key] = o.explicitArray ? [value] : value;
    } else {
      if (!(obj[key] instanceof Array)) obj[key] = [obj[key]];
      obj[key].push(value);
    }
  }
  // node: [name, [attribute, value, ...], has CDATA, child...]; returns [name, value].
  function xmlNode(node, o) {
    var ck = o.charkey, obj = {};
    obj[ck] = "";
    var attrs = node[1];
    if (!o.ignoreAttrs) {
      for (var i = 0; i < attrs.length; i += 2) {
        if (!(o.attrkey in obj) && !o.mergeAttrs) obj[o.attrkey] = {};
        var value = o.attrValueProcessors ? processItem(o.attrValueProcessors, attrs[i + 1], attrs[i]) : attrs[i + 1];
        var key = o.attrNameProcessors ? processItem(o.attrNameProcessors, attrs[i]) : attrs[i];
        if (o.mergeAttrs) assignOrPush(o, obj, key, value);
        else obj[o.attrkey][key] = value;
      }
    }
    var name = o.normalizeTags ? node[0].toLowerCase() : node[0];
    if (o.tagNameProcessors) name = processItem(o.tagNameProcessors, name);
    for (var c = 3; c < node.length; c++) {
      if (typeof node[c] === "string") {
        obj[ck] += node[c];
      } else {
        var child = xmlNode(node[c], o);
        assignOrPush(o, obj, child[0], child[1]);
      }
    }
    var emptyStr = "";
    if (/^\s*$/.test(obj[ck]) && !node[2]) {
      emptyStr = obj[ck];
      delete obj[ck];
    } else {
      if (o.trim) obj[ck] = obj[ck].trim();
      if (o.normalize) obj[ck] = obj[ck].replace(/\s{2,}/g, " ").trim();
      if (o.valueProcessors) obj[ck] = processItem(o.valueProcessors, obj[ck], name);
      if (Object.keys(obj).length === 1 && ck in obj && !o.explicitCharkey) obj = obj[ck];
    }
    if (obj !== null && typeof obj === "object" && Object.keys(obj).length === 0) {
      obj = o.emptyTag !== "" ? o.emptyTag : emptyStr;
    }
    return [name, obj];
  }
  function XmlParser(options) {
    if (!(this instanceof XmlParser)) return new XmlParser(options);
    var o = {};
    Object.keys(XML_DEFAULTS).forEach(function (k) { o[k] = XML_DEFAULTS[k]; });
    if (options && typeof options === "object") Object.keys(options).forEach(function (k) { o[k] = options[k]; });
    this.options = o;
  }
  // The result, or an Error as xml2js gives it.
  XmlParser.prototype._parse = function (str) {
    var text = String(str);
    if (text.trim() === "") return { result: null };
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    var root;
    try {
      root = xmlNode(parseXml(text), this.options);
    } catch (e) {
      return { error: e instanceof Error ? e : new Error(String(e)) };
    }
    var result = root[1];
    if (this.options.explicitRoot) {
      result = {};
      result[root[0]] = root[1];
    }
    return { result: result };
  };
  XmlParser.prototype.parseString = function (str, cb) {
    var r = this._parse(str);
    if (typeof cb === "function") {
      if (r.error) cb(r.error);
      else cb(null, r.result);
    }
  };
  XmlParser.prototype.parseStringPromise = function (str) {
    var r = this._parse(str);
    return r.error ? Promise.reject(r.error) : Promise.resolve(r.result);
  };
  var xml2js = {
    Parser: XmlParser,
    parseString: function (str, a, b) {
      var options = typeof b === "function" ? a : {};
      var cb = typeof b === "function" ? b : a;
      new XmlParser(options).parseString(str, cb);
    },
    parseStringPromise: function (str, options) { return new XmlParser(options).parseStringPromise(str); },
    defaults: { "0.2": XML_DEFAULTS },
    processors: {
      normalize: function (str) { return str.toLowerCase(); },
      firstCharLowerCase: function (str) { return str.charAt(0).toLowerCase() + str.slice(1); },
      stripPrefix: function (str) { return str.replace(/(?!xmlns)^.*:/, ""); },
      parseNumbers: function (str) {
        if (!isNaN(str)) str = str % 1 === 0 ? parseInt(str, 10) : parseFloat(str);
        return str;
      },
      parseBooleans: function (str) {
        if (/^(?:true|false)$/i.test(str)) str = str.toLowerCase() === "true";
        return str;
      },
    },
  };
  // Postman's xml2Json: xml2js with explicitArray off and trim on; undefined for text that is
  // not XML.
  var XML2JSON = new XmlParser({ explicitArray: false, async: false, trim: true, mergeAttrs: false });
  hidden(G, "xml2Json", function (text) {
    var r = XML2JSON._parse(text);
    return r.error ? undefined : r.result;
  });

  // ---- Ajv 6 (`require('ajv')`), on the validator behind jsonSchema: its API, error objects
  // and their order; schemas by key are those given to addSchema ----
  var ajvErrors = G.__runner_ajv_errors;
  delete G.__runner_ajv_errors;
  function Ajv(options) {
    if (!(this instanceof Ajv)) return new Ajv(options);
    hidden(this, "_opts", options && typeof options === "object" ? options : {});
    hidden(this, "_schemas", {});
    this.errors = undefined;
  }
  Ajv.prototype.compile = function (schema) {
    if (schema === null || (typeof schema !== "object" && typeof schema !== "boolean")) {
      throw new Error("schema should be object or boolean");
    }
    var all = !!this._opts.allErrors;
    ajvErrors(schema, null, false); // throws when the schema is invalid, as Ajv's compile does
    var validate = function (data) {
      var errors = ajvErrors(schema, data, all);
      validate.errors = errors.length ? errors : null;
      return errors.length === 0;
    };
    validate.schema = schema;
    validate.errors = null;
    return validate;
  };
  Ajv.prototype._schema = function (schemaOrKey) {
    if (typeof schemaOrKey !== "string") return schemaOrKey;
    if (!Object.prototype.hasOwnProperty.call(this._schemas, schemaOrKey)) {
      throw new Error('no schema with key or ref "' + schemaOrKey + '"');
    }
    return this._schemas[schemaOrKey];
  };
  Ajv.prototype.validate = function (schemaOrKey, data) {
    var validate = this.compile(this._schema(schemaOrKey));
    var valid = validate(data);
    this.errors = validate.errors;
    return valid;
  };
  Ajv.prototype.addSchema = function (schema, key) {
    var self = this;
    if (Array.isArray(schema)) {
      schema.forEach(function (s) { self.addSchema(s); });
      return this;
    }
    var id = key || (schema && (schema.$id || schema.id));
    if (typeof id !== "string" || id === "") throw new Error("schema id must be string");
    this.compile(schema);
    this._schemas[id] = schema;
    return this;
  };
  Ajv.prototype.getSchema = function (key) {
    return Object.prototype.hasOwnProperty.call(this._schemas, key) ? this.compile(this._schemas[key]) : undefined;
  };
  Ajv.prototype.removeSchema = function (key) {
    if (typeof key === "string") delete this._schemas[key];
    else this._schemas = {};
    return this;
  };
  Ajv.prototype.validateSchema = function (schema) {
    try { this.compile(schema); this.errors = null; return true; } catch (e) {
      this.errors = [{ keyword: "schema", dataPath: "", schemaPath: "", params: {}, message: String(e.message) }];
      return false;
    }
  };
  Ajv.prototype.errorsText = function (errors, options) {
    errors = errors || this.errors;
    if (!errors) return "No errors";
    options = options || {};
    var separator = options.separator === undefined ? ", " : options.separator;
    var dataVar = options.dataVar === undefined ? "data" : options.dataVar;
    return errors.map(function (e) { return dataVar + e.dataPath + " " + e.message; }).join(separator);
  };

  function require(name) {
    switch (name) {
      case "xml2js": return xml2js;
      case "uuid": return uuid;
      case "lodash": return getLodash();
      case "moment": return getMoment();
      case "buffer": return getBuffer();
      case "ajv": return Ajv;
      case "tv4": return getTv4();
      case "crypto-js": return G.__runner_cryptojs;
      case "chai": return { expect: function (v, m) { return assertions().expect(v, m); }, AssertionError: assertions().AssertionError };
      case "atob": return atob;
      case "btoa": return btoa;
    }
    throw new Error("require('" + name + "') is not available in runner's sandbox");
  }
  hidden(G, "require", require);
  if (G.__runner_cryptojs) hidden(G, "CryptoJS", G.__runner_cryptojs);

  // ---- lists of {key, value} (headers, query parameters) ----
  function PropertyList(items, caseless) {
    hidden(this, "_items", items);
    hidden(this, "_caseless", caseless);
  }
  PropertyList.prototype._match = function (a, b) {
    return this._caseless ? String(a).toLowerCase() === String(b).toLowerCase() : String(a) === String(b);
  };
  PropertyList.prototype._find = function (key) {
    for (var i = 0; i < this._items.length; i++) if (this._match(this._items[i].key, key)) return this._items[i];
    return undefined;
  };
  PropertyList.prototype.get = function (key) { var h = this._find(key); return h ? h.value : undefined; };
  PropertyList.prototype.one = function (key) { return this._find(key); };
  PropertyList.prototype.has = function (key, value) {
    if (key && typeof key === "object") { value = key.value; key = key.key; }
    for (var i = 0; i < this._items.length; i++) {
      var h = this._items[i];
      if (this._match(h.key, key) && (arguments.length < 2 || value === undefined || h.value === value)) return true;
    }
    return false;
  };
  PropertyList.prototype.toObject = function () {
    var o = {};
    this._items.forEach(function (h) { if (!h.disabled) o[h.key] = h.value; });
    return o;
  };
  PropertyList.prototype.all = function () { return this._items.slice(); };
  PropertyList.prototype.toJSON = function () { return this._items.map(function (h) { return { key: h.key, value: h.value }; }); };
  PropertyList.prototype.count = function () { return this._items.length; };
  PropertyList.prototype.idx = function (i) { return this._items[i]; };
  PropertyList.prototype.each = function (fn, self) { this._items.forEach(function (h) { fn.call(self, h); }); };
  PropertyList.prototype.forEach = PropertyList.prototype.each;
  PropertyList.prototype.map = function (fn, self) { return this._items.map(function (h) { return fn.call(self, h); }); };
  PropertyList.prototype.filter = function (fn, self) { return this._items.filter(function (h) { return fn.call(self, h); }); };
  PropertyList.prototype.find = function (fn, self) { return this._items.find(function (h) { return fn.call(self, h); }); };
  PropertyList.prototype.reduce = function (fn, acc) { return this._items.reduce(fn, acc); };
  PropertyList.prototype.indexOf = function (item) {
    var key = item && typeof item === "object" ? item.key : item;
    for (var i = 0; i < this._items.length; i++) if (this._match(this._items[i].key, key)) return i;
    return -1;
  };
  PropertyList.prototype.toString = function () {
    return this._items.map(function (h) { return h.key + ": " + h.value; }).join("\n");
  };
  function item(key, value) {
    if (key && typeof key === "object") return { key: String(key.key), value: key.value === undefined ? "" : String(key.value), disabled: !!key.disabled };
    if (typeof key === "string" && value === undefined && key.indexOf(":") > 0) {
      var at = key.indexOf(":");
      return { key: key.slice(0, at).trim(), value: key.slice(at + 1).trim(), disabled: false };
    }
    return { key: String(key), value: value === undefined ? "" : String(value), disabled: false };
  }
  PropertyList.prototype.add = function (key, value) { this._items.push(item(key, value)); };
  PropertyList.prototype.append = PropertyList.prototype.add;
  PropertyList.prototype.upsert = function (key, value) {
    var h = item(key, value);
    var found = this._find(h.key);
    if (found) { found.value = h.value; found.disabled = h.disabled; } else this._items.push(h);
  };
  PropertyList.prototype.remove = function (predicate) {
    var self = this;
    var keep = this._items.filter(function (h) {
      if (typeof predicate === "function") return !predicate(h);
      var key = predicate && typeof predicate === "object" ? predicate.key : predicate;
      return !self._match(h.key, key);
    });
    this._items.length = 0;
    Array.prototype.push.apply(this._items, keep);
  };
  PropertyList.prototype.clear = function () { this._items.length = 0; };
  PropertyList.prototype.populate = function (items) {
    var self = this;
    (items || []).forEach(function (h) { self.add(h); });
  };
  PropertyList.prototype.repopulate = function (items) { this.clear(); this.populate(items); };
  PropertyList.prototype.assimilate = PropertyList.prototype.populate;

  function pairsToItems(flat) {
    var items = [];
    for (var i = 0; i + 1 < flat.length; i += 2) items.push({ key: flat[i], value: flat[i + 1] });
    return items;
  }

  // ---- URLs (templates such as "{{base_url}}/users?id={{id}}" included) ----
  function Url(text) { this.update(text); }
  Url.prototype.update = function (text) {
    if (text && typeof text === "object") text = text.raw !== undefined ? text.raw : String(text);
    var s = text === undefined || text === null ? "" : String(text);
    var hash = s.indexOf("#");
    this.hash = hash >= 0 ? s.slice(hash + 1) : undefined;
    if (hash >= 0) s = s.slice(0, hash);
    var q = s.indexOf("?");
    var query = q >= 0 ? s.slice(q + 1) : "";
    if (q >= 0) s = s.slice(0, q);
    var proto = /^([A-Za-z][\w+.-]*):\/\//.exec(s);
    this.protocol = proto ? proto[1] : undefined;
    if (proto) s = s.slice(proto[0].length);
    var slash = s.indexOf("/");
    var hostPart = slash >= 0 ? s.slice(0, slash) : s;
    var path = slash >= 0 ? s.slice(slash + 1) : undefined;
    var auth = hostPart.lastIndexOf("@");
    this.auth = auth >= 0 ? hostPart.slice(0, auth) : undefined;
    if (auth >= 0) hostPart = hostPart.slice(auth + 1);
    var port = /:(\d+|\{\{[^}]*\}\})$/.exec(hostPart);
    this.port = port ? port[1] : undefined;
    if (port) hostPart = hostPart.slice(0, port.index);
    this.host = hostPart ? hostPart.split(".") : [];
    this.path = path === undefined ? [] : path.split("/");
    var items = [];
    if (q >= 0 && query !== "") {
      query.split("&").forEach(function (part) {
        var eq = part.indexOf("=");
        items.push(eq >= 0 ? { key: part.slice(0, eq), value: part.slice(eq + 1) } : { key: part, value: null });
      });
    }
    this.query = new PropertyList(items, false);
    hidden(this, "_hadQuery", q >= 0);
  };
  Url.prototype.getHost = function () { return this.host.join("."); };
  Url.prototype.getRemote = function () { return this.getHost() + (this.port ? ":" + this.port : ""); };
  Url.prototype.getPath = function () { return "/" + this.path.join("/"); };
  Url.prototype.getQueryString = function () {
    return this.query.all().filter(function (p) { return !p.disabled; }).map(function (p) {
      return p.value === null || p.value === undefined ? p.key : p.key + "=" + p.value;
    }).join("&");
  };
  Url.prototype.getPathWithQuery = function () {
    var q = this.getQueryString();
    return this.getPath() + (q ? "?" + q : "");
  };
  Url.prototype.toString = function () {
    var s = this.protocol ? this.protocol + "://" : "";
    if (this.auth !== undefined) s += this.auth + "@";
    s += this.getRemote();
    if (this.path.length) s += "/" + this.path.join("/");
    var q = this.getQueryString();
    if (q || (this._hadQuery && this.query.count() === 0 && false)) s += "?" + q;
    if (this.hash !== undefined) s += "#" + this.hash;
    return s;
  };
  Url.prototype.toJSON = function () { return this.toString(); };
  Url.prototype.addQueryParams = function (params) {
    var self = this;
    if (typeof params === "string") params = new Url("?" + params).query.all();
    (params || []).forEach(function (p) { self.query.add({ key: p.key, value: p.value }); });
  };
  Url.prototype.removeQueryParams = function (names) {
    var self = this;
    (Array.isArray(names) ? names : [names]).forEach(function (n) { self.query.remove(typeof n === "object" ? n.key : n); });
  };

  // ---- the request (pm.request) ----
  function Body(raw) { this.mode = "raw"; this.raw = raw === null || raw === undefined ? "" : raw; }
  Body.prototype.toString = function () { return typeof this.raw === "string" ? this.raw : JSON.stringify(this.raw); };
  Body.prototype.isEmpty = function () { return !this.raw; };
  Body.prototype.update = function (body) {
    if (body && typeof body === "object") { this.mode = body.mode || "raw"; this.raw = body.raw === undefined ? "" : body.raw; }
    else { this.mode = "raw"; this.raw = body === undefined || body === null ? "" : String(body); }
  };
  Body.prototype.toJSON = function () { return { mode: this.mode, raw: this.toString() }; };

  function Request(data) {
    if (data.body === undefined) data.body = null;
    hidden(this, "_data", data);
    hidden(this, "_url", new Url(data.url));
    hidden(this, "_urlText", this._url.toString());
    this.name = data.name;
    this.method = data.method;
    this.headers = new PropertyList(pairsToItems(data.headers), true);
    hidden(this, "_headersText", JSON.stringify(this.headers.toJSON()));
    this.body = new Body(data.body);
  }
  Object.defineProperty(Request.prototype, "url", {
    get: function () { return this._url; },
    set: function (v) { this._url = v instanceof Url ? v : new Url(v); },
  });
  Request.prototype.addHeader = function (h) { this.headers.add(h); };
  Request.prototype.removeHeader = function (h) { this.headers.remove(h); };
  Request.prototype.upsertHeader = function (h) { this.headers.upsert(h); };
  Request.prototype.getHeaders = function () { return this.headers.toObject(); };
  Request.prototype.toJSON = function () {
    return { name: this.name, method: this.method, url: this.url.toString(), header: this.headers.toJSON(), body: this.body && this.body.toJSON ? this.body.toJSON() : this.body };
  };
  // The request's state for the engine, or null when the script changed nothing.
  Request.prototype._changes = function () {
    var d = this._data;
    var url = this._url.toString() === this._urlText ? d.url : this._url.toString();
    var headers = this.headers.all().filter(function (h) { return !h.disabled; }).map(function (h) { return [String(h.key), String(h.value)]; });
    var headersChanged = JSON.stringify(this.headers.toJSON()) !== this._headersText;
    var body = this.body;
    var raw = body === undefined || body === null ? null : body instanceof Body ? body.toString() : typeof body === "string" ? body : String(body.raw === undefined ? "" : body.raw);
    if (raw === "" && d.body === null) raw = null;
    var method = String(this.method);
    if (url === d.url && !headersChanged && raw === d.body && method === d.method) return null;
    return { method: method, url: url, headers: headers, body: raw };
  };

  // ---- responses (pm.response and the responses of pm.sendRequest) ----
  function Response(id) {
    var meta = host.meta(id);
    hidden(this, "_id", id);
    this.code = meta[0];
    this.status = meta[1];
    this.responseTime = meta[2];
    // Headers and body together; `responseSize` is the body alone, as in Newman.
    hidden(this, "_total", meta[3]);
    hidden(this, "__pm_response", true);
  }
  Object.defineProperty(Response.prototype, "headers", {
    get: function () {
      if (!this._headers) hidden(this, "_headers", new PropertyList(pairsToItems(host.headers(this._id)), true));
      return this._headers;
    },
  });
  Object.defineProperty(Response.prototype, "cookies", {
    get: function () {
      if (!this._cookies) hidden(this, "_cookies", this._id === 0 ? cookieList() : responseCookies(this));
      return this._cookies;
    },
  });
  Object.defineProperty(Response.prototype, "to", {
    get: function () { return assertions().expect(this).to; },
  });
  Object.defineProperty(Response.prototype, "body", {
    get: function () { return this.text(); },
  });
  // The body's size in bytes (its UTF-8 length), read only when asked for.
  Object.defineProperty(Response.prototype, "responseSize", {
    enumerable: true,
    get: function () {
      var text = this.text();
      var bytes = 0;
      for (var i = 0; i < text.length; i++) {
        var c = text.charCodeAt(i);
        if (c < 0x80) bytes += 1;
        else if (c < 0x800) bytes += 2;
        else if (c >= 0xd800 && c < 0xdc00) { bytes += 4; i++; }
        else bytes += 3;
      }
      return bytes;
    },
  });
  Response.prototype.text = function () {
    if (this._text === undefined) hidden(this, "_text", host.body(this._id));
    return this._text;
  };
  Response.prototype.json = function () {
    if (!("_json" in this)) hidden(this, "_json", JSON.parse(this.text()));
    return this._json;
  };
  Response.prototype.reason = function () { return this.status; };
  Response.prototype.size = function () {
    var body = this.responseSize;
    return { body: body, header: Math.max(0, this._total - body), total: this._total };
  };
  Response.prototype.toJSON = function () {
    return { code: this.code, status: this.status, header: this.headers.toJSON(), responseTime: this.responseTime, responseSize: this.responseSize };
  };
  Response.prototype.toString = function () { return this.text(); };

  function cookieList() {
    var flat = host.cookies();
    var items = [];
    for (var i = 0; i + 1 < flat.length; i += 2) items.push({ name: flat[i], key: flat[i], value: flat[i + 1] });
    return cookies(items);
  }
  function responseCookies(res) {
    var items = [];
    res.headers.all().forEach(function (h) {
      if (String(h.key).toLowerCase() !== "set-cookie") return;
      var first = String(h.value).split(";")[0];
      var eq = first.indexOf("=");
      if (eq > 0) items.push({ name: first.slice(0, eq).trim(), key: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() });
    });
    return cookies(items);
  }
  function cookies(items) {
    var list = new PropertyList(items, false);
    list.toObject = function () {
      var o = {};
      items.forEach(function (c) { o[c.name] = c.value; });
      return o;
    };
    list.jar = function () { return cookieJar; };
    return list;
  }
  var cookieJar = {
    get: function (url, name, cb) { var c = pm.cookies.get(name); if (typeof cb === "function") cb(null, c === undefined ? null : c); },
    getAll: function (url, cb) { if (typeof cb === "function") cb(null, pm.cookies.all()); },
    set: function () { var cb = arguments[arguments.length - 1]; if (typeof cb === "function") cb(new Error("pm.cookies.jar().set is not available in runner's sandbox")); },
    unset: function () { var cb = arguments[arguments.length - 1]; if (typeof cb === "function") cb(new Error("pm.cookies.jar().unset is not available in runner's sandbox")); },
    clear: function () { var cb = arguments[arguments.length - 1]; if (typeof cb === "function") cb(new Error("pm.cookies.jar().clear is not available in runner's sandbox")); },
  };

  // ---- variables ----
  function VariableScope(which, readOnly) { hidden(this, "_which", which); hidden(this, "_readOnly", readOnly); }
  VariableScope.prototype.get = function (name) { return host.get(this._which, String(name)); };
  VariableScope.prototype.has = function (name) { return host.has(this._which, String(name)); };
  VariableScope.prototype.set = function (name, value) {
    if (this._readOnly) return;
    host.set(this._which, String(name), value);
  };
  VariableScope.prototype.unset = function (name) { if (!this._readOnly) host.unset(this._which, String(name)); };
  VariableScope.prototype.clear = function () { if (!this._readOnly) host.clear(this._which); };
  VariableScope.prototype.toObject = function () { return host.all(this._which); };
  VariableScope.prototype.replaceIn = function (text) {
    if (text === undefined || text === null) return text;
    if (typeof text === "object") return JSON.parse(host.replaceIn(this._which, JSON.stringify(text)));
    return host.replaceIn(this._which, String(text));
  };
  VariableScope.prototype.toJSON = function () {
    var o = this.toObject();
    return Object.keys(o).map(function (k) { return { key: k, value: o[k] }; });
  };
  VariableScope.prototype.values = function () { return this.toJSON(); };

  // ---- pm.test ----
  function failTest(t, e) {
    // Running out of memory stops the script, not just the test.
    if (e instanceof InternalError && e.message === "out of memory") throw e;
    t.passed = false;
    t.error = errorText(e);
    // Where it was thrown: the script's line, from the error's stack.
    t.stack = e && typeof e === "object" && typeof e.stack === "string" ? e.stack : null;
  }
  function test(name, fn) {
    var t = { name: String(name), passed: true, skipped: false, error: null, pending: false, done: false };
    R.tests.push(t);
    if (typeof fn !== "function") { t.skipped = true; return; }
    try {
      if (fn.length > 0) {
        t.pending = true;
        t.done = true;
        fn.call(G, function (err) {
          if (!t.pending) return;
          t.pending = false;
          if (err) failTest(t, err);
        });
      } else {
        var result = fn.call(G);
        if (result && typeof result.then === "function") {
          t.pending = true;
          result.then(function () { t.pending = false; }, function (e) {
            if (!t.pending) return;
            t.pending = false;
            failTest(t, e);
          });
        }
      }
    } catch (e) {
      t.pending = false;
      failTest(t, e);
    }
  }
  test.skip = function (name) {
    R.tests.push({ name: String(name), passed: true, skipped: true, error: null, pending: false, done: false });
  };

  function sendRequest(req, callback) {
    var n = normalise(req);
    var id = host.send(n.method, n.url, n.headers, n.body);
    var s = { callback: typeof callback === "function" ? callback : null };
    R.sends[id] = s;
    if (!s.callback) {
      return new Promise(function (resolve, reject) { s.resolve = resolve; s.reject = reject; });
    }
  }

  function urlencode(s) {
    // Spaces as %20, as Newman sends them.
    return encodeURIComponent(String(s)).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  // A URL string or a request object as [method, url, flat headers, body or null].
  function normalise(req) {
    if (req === null || req === undefined) throw new TypeError("pm.sendRequest needs a URL or a request");
    if (typeof req === "string" || req instanceof Url) return { method: "GET", url: String(req), headers: [], body: null };
    if (req instanceof Request) req = req.toJSON();
    var url = req.url;
    if (url && typeof url === "object" && !(url instanceof Url)) {
      url = url.raw !== undefined ? url.raw : String(url);
    }
    var headers = [];
    var header = req.header !== undefined ? req.header : req.headers;
    if (header instanceof PropertyList) header = header.all();
    if (Array.isArray(header)) {
      header.forEach(function (h) { if (h && !h.disabled) headers.push(String(h.key), String(h.value)); });
    } else if (typeof header === "string") {
      header.split("\n").forEach(function (line) {
        var at = line.indexOf(":");
        if (at > 0) headers.push(line.slice(0, at).trim(), line.slice(at + 1).trim());
      });
    } else if (header && typeof header === "object") {
      Object.keys(header).forEach(function (k) { headers.push(k, String(header[k])); });
    }
    function hasHeader(name) {
      for (var i = 0; i < headers.length; i += 2) if (headers[i].toLowerCase() === name) return true;
      return false;
    }
    var body = null;
    var b = req.body;
    if (typeof b === "string") body = b;
    else if (b && typeof b === "object") {
      var mode = b.mode || "raw";
      if (mode === "raw") body = typeof b.raw === "string" ? b.raw : b.raw === undefined ? null : JSON.stringify(b.raw);
      else if (mode === "urlencoded") {
        var fields = Array.isArray(b.urlencoded) ? b.urlencoded : Object.keys(b.urlencoded || {}).map(function (k) { return { key: k, value: b.urlencoded[k] }; });
        body = fields.filter(function (f) { return f && !f.disabled; }).map(function (f) { return urlencode(f.key) + "=" + urlencode(f.value === undefined ? "" : f.value); }).join("&");
        if (!hasHeader("content-type")) headers.push("Content-Type", "application/x-www-form-urlencoded");
      } else if (mode === "formdata") {
        var boundary = "--------------------------runner" + Date.now().toString(16);
        var parts = (b.formdata || []).filter(function (f) { return f && !f.disabled; }).map(function (f) {
          return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + String(f.key) + "\"\r\n\r\n" + String(f.value === undefined ? "" : f.value) + "\r\n";
        });
        body = parts.join("") + "--" + boundary + "--\r\n";
        if (!hasHeader("content-type")) headers.push("Content-Type", "multipart/form-data; boundary=" + boundary);
      } else if (mode === "graphql") {
        var g = b.graphql || {};
        var variables = g.variables;
        if (typeof variables === "string") { try { variables = JSON.parse(variables); } catch (e) { /* kept as text */ } }
        body = JSON.stringify({ query: g.query, variables: variables });
        if (!hasHeader("content-type")) headers.push("Content-Type", "application/json");
      }
    }
    return { method: String(req.method || "GET").toUpperCase(), url: String(url === undefined ? "" : url), headers: headers, body: body };
  }

  function setNextRequest(name) { R.next = { name: name === null || name === undefined ? null : String(name) }; }

  var environment = new VariableScope(ENVIRONMENT, false);
  var globals = new VariableScope(GLOBALS, false);

  var pm = {
    test: test,
    expect: function (value, message) { return assertions().expect(value, message); },
    environment: environment,
    collectionVariables: new VariableScope(COLLECTION, false),
    globals: globals,
    iterationData: new VariableScope(DATA, true),
    variables: new VariableScope(EFFECTIVE, false),
    sendRequest: sendRequest,
    visualizer: { set: function () {}, clear: function () {} },
    execution: {
      setNextRequest: setNextRequest,
      skipRequest: function () { R.skip = true; },
    },
    require: function (name) { throw new Error("pm.require('" + name + "') is not available in runner's sandbox"); },
  };
  Object.defineProperty(pm.expect, "fail", {
    get: function () { var e = assertions().expect; return e.fail; },
  });
  Object.defineProperty(pm, "info", { get: function () { return R.info; }, enumerable: true });
  Object.defineProperty(pm, "response", {
    enumerable: true,
    get: function () {
      if (!R.hasResponse) return undefined;
      if (!R.response) R.response = new Response(0);
      return R.response;
    },
  });
  Object.defineProperty(pm, "request", {
    enumerable: true,
    get: function () {
      if (!R.request) R.request = new Request(host.request());
      return R.request;
    },
  });
  Object.defineProperty(pm, "cookies", {
    enumerable: true,
    get: function () {
      if (!R.cookies) R.cookies = cookieList();
      return R.cookies;
    },
  });
  hidden(G, "pm", pm);

  // ---- the legacy sandbox ----
  var postman = {
    setEnvironmentVariable: function (k, v) { environment.set(k, v); },
    getEnvironmentVariable: function (k) { return environment.get(k); },
    clearEnvironmentVariable: function (k) { environment.unset(k); },
    clearEnvironmentVariables: function () { environment.clear(); },
    setGlobalVariable: function (k, v) { globals.set(k, v); },
    getGlobalVariable: function (k) { return globals.get(k); },
    clearGlobalVariable: function (k) { globals.unset(k); },
    clearGlobalVariables: function () { globals.clear(); },
    getResponseHeader: function (name) { return R.hasResponse ? pm.response.headers.get(name) : undefined; },
    getResponseCookie: function (name) {
      if (!R.hasResponse) return undefined;
      var c = pm.response.cookies.one(name);
      return c === undefined ? undefined : { name: c.name, value: c.value };
    },
    setNextRequest: setNextRequest,
  };
  hidden(G, "postman", postman);

  // A global computed when first read; a script may assign over it.
  function lazy(name, build) {
    Object.defineProperty(G, name, {
      configurable: true,
      enumerable: false,
      get: function () {
        var value = build();
        hidden(G, name, value);
        return value;
      },
      set: function (value) { hidden(G, name, value); },
    });
  }
  var RESPONSE_GLOBALS = ["responseBody", "responseCode", "responseHeaders", "responseTime", "responseCookies"];

  function legacyRequest() {
    var r = host.request();
    var headers = {};
    for (var i = 0; i + 1 < r.headers.length; i += 2) headers[r.headers[i]] = r.headers[i + 1];
    return { url: r.url, method: r.method, headers: headers, data: r.body === null ? {} : r.body, name: r.name };
  }

  // ---- the engine's hooks ----
  function begin(info, hasResponse) {
    R = {
      info: info, hasResponse: hasResponse, tests: [], error: undefined, next: undefined,
      skip: false, response: undefined, request: undefined, cookies: undefined,
      sends: {}, timers: [],
    };
    // A script may have assigned over these: each script starts with its own.
    hidden(G, "pm", pm);
    hidden(G, "postman", postman);
    hidden(G, "console", consoleObject);
    hidden(G, "tests", {});
    hidden(G, "iteration", info.iteration);
    lazy("environment", function () { return host.all(ENVIRONMENT); });
    lazy("globals", function () { return host.all(GLOBALS); });
    lazy("data", function () { return host.all(DATA); });
    lazy("request", legacyRequest);
    if (hasResponse) {
      lazy("responseBody", function () { return pm.response.text(); });
      lazy("responseCode", function () { return { code: pm.response.code, name: pm.response.status, detail: pm.response.status }; });
      lazy("responseHeaders", function () { return pm.response.headers.toObject(); });
      lazy("responseTime", function () { return pm.response.responseTime; });
      lazy("responseCookies", function () {
        return pm.response.cookies.all().map(function (c) { return { name: c.name, value: c.value }; });
      });
    } else {
      RESPONSE_GLOBALS.forEach(function (name) { delete G[name]; });
    }
  }

  // Calls the script; true when it threw.
  function call(fn) {
    var run = R;
    try {
      var result = fn.call(G);
      if (result && typeof result.then === "function") {
        result.then(undefined, function (e) { if (run.error === undefined) run.error = e; });
      }
      return false;
    } catch (e) {
      run.error = e;
      return true;
    }
  }

  function deliver(id, err) {
    var s = R.sends[id];
    delete R.sends[id];
    if (!s) return;
    var error = null, res = null;
    if (err === null || err === undefined) res = new Response(id);
    else error = new Error(/^pm\.sendRequest: /.test(err) ? err : "pm.sendRequest: " + err);
    if (s.callback) {
      try { s.callback.call(G, error, res); } catch (e) { if (R.error === undefined) R.error = e; }
    } else if (error) s.reject(error);
    else s.resolve(res);
  }

  // Runs the timers that are due; the milliseconds until the next one, or -1 for none.
  function tick() {
    var timers = R.timers;
    if (!timers.length) return -1;
    var next = 0;
    for (var i = 1; i < timers.length; i++) if (timers[i].due < timers[next].due) next = i;
    var t = timers[next];
    var now = Date.now();
    if (t.due > now) return t.due - now;
    if (t.every) t.due = now + t.every; else timers.splice(next, 1);
    try { t.fn.apply(G, t.args); } catch (e) { if (R.error === undefined) R.error = e; }
    return 0;
  }

  function end() {
    var run = R;
    var tests = run.tests.map(function (t) {
      if (t.pending) {
        return {
          name: t.name, passed: false, skipped: false,
          error: t.done ? "the test did not finish: its callback was not called" : "the test did not finish: its promise never settled",
        };
      }
      return { name: t.name, passed: t.passed, skipped: t.skipped, error: t.error, stack: t.stack || null };
    });
    var legacy = G.tests;
    if (legacy && typeof legacy === "object") {
      Object.keys(legacy).forEach(function (name) {
        var ok = !!legacy[name];
        // Postman's wording for a falsy legacy test.
        var message = ok ? null : "AssertionError: expected " + String(legacy[name]) + " to be truthy";
        tests.push({ name: name, passed: ok, skipped: false, error: message });
      });
    }
    var error = null;
    if (run.error !== undefined) {
      var e = run.error;
      error = { message: errorText(e), stack: e && typeof e === "object" && typeof e.stack === "string" ? e.stack : null };
    }
    var request = run.request ? run.request._changes() : null;
    R = null;
    return JSON.stringify({ tests: tests, error: error, next: run.next || null, skip: run.skip, request: request });
  }

  G.__runner_hooks = { begin: begin, call: call, deliver: deliver, tick: tick, end: end };
})();
