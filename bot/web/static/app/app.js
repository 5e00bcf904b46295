// The Mini App's client. It reads Telegram's launch parameters from the URL fragment itself (so
// it works where Telegram's script is not loaded), trades the signed launch data (or a one-time
// /web link) for a session, then shows server-rendered pages. Nothing here is trusted by the
// server: it checks everything. Telegram's back button follows the app's own history.
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  var token = sessionStorage.getItem("spotter-session") || "";
  var depth = 0; // pages pushed on top of the first one
  var current = ""; // the page shown, to draw again when the theme changes

  // --- Telegram: the WebView bridge ----------------------------------------------------------
  // Telegram's own protocol (core.telegram.org/api/web-events), spoken directly: methods go out
  // through postEvent, events come in through Telegram.WebView.receiveEvent (or postMessage in
  // Telegram Web's iframe). No telegram-web-app.js: it would come from telegram.org, which the
  // CSP keeps out, and it ships without a licence to vendor it under.
  var root = document.documentElement;
  var native = !!(window.TelegramWebviewProxy || (window.external && "notify" in window.external) ||
    window.parent !== window);
  root.classList.toggle("native", native); // Telegram's own buttons replace the page's primary

  function supports(wanted) { // tgWebAppVersion "7.10" ≥ "6.2", compared part by part
    var have = (params.get("tgWebAppVersion") || "6.0").split(".").map(Number);
    var need = wanted.split(".").map(Number);
    for (var i = 0; i < need.length; i++) {
      if ((have[i] || 0) !== need[i]) { return (have[i] || 0) > need[i]; }
    }
    return true;
  }

  function postEvent(type, data) {
    if (!native) { return; }
    var payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, payload);
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
      } else {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
      }
    } catch (e) { /* a bridge that went away: nothing to tell */ }
  }

  function haptic(kind) { // "success" | "error" | "selection"
    if (!supports("6.1")) { return; }
    postEvent("web_app_trigger_haptic_feedback", kind === "selection"
      ? { type: "selection_change" } : { type: "notification", notification_type: kind });
  }

  // Theme: Telegram's colours become CSS variables. A grey meant for captions is darkened (or
  // lightened) towards the text colour until it reads at 4.5:1 on the page and on cards, since
  // it carries numbers too (#8e8e93 on white is 3.3:1, Telegram's dark hint 4.1:1).
  var THEME = { bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint",
    button_color: "--tg-button", button_text_color: "--tg-button-text",
    secondary_bg_color: "--tg-secondary-bg", link_color: "--tg-link",
    destructive_text_color: "--tg-destructive" };
  var READABLE = { hint_color: true, destructive_text_color: true, link_color: true };
  var theme = {};

  function rgb(hex) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(hex || "")) { return null; }
    if (hex.length === 4) { hex = "#" + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3]; }
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function luminance(c) {
    var l = c.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function hex(c) {
    return "#" + c.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
  }
  function readable(colour, grounds, towards) {
    for (var t = 0; t <= 1.0001; t += 0.05) {
      var mixed = colour.map(function (v, i) { return v + (towards[i] - v) * t; });
      if (grounds.every(function (g) { return contrast(mixed, g) >= 4.6; })) { return hex(mixed); }
    }
    return hex(towards);
  }

  function applyTheme(next) {
    theme = next && typeof next === "object" ? next : {};
    var dark = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches;
    var bg = rgb(theme.bg_color) || (dark ? [23, 33, 43] : [255, 255, 255]);
    var text = rgb(theme.text_color) || (dark ? [245, 245, 245] : [27, 27, 27]);
    var card = rgb(theme.secondary_bg_color) || bg;
    var any = false;
    Object.keys(THEME).forEach(function (key) {
      var colour = rgb(theme[key]);
      if (!colour) { root.style.removeProperty(THEME[key]); return; }
      any = true;
      root.style.setProperty(THEME[key],
        READABLE[key] ? readable(colour, [bg, card], text) : hex(colour));
    });
    root.classList.toggle("themed", any);
    if (rgb(theme.bg_color)) { // form controls follow the theme too
      root.style.colorScheme = luminance(bg) < 0.2 ? "dark" : "light";
      if (supports("6.1")) {
        postEvent("web_app_set_header_color", { color_key: "bg_color" });
        postEvent("web_app_set_background_color", { color: hex(bg) });
      }
      if (supports("7.10")) { postEvent("web_app_set_bottom_bar_color", { color: hex(card) }); }
    } else {
      root.style.removeProperty("color-scheme");
    }
  }
  try { applyTheme(JSON.parse(params.get("tgWebAppThemeParams") || "{}")); }
  catch (e) { applyTheme({}); }

  // Viewport and safe areas as CSS variables (the names telegram-web-app.js uses).
  function px(name, value) {
    if (typeof value === "number" && isFinite(value)) { root.style.setProperty(name, value + "px"); }
  }
  function insets(prefix, data) {
    ["top", "bottom", "left", "right"].forEach(function (side) {
      px("--tg-" + prefix + "-inset-" + side, Number((data || {})[side]) || 0);
    });
  }

  function receive(type, data) {
    data = data || {};
    if (type === "back_button_pressed") { history.back(); }
    else if (type === "main_button_pressed") { pressMain(); }
    else if (type === "theme_changed") { applyTheme(data.theme_params); redraw(); }
    else if (type === "viewport_changed") {
      px("--tg-viewport-height", data.height);
      if (data.is_state_stable) { px("--tg-viewport-stable-height", data.height); }
    } else if (type === "safe_area_changed") { insets("safe-area", data); }
    else if (type === "content_safe_area_changed") { insets("content-safe-area", data); }
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = window.Telegram.WebView || {};
  window.Telegram.WebView.receiveEvent = receive;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || window.parent === window) { return; }
    try {
      var data = JSON.parse(event.data);
      receive(data.eventType, data.eventData);
    } catch (e) { /* not ours */ }
  });
  function backButton() {
    postEvent("web_app_setup_back_button", { is_visible: depth > 0 });
  }

  // MainButton: each page marks its primary action with data-main; "changed" waits until the
  // lifter has changed its form. In Telegram the native button stands in for the page's (hidden
  // by CSS), shows its progress while the action runs, and closing asks first while a form holds
  // unsaved changes. In a desktop browser (/web) the page's own buttons do all this.
  var mainState = "", closing = false, busy = false;

  function snapshot(form) { return JSON.stringify(formBody(form)); }
  function dirty(form) { return !!form && form.dataset.saved !== undefined && snapshot(form) !== form.dataset.saved; }
  function unsaved() {
    return Array.prototype.some.call(document.querySelectorAll("#page form[data-saved]"), dirty);
  }
  function primary() {
    var marked = Array.prototype.slice.call(document.querySelectorAll("#page:not([hidden]) [data-main]"));
    return marked.filter(function (b) { return dirty(b.form); })[0] ||
      marked.filter(function (b) { return b.dataset.main !== "changed"; })[0] || null;
  }
  function syncNative() {
    var target = primary();
    var state = JSON.stringify({
      is_visible: !!target, is_active: !!target && !busy, is_progress_visible: busy && !!target,
      text: target ? (target.dataset.mainText || target.textContent).trim().slice(0, 64) : ""
    });
    if (state !== mainState) { mainState = state; postEvent("web_app_setup_main_button", JSON.parse(state)); }
    var need = unsaved();
    if (need !== closing && supports("6.2")) {
      closing = need;
      postEvent("web_app_setup_closing_behavior", { need_confirmation: need });
    }
  }
  function pressMain() {
    var target = primary();
    if (!target || busy) { return; }
    if (target.form && target.type === "submit") { target.form.requestSubmit(target); }
    else { target.click(); }
  }
  // A phone's keyboard shrinks the webview; the fixed tab bar would sit on it, over the field.
  document.addEventListener("focusin", function (event) {
    if (native && event.target.matches("input:not([type=checkbox]):not([type=radio]), textarea")) {
      root.classList.add("typing");
    }
  });
  document.addEventListener("focusout", function () { root.classList.remove("typing"); });
  window.addEventListener("beforeunload", function (event) {
    if (!native && unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });

  // --- the session --------------------------------------------------------------------------
  function outside(reason) {
    document.getElementById("page").hidden = true;
    document.getElementById("tabs").hidden = true;
    document.getElementById("outside").hidden = false;
    if (typeof reason === "string" && reason) { // the server's why ("send /start first")
      var why = document.getElementById("outside-reason");
      why.textContent = reason.charAt(0).toUpperCase() + reason.slice(1) + ".";
      why.hidden = false;
    }
  }

  function startSession() {
    var login = params.get("login");
    var initData = params.get("tgWebAppData");
    if (!login && !initData && token) { return Promise.resolve(token); }
    if (login) { history.replaceState(null, "", location.pathname + location.search); }
    var body = login ? { login: login } : { init_data: initData || "" };
    // The browser's zone: the chat's setup offers it first (Telegram does not tell the bot).
    try { body.tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old */ }
    return fetch("/app/api/session", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    })
      .then(function (r) {
        if (r.ok) { return r.json(); }
        return r.json().then(
          function (answer) { return Promise.reject(answer.error || r.status); },
          function () { return Promise.reject(r.status); }
        );
      })
      .then(function (session) {
        token = session.token;
        sessionStorage.setItem("spotter-session", token);
        return token;
      });
  }

  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
    return fetch(path, options).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem("spotter-session"); outside(); }
      return r;
    });
  }
  window.spotterApi = api; // chart.js fetches its data through the same session

  // --- pages --------------------------------------------------------------------------------
  function notice(text) {
    var el = document.getElementById("notice");
    el.textContent = text || "";
    el.hidden = !text;
  }

  function show(target, push, keepScroll) {
    var split = target.split("?");
    var name = split[0] || "today";
    return api("/app/page/" + encodeURIComponent(name) + (split[1] ? "?" + split[1] : ""))
      .then(function (r) { return r.status === 401 ? Promise.reject(401) : r.text(); })
      .then(function (html) {
        var page = document.getElementById("page");
        page.innerHTML = html;
        page.hidden = false;
        document.getElementById("tabs").hidden = false;
        if (push) { depth += 1; history.pushState({ target: target, depth: depth }, ""); }
        else { history.replaceState({ target: target, depth: depth }, ""); }
        backButton();
        document.querySelectorAll("#tabs a").forEach(function (a) {
          a.classList.toggle("on", a.dataset.go === name ||
            (a.dataset.go === "history" && name === "workout"));
        });
        current = target;
        decorate(page);
        syncNative();
        if (!keepScroll) { window.scrollTo(0, 0); }
      });
  }

  function redraw() { // a chart paints with the theme's colours: draw it again in the new ones
    var page = document.getElementById("page");
    if (current && !page.hidden && page.querySelector("[data-chart]") && !unsaved()) {
      show(current, false);
    }
  }

  function decorate(page) {
    // Sizes travel as data attributes: the CSP allows no inline styles.
    page.querySelectorAll("[data-w]").forEach(function (el) {
      el.style.setProperty("--w", Number(el.dataset.w) + "%");
    });
    page.querySelectorAll("[data-at]").forEach(function (el) {
      el.style.setProperty("--at", Number(el.dataset.at) + "%");
    });
    page.querySelectorAll("[data-h]").forEach(function (el) {
      el.style.setProperty("--h", Number(el.dataset.h) + "%");
    });
    page.querySelectorAll("[data-lo]").forEach(function (el) {
      el.style.setProperty("--lo", Number(el.dataset.lo) + "%");
      el.style.setProperty("--hi", Number(el.dataset.hi) + "%");
    });
    // What each form held as shown: a change from it is unsaved (the zone guessed below is one).
    page.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-main]")) { form.dataset.saved = snapshot(form); }
    });
    var zone = page.querySelector("[data-browser-zone]");
    var guess = "";
    try { guess = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old */ }
    if (zone && guess && guess !== zone.value) {
      zone.value = guess;
      document.getElementById("zone-hint").hidden = false;
    }
    var zones = page.querySelector("datalist#zones");
    if (zones && guess) { // this device's zone heads the list
      var mine = document.createElement("option");
      mine.value = guess;
      mine.label = "this device";
      zones.insertBefore(mine, zones.firstChild);
    }
    if (page.querySelector("[data-chart]")) { loadCharts(page); }
  }

  function loadCharts(page) {
    if (window.spotterChart) { window.spotterChart(page); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/app/static/vendor/uPlot.min.css";
    document.head.appendChild(css);
    var lib = document.createElement("script");
    lib.src = "/app/static/vendor/uPlot.iife.min.js";
    lib.onload = function () {
      var ours = document.createElement("script");
      ours.src = "/app/static/chart.js";
      ours.onload = function () { window.spotterChart(page); };
      document.head.appendChild(ours);
    };
    document.head.appendChild(lib);
  }

  function formBody(form) {
    var body = {};
    form.querySelectorAll("[name]").forEach(function (el) {
      if (el.type === "checkbox" && el.hasAttribute("data-list")) {
        body[el.name] = body[el.name] || [];
        if (el.checked) { body[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { body[el.name] = el.value; }
      } else {
        body[el.name] = el.value;
      }
    });
    return body;
  }

  function act(name, body, source) {
    var error = source && source.querySelector ? source.querySelector(".error") : null;
    var buttons = source && source.querySelectorAll ? source.querySelectorAll("button") : [];
    function settle() {
      buttons.forEach(function (b) { b.disabled = false; });
      if (source && source.tagName === "BUTTON") { source.disabled = false; }
      busy = false;
      syncNative();
    }
    function fail(text, field) {
      settle();
      haptic("error");
      var input = field && source && source.querySelector ? source.querySelector("[name='" + field + "']") : null;
      if (input) { besideField(input, text); }
      else if (error) { error.textContent = text; error.hidden = false; error.scrollIntoView({ block: "nearest" }); }
      else { notice(text); }
    }
    buttons.forEach(function (b) { b.disabled = true; });
    if (source && source.tagName === "BUTTON") { source.disabled = true; }
    busy = true; // the MainButton shows its progress until the answer is in
    syncNative();
    return api("/app/api/" + name, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (answer) {
        if (!answer.ok) { fail(answer.body.error || "That did not work; try again.", answer.body.field); return; }
        haptic("success");
        settle();
        var next = answer.body;
        if (next.gone) {
          sessionStorage.removeItem("spotter-session");
          document.getElementById("tabs").hidden = true;
          document.getElementById("page").textContent = next.notice;
          return;
        }
        if (next.open) { openLink(next.open); }
        var search = new URLSearchParams(next.params || {}).toString();
        return show(next.page + (search ? "?" + search : ""), false).then(function () {
          notice(next.notice);
        });
      }, function () { fail("Spotter did not answer; check the connection and try again."); });
  }

  // A form's error about one field sits right under that field, in view, and goes as soon as
  // the field is changed (or the form sent again).
  function besideField(input, text) {
    var holder = input.closest(".field, fieldset") || input;
    var note = holder.nextElementSibling;
    if (!note || !note.classList.contains("field-error")) {
      note = document.createElement("p");
      note.className = "error field-error";
      note.setAttribute("role", "alert");
      note.id = "error-" + input.name;
      holder.parentNode.insertBefore(note, holder.nextSibling);
    }
    note.textContent = text;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    note.scrollIntoView({ block: "center" });
  }
  function clearFieldErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (n) { n.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("aria-invalid")) { return; }
    input.removeAttribute("aria-invalid");
    var note = document.getElementById("error-" + input.name);
    if (note) { note.remove(); }
  });

  // The readiness check-in on the Today card. A tap is selected at once (a selection tick of
  // haptics), "Something hurts" first asks where; then the whole answer goes to the server (the
  // chat's service), and the page is drawn again in place, scrolled where it was, with today's
  // session as fitted. A failure is one sentence on the card; the taps stay as chosen.
  var checkinSent = 0;
  function checkinTap(button) {
    var card = button.closest("[data-checkin]");
    var answer = { on: card.dataset.on, time: card.dataset.time, feel: card.dataset.feel,
      area: card.dataset.area };
    answer[button.dataset.pick] = button.value;
    if (button.dataset.pick === "area") { answer.feel = "hurts"; }
    if (answer.feel !== "hurts") { answer.area = ""; }
    haptic("selection");
    ["time", "feel", "area"].forEach(function (pick) {
      card.dataset[pick] = answer[pick];
      card.querySelectorAll("[data-pick='" + pick + "']").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.value === answer[pick]));
      });
    });
    var areas = card.querySelector(".areas");
    var error = card.querySelector(".error");
    var said = card.querySelector(".said");
    areas.hidden = answer.feel !== "hurts";
    error.hidden = true;
    said.classList.remove("hint");
    if (answer.feel === "hurts" && !answer.area) { said.textContent = "Tap where it hurts."; return; }
    said.textContent = "Fitting today's session…";
    var sent = ++checkinSent;
    function fail(text) {
      if (sent !== checkinSent) { return; }
      haptic("error");
      said.textContent = "";
      error.textContent = text;
      error.hidden = false;
    }
    api("/app/api/checkin", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(answer)
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (reply) {
        if (sent !== checkinSent) { return; } // a later tap's answer draws the card
        if (!reply.ok) { fail(reply.body.error || "That did not work; tap again."); return; }
        var next = reply.body;
        var search = new URLSearchParams(next.params || {}).toString();
        return show(next.page + (search ? "?" + search : ""), false, true).then(function () {
          haptic("success");
          notice(next.notice);
        });
      })
      .catch(function () { fail("Spotter did not answer; check the connection and tap again."); });
  }

  function openLink(url) {
    if (window.TelegramWebviewProxy || window.parent !== window) {
      postEvent("web_app_open_link", { url: url });
    } else {
      window.open(url, "_blank", "noopener");
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-go]");
    if (link) {
      event.preventDefault();
      notice("");
      var tab = link.parentElement && link.parentElement.id === "tabs";
      if (tab || link.hasAttribute("data-replace")) { haptic("selection"); }
      show(link.dataset.go, !tab && !link.hasAttribute("data-replace"));
      return;
    }
    var pick = event.target.closest("[data-checkin] button[data-pick]");
    if (pick) {
      event.preventDefault();
      notice("");
      checkinTap(pick);
      return;
    }
    var button = event.target.closest("button[data-action]");
    if (button) {
      event.preventDefault();
      act(button.dataset.action, { plan: button.dataset.plan || "" }, button);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-action]");
    if (!form) { return; }
    event.preventDefault();
    notice("");
    clearFieldErrors(form);
    form.querySelectorAll(".error:not(.field-error)").forEach(function (e) { e.hidden = true; });
    act(form.dataset.action, formBody(form), form);
  });
  // Any edit may make a form unsaved (or saved again): the MainButton and closing follow it.
  document.addEventListener("input", syncNative);
  document.addEventListener("change", syncNative);
  document.addEventListener("change", function (event) {
    var filter = event.target.closest("select[data-filter]");
    if (!filter) { return; }
    var target = filter.dataset.filter;
    show(filter.value ? target + "?" + filter.name + "=" + encodeURIComponent(filter.value)
      : target, false);
  });
  window.addEventListener("popstate", function (event) {
    if (!event.state || !event.state.target) { return; }
    depth = event.state.depth || 0;
    notice("");
    show(event.state.target, false);
  });

  var first = query.get("page") || "today";
  query.delete("page");
  var rest = query.toString();
  startSession()
    .then(function () {
      postEvent("web_app_ready");
      postEvent("web_app_expand");
      postEvent("web_app_request_theme");
      postEvent("web_app_request_viewport");
      if (supports("8.0")) {
        postEvent("web_app_request_safe_area");
        postEvent("web_app_request_content_safe_area");
      }
      return show(first + (rest ? "?" + rest : ""), false);
    })
    .catch(outside);
})();
