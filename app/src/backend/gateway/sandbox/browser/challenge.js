/*
 * The sandbox's stand-in for a bank's 3-D Secure page: "Complete" or "Fail" is sent to the
 * sandbox API with the payment's client secret, and the answer goes back to the page's script.
 */
(function () {
  "use strict";
  var SOURCE = "porchlight-sandbox";
  var channel = location.hash.slice(1);
  var origin = location.origin;
  var secret = null;
  var buttons = [document.getElementById("complete"), document.getElementById("fail")];
  var status = document.getElementById("status");

  function send(message) {
    message.source = SOURCE;
    message.channel = channel;
    parent.postMessage(message, origin);
  }

  function failed(code, message) {
    return { error: { type: "card_error", code: code, message: message } };
  }

  function answer(result) {
    if (!secret) return;
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    status.textContent = "Checking with your bank…";
    var id = secret.split("_secret_")[0];
    fetch("/gateway/v1/payment_intents/" + encodeURIComponent(id) + "/authenticate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ client_secret: secret, result: result }),
    })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, body: body };
        });
      })
      .then(
        function (r) {
          if (r.ok && r.body.status === "succeeded") {
            send({ type: "result", result: { paymentIntent: { id: r.body.id, status: r.body.status } } });
          } else if (r.ok) {
            send({ type: "result", result: failed("payment_intent_authentication_failure", "We are unable to authenticate your payment method. Please choose a different payment method and try again.") });
          } else {
            send({ type: "result", result: failed(r.body.code || "payment_intent_unexpected_state", r.body.message || "This payment can no longer be confirmed.") });
          }
        },
        function () {
          send({ type: "result", result: { error: { type: "api_connection_error", code: "network", message: "We couldn't reach the payment processor. Check your connection and try again." } } });
        },
      );
  }

  buttons[0].addEventListener("click", function () {
    answer("complete");
  });
  buttons[1].addEventListener("click", function () {
    answer("fail");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") answer("fail");
  });

  window.addEventListener("message", function (e) {
    var m = e.data;
    if (e.origin !== origin || e.source !== parent || !m || m.source !== SOURCE || m.channel !== channel) return;
    if (m.type === "challenge") {
      secret = String(m.clientSecret);
      buttons[0].focus();
    }
  });
  send({ type: "ready" });
})();
