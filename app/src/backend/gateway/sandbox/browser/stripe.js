/*
 * Porchlight's sandbox processor in the browser: the part of Stripe.js's API that Porchlight
 * calls (Stripe(key), elements, create("payment"), mount, on, focus, destroy, confirmSetup,
 * handleNextAction), with the card fields in an iframe served by the sandbox. The page never
 * sees the card: the frame sends it to the sandbox's API and answers with the setup's id only.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", script ? script.src : location.href);
  var FRAME = new URL("elements/payment", base);
  var CHALLENGE = new URL("challenge", base);
  var SOURCE = "porchlight-sandbox";
  var UNREACHABLE = "We couldn't reach the payment processor. Check your connection and try again.";
  var channels = 0;

  function Stripe(key) {
    if (!(this instanceof Stripe)) return new Stripe(key);
    if (typeof key !== "string" || key.indexOf("pk_") !== 0) {
      throw new Error("Stripe(): expected a publishable key (pk_…)");
    }
    this._key = key;
  }

  Stripe.prototype.elements = function (options) {
    return new Elements(options || {});
  };

  function Elements(options) {
    this._clientSecret = options.clientSecret || null;
    this._element = null;
  }

  Elements.prototype.create = function (type) {
    if (type !== "payment") throw new Error('The sandbox offers create("payment") only.');
    if (this._element) throw new Error("This Elements group already has a payment element.");
    this._element = new PaymentElement();
    return this._element;
  };

  /** One card form in its own frame, talking over postMessage on its own channel. */
  function PaymentElement() {
    this._channel = "c" + ++channels + "-" + Math.random().toString(36).slice(2);
    this._handlers = {};
    this._pending = {};
    this._requests = 0;
    this._frame = null;
    this._ready = false;
    this._listener = this._receive.bind(this);
  }

  PaymentElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };

  PaymentElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).forEach(function (h) {
      h(payload);
    });
  };

  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === "string" ? document.querySelector(target) : target;
    if (!node) throw new Error("mount(): no element to mount into");
    if (this._frame) throw new Error("mount(): already mounted");
    var frame = document.createElement("iframe");
    frame.title = "Secure payment input frame";
    frame.name = this._channel;
    frame.setAttribute("allow", "payment");
    frame.setAttribute("scrolling", "no");
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.height = "22rem";
    frame.style.display = "block";
    frame.src = FRAME.href + "#" + this._channel;
    this._frame = frame;
    window.addEventListener("message", this._listener);
    node.appendChild(frame);
  };

  PaymentElement.prototype._receive = function (event) {
    var m = event.data;
    if (!this._frame || event.origin !== FRAME.origin || event.source !== this._frame.contentWindow) return;
    if (!m || m.source !== SOURCE || m.channel !== this._channel) return;
    if (m.type === "ready") {
      this._ready = true;
      this._emit("ready", { elementType: "payment" });
    } else if (m.type === "height") {
      this._frame.style.height = Math.ceil(m.height) + "px";
    } else if (m.type === "change") {
      this._emit("change", { elementType: "payment", complete: !!m.complete, empty: !!m.empty });
    } else if (m.type === "escape") {
      this._emit("escape", { elementType: "payment" });
    } else if (m.type === "submit") {
      var form = this._frame.closest("form");
      if (form && form.requestSubmit) form.requestSubmit();
    } else if (m.type === "result" && this._pending[m.id]) {
      var resolve = this._pending[m.id];
      delete this._pending[m.id];
      resolve(m.result);
    }
  };

  PaymentElement.prototype._send = function (message) {
    message.source = SOURCE;
    message.channel = this._channel;
    this._frame.contentWindow.postMessage(message, FRAME.origin);
  };

  PaymentElement.prototype._request = function (message) {
    var self = this;
    if (!this._frame || !this._ready) {
      return Promise.resolve({ error: { type: "validation_error", code: "incomplete", message: "The card form is still loading. Please try again in a moment." } });
    }
    return new Promise(function (resolve) {
      var id = ++self._requests;
      self._pending[id] = resolve;
      message.id = id;
      self._send(message);
    });
  };

  PaymentElement.prototype.focus = function () {
    if (!this._frame) return;
    this._frame.focus();
    if (this._ready) this._send({ type: "focus" });
  };

  PaymentElement.prototype.destroy = function () {
    window.removeEventListener("message", this._listener);
    if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
    var pending = this._pending;
    this._pending = {};
    Object.keys(pending).forEach(function (id) {
      pending[id]({ error: { type: "validation_error", code: "destroyed", message: "The card form was closed." } });
    });
    this._frame = null;
    this._ready = false;
  };
  PaymentElement.prototype.unmount = PaymentElement.prototype.destroy;

  /** Confirms the setup with the card typed into the elements' frame. */
  Stripe.prototype.confirmSetup = function (options) {
    var elements = options && options.elements;
    var secret = (options && options.clientSecret) || (elements && elements._clientSecret);
    if (!elements || !elements._element || typeof secret !== "string") {
      return Promise.resolve({ error: { type: "invalid_request_error", code: "missing_parameters", message: "The card form is not ready. Please close it and try again." } });
    }
    return elements._element._request({ type: "confirm", clientSecret: secret });
  };

  /**
   * Runs the bank's check (3-D Secure) for a payment that asks for it: a sandbox "bank" page in
   * a modal frame, with Complete and Fail.
   */
  Stripe.prototype.handleNextAction = function (options) {
    var secret = options && options.clientSecret;
    if (typeof secret !== "string") {
      return Promise.resolve({ error: { type: "invalid_request_error", code: "missing_parameters", message: "Missing the payment's client secret." } });
    }
    return new Promise(function (resolve) {
      var channel = "a" + ++channels + "-" + Math.random().toString(36).slice(2);
      var dialog = document.createElement("dialog");
      dialog.className = "sandbox-challenge";
      dialog.setAttribute("aria-label", "Confirm this payment with your bank");
      var frame = document.createElement("iframe");
      frame.title = "Your bank's payment check";
      frame.style.border = "0";
      frame.style.width = "min(26rem, 90vw)";
      frame.style.height = "20rem";
      frame.style.display = "block";
      frame.src = CHALLENGE.href + "#" + channel;
      dialog.appendChild(frame);
      function finish(result) {
        window.removeEventListener("message", listen);
        if (dialog.open) dialog.close();
        if (dialog.parentNode) dialog.parentNode.removeChild(dialog);
        resolve(result);
      }
      function listen(event) {
        var m = event.data;
        if (event.origin !== CHALLENGE.origin || event.source !== frame.contentWindow) return;
        if (!m || m.source !== SOURCE || m.channel !== channel) return;
        if (m.type === "ready") {
          frame.contentWindow.postMessage({ source: SOURCE, channel: channel, type: "challenge", clientSecret: secret }, CHALLENGE.origin);
        } else if (m.type === "result") {
          finish(m.result);
        }
      }
      dialog.addEventListener("cancel", function (e) {
        e.preventDefault();
      });
      window.addEventListener("message", listen);
      document.body.appendChild(dialog);
      dialog.showModal();
      frame.focus();
    });
  };

  Stripe.UNREACHABLE = UNREACHABLE;
  window.Stripe = Stripe;
})();
