// The Mini App reads Telegram's launch parameters from the URL fragment itself (so it works
// where Telegram's script is not loaded), trades the signed launch data for a session, then
// loads the server-rendered page. Nothing here is trusted by the server: it checks everything.
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.slice(1));
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

  function outside() {
    document.getElementById("page").hidden = true;
    document.getElementById("outside").hidden = false;
  }

  fetch("/app/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ init_data: params.get("tgWebAppData") || "" })
  })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (session) {
      return fetch("/app/page/today", { headers: { Authorization: "Bearer " + session.token } });
    })
    .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
    .then(function (html) {
      var page = document.getElementById("page");
      page.innerHTML = html;
      // Bar widths travel as data attributes: the CSP allows no inline styles.
      page.querySelectorAll("[data-w]").forEach(function (el) {
        el.style.setProperty("--w", Number(el.dataset.w) + "%");
      });
      page.querySelectorAll("[data-at]").forEach(function (el) {
        el.style.setProperty("--at", Number(el.dataset.at) + "%");
      });
    })
    .catch(outside);
})();
