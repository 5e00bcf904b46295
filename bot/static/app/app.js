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

  // --- Telegram: theme and the event bridge (postEvent / receiveEvent) ---------------------
  var theme = {};
  try { theme = JSON.parse(params.get("tgWebAppThemeParams") || "{}"); } catch (e) { theme = {}; }
  var names = { bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint",
    button_color: "--tg-button", secondary_bg_color: "--tg-secondary-bg" };
  var root = document.documentElement;
  Object.keys(names).forEach(function (key) {
    if (/^#[0-9a-fA-F]{3,8}$/.test(theme[key] || "")) {
      root.style.setProperty(names[key], theme[key]);
      root.classList.add("themed");
    }
  });
  if (/^#[0-9a-fA-F]{6}$/.test(theme.bg_color || "")) { // form controls follow the theme too
    var rgb = [1, 3, 5].map(function (i) { return parseInt(theme.bg_color.substr(i, 2), 16); });
    root.style.colorScheme = rgb[0] * 0.3 + rgb[1] * 0.59 + rgb[2] * 0.11 < 128 ? "dark" : "light";
  }

  function postEvent(type, data) {
    var payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, payload);
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
      }
    } catch (e) { /* outside Telegram: nothing to tell */ }
  }
  function receive(type) {
    if (type === "back_button_pressed") { history.back(); }
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = window.Telegram.WebView || {};
  window.Telegram.WebView.receiveEvent = receive;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) { return; }
    try { var data = JSON.parse(event.data); receive(data.eventType); } catch (e) { /* not ours */ }
  });
  function backButton() {
    postEvent("web_app_setup_back_button", { is_visible: depth > 0 });
  }

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

  function show(target, push) {
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
        decorate(page);
        window.scrollTo(0, 0);
      });
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
    var zone = page.querySelector("[data-browser-zone]");
    if (zone && window.Intl) {
      var guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (guess && guess !== zone.value) {
        zone.value = guess;
        document.getElementById("zone-hint").hidden = false;
      }
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
    buttons.forEach(function (b) { b.disabled = true; });
    if (source && source.tagName === "BUTTON") { source.disabled = true; }
    return api("/app/api/" + name, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (answer) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (source && source.tagName === "BUTTON") { source.disabled = false; }
        if (!answer.ok) {
          if (error) { error.textContent = answer.body.error; error.hidden = false; }
          else { notice(answer.body.error); }
          return;
        }
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
      });
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
      show(link.dataset.go, !tab && !link.hasAttribute("data-replace"));
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
    act(form.dataset.action, formBody(form), form);
  });
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
      return show(first + (rest ? "?" + rest : ""), false);
    })
    .catch(outside);
})();
