/*
 * The sandbox's card frame: checks each field as it is typed or left (the messages match the
 * sandbox API's, which checks again), and on "confirm" from the page's script sends the card
 * to the sandbox API with the setup's client secret. The page gets the setup's id, never the card.
 */
(function () {
  "use strict";
  var SOURCE = "porchlight-sandbox";
  var channel = location.hash.slice(1);
  var origin = location.origin;
  var UNREACHABLE = "We couldn't reach the payment processor. Check your connection and try again.";
  var FIELDS = ["name", "number", "expiry", "cvc", "zip"];
  var BRANDS = {
    visa: { name: "Visa", lengths: [13, 16, 19], cvc: 3, groups: [4, 4, 4, 4, 3] },
    mastercard: { name: "Mastercard", lengths: [16], cvc: 3, groups: [4, 4, 4, 4] },
    amex: { name: "American Express", lengths: [15], cvc: 4, groups: [4, 6, 5] },
    discover: { name: "Discover", lengths: [16, 17, 18, 19], cvc: 3, groups: [4, 4, 4, 4, 3] },
    diners: { name: "Diners Club", lengths: [14, 15, 16, 17, 18, 19], cvc: 3, groups: [4, 6, 4] },
    jcb: { name: "JCB", lengths: [16, 17, 18, 19], cvc: 3, groups: [4, 4, 4, 4, 3] },
    unionpay: { name: "UnionPay", lengths: [16, 17, 18, 19], cvc: 3, groups: [4, 4, 4, 4, 3] },
  };
  var input = {};
  var touched = {};
  FIELDS.forEach(function (f) {
    input[f] = document.getElementById(f);
  });

  function send(message) {
    message.source = SOURCE;
    message.channel = channel;
    parent.postMessage(message, origin);
  }

  function digits(s) {
    return s.replace(/\D/g, "");
  }

  function brandOf(d) {
    var p = function (n) {
      return d.length >= n ? parseInt(d.slice(0, n), 10) : NaN;
    };
    var within = function (n, lo, hi) {
      var v = p(n);
      return v >= lo && v <= hi;
    };
    if (d.charAt(0) === "4") return "visa";
    if (within(2, 51, 55) || within(4, 2221, 2720)) return "mastercard";
    if (within(2, 34, 34) || within(2, 37, 37)) return "amex";
    if (d.indexOf("6011") === 0 || within(3, 644, 649) || within(2, 65, 65)) return "discover";
    if (within(3, 300, 305) || within(2, 36, 36) || within(2, 38, 39)) return "diners";
    if (within(4, 3528, 3589)) return "jcb";
    if (within(2, 62, 62) || within(2, 81, 81)) return "unionpay";
    return null;
  }

  function luhn(d) {
    var sum = 0;
    for (var i = 0; i < d.length; i++) {
      var n = +d.charAt(d.length - 1 - i);
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) n -= 9;
      }
      sum += n;
    }
    return sum % 10 === 0;
  }

  function group(value) {
    var d = digits(value).slice(0, 19);
    var b = brandOf(d);
    var groups = b ? BRANDS[b].groups : [4, 4, 4, 4, 3];
    var out = [];
    var rest = d;
    for (var i = 0; i < groups.length && rest; i++) {
      out.push(rest.slice(0, groups[i]));
      rest = rest.slice(groups[i]);
    }
    if (rest) out.push(rest);
    return out.join(" ");
  }

  function today() {
    var now = new Date();
    return [now.getFullYear(), now.getMonth() + 1];
  }

  /** The field's problem, or "" (the same sentences as the sandbox API's). */
  function check(field) {
    var v = input[field].value;
    if (field === "name") {
      var t = v.trim();
      return t.length === 0 || t.length > 100 ? "Enter the name on the card (up to 100 characters)." : "";
    }
    if (field === "number") {
      if (/[^\d -]/.test(v)) return "The card number can only contain digits, spaces and dashes.";
      var d = digits(v);
      if (!d) return "Enter the card number.";
      var b = brandOf(d);
      if (!b) return "We accept Visa, Mastercard, American Express, Discover, Diners Club, JCB and UnionPay.";
      if (BRANDS[b].lengths.indexOf(d.length) < 0) return "This " + BRANDS[b].name + " number has the wrong number of digits.";
      return luhn(d) ? "" : "This card number isn't valid. Check it for typos.";
    }
    if (field === "expiry") {
      var c = v.replace(/\s/g, "");
      var parts = c.indexOf("/") >= 0 ? c.split("/") : c.length === 4 ? [c.slice(0, 2), c.slice(2)] : null;
      var format = "Enter the expiry date as MM/YY.";
      if (!parts || parts.length !== 2 || !/^\d{1,2}$/.test(parts[0]) || !/^(\d{2}|\d{4})$/.test(parts[1])) return format;
      var month = +parts[0];
      var year = parts[1].length === 2 ? 2000 + +parts[1] : +parts[1];
      if (month < 1 || month > 12) return format;
      var now = today();
      if (year < now[0] || (year === now[0] && month < now[1])) return "This card has expired.";
      return year > now[0] + 20 ? "Check the expiry date: it is too far in the future." : "";
    }
    if (field === "cvc") {
      var nb = brandOf(digits(input.number.value));
      var len = nb ? BRANDS[nb].cvc : 3;
      return new RegExp("^\\d{" + len + "}$").test(v.trim()) ? "" : "Enter the " + len + "-digit security code.";
    }
    var z = v.trim();
    return /^(\d{5}|\d{9}|\d{5}-\d{4})$/.test(z) ? "" : "Enter a 5-digit ZIP code (or ZIP+4).";
  }

  function show(field, message) {
    input[field].setAttribute("aria-invalid", message ? "true" : "false");
    document.getElementById(field + "-error").textContent = message;
  }

  function refresh(field) {
    if (touched[field]) show(field, check(field));
  }

  function changed() {
    var empty = FIELDS.every(function (f) {
      return !input[f].value.trim();
    });
    var complete = FIELDS.every(function (f) {
      return !check(f);
    });
    send({ type: "change", empty: empty, complete: complete });
  }

  function showBrand() {
    var b = brandOf(digits(input.number.value));
    var img = document.getElementById("brand");
    img.src = "/cards/" + (b || "generic") + ".svg";
    img.alt = b ? BRANDS[b].name : "";
  }

  FIELDS.forEach(function (f) {
    input[f].addEventListener("input", function () {
      if (f === "number") {
        input.number.value = group(input.number.value);
        showBrand();
      }
      refresh(f);
      if (f === "number") refresh("cvc");
      changed();
    });
    input[f].addEventListener("blur", function () {
      touched[f] = true;
      refresh(f);
    });
  });

  // Escape closes the page's dialog and Enter sends its form, as in any field of the page.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      send({ type: "escape" });
    } else if (e.key === "Enter") {
      e.preventDefault();
      send({ type: "submit" });
    }
  });
  document.getElementById("card").addEventListener("submit", function (e) {
    e.preventDefault();
  });

  function reply(id, result) {
    send({ type: "result", id: id, result: result });
  }

  function confirm(m) {
    var first = null;
    FIELDS.forEach(function (f) {
      touched[f] = true;
      var problem = check(f);
      show(f, problem);
      if (problem && !first) first = f;
    });
    if (first) {
      input[first].focus();
      reply(m.id, { error: { type: "validation_error", code: "incomplete_" + first, message: check(first) } });
      return;
    }
    var secret = String(m.clientSecret);
    var id = secret.split("_secret_")[0];
    var body = {
      client_secret: secret,
      name: input.name.value,
      number: input.number.value,
      expiry: input.expiry.value,
      cvc: input.cvc.value,
      zip: input.zip.value,
    };
    fetch("/gateway/v1/setup_intents/" + encodeURIComponent(id) + "/confirm", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify(body),
    })
      .then(function (r) {
        return r.json().then(function (answer) {
          return { ok: r.ok, answer: answer };
        });
      })
      .then(
        function (r) {
          if (r.ok) {
            reply(m.id, { setupIntent: { id: r.answer.id, status: "succeeded" } });
          } else {
            var type = r.answer.code === "setup_intent_unexpected_state" || r.answer.code === "invalid_request" ? "invalid_request_error" : r.answer.code === "rate_limited" ? "rate_limit_error" : "card_error";
            reply(m.id, { error: { type: type, code: r.answer.code, message: r.answer.message } });
          }
        },
        function () {
          reply(m.id, { error: { type: "api_connection_error", code: "network", message: UNREACHABLE } });
        },
      );
  }

  window.addEventListener("message", function (e) {
    var m = e.data;
    if (e.origin !== origin || e.source !== parent || !m || m.source !== SOURCE || m.channel !== channel) return;
    if (m.type === "confirm") confirm(m);
    else if (m.type === "focus") input.name.focus();
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      send({ type: "height", height: document.documentElement.scrollHeight });
    }).observe(document.body);
  }
  send({ type: "height", height: document.documentElement.scrollHeight });
  send({ type: "ready" });
})();
