// examprep: the exam countdown, keyboard shortcuts, and answers checked without a page load.
// Every page works without this file.
(function () {
  "use strict";

  function countdown(timer) {
    // The server computed the time left from the stored deadline; counting from it here keeps
    // a wrong clock on this device from shortening or stretching the exam.
    var deadline = Date.now() + 1000 * parseInt(timer.getAttribute("data-remaining"), 10);
    var left = timer.querySelector(".left");
    function tick() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(seconds / 60), s = seconds % 60;
      left.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      timer.classList.toggle("low", seconds <= 300);
      if (seconds === 0) {
        // The server submits the exam at its deadline; its result page says so.
        window.location.assign(timer.getAttribute("data-expired-href"));
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function choose(form, key) {
    var input = form.querySelector('input[data-key="' + key + '"]');
    if (!input) return;
    input.checked = input.type === "radio" ? true : !input.checked;
    input.focus();
    autosave(form);
  }

  // Save as soon as an answer is complete: one option for radios, "choose n" for checkboxes.
  function autosave(form) {
    var want = parseInt(form.getAttribute("data-autosave") || "0", 10);
    if (!want) return;
    var picked = form.querySelectorAll("input[name=choice]:checked").length;
    var stay = form.querySelector('button[value="stay"]');
    if (picked === want && stay) form.requestSubmit(stay);
  }

  function click(selector) {
    var target = document.querySelector(selector);
    if (target) target.click();
    return Boolean(target);
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "select" || (tag === "input" && !/radio|checkbox/.test(event.target.type))) return;
    var key = event.key.toLowerCase();
    var form = document.querySelector("form[data-autosave]");
    if (form && /^[1-6]$/.test(key)) { choose(form, "ABCDEF"[parseInt(key, 10) - 1]); event.preventDefault(); return; }
    // Letters A-E choose; F is "flag" (six-option questions use 6 for F).
    if (form && /^[a-e]$/.test(key)) { choose(form, key.toUpperCase()); event.preventDefault(); return; }
    if (key === "n" || key === "p" || key === "f") {
      if (click('[data-shortcut="' + key + '"]')) event.preventDefault();
      return;
    }
    var reveal = document.querySelector("details[data-reveal]");
    if (reveal && key === " " && !reveal.open) { reveal.open = true; event.preventDefault(); return; }
    if (reveal && reveal.open && /^[1-4]$/.test(key)) { click('.grades [data-shortcut="' + key + '"]'); event.preventDefault(); }
  }

  // A form or link marked data-inplace (a practice or study answer, "next question") fetches
  // the page the server answers with and shows its <main> in place of this one: the same page
  // a normal submission shows, without a navigation. On any failure the browser does a
  // normal submission or load instead.
  function show(response) {
    return response.text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var next = doc.querySelector("main"), here = document.querySelector("main");
      if (!response.ok && response.status !== 400 || !next || !here) throw new Error("no page");
      here.replaceWith(next);
      document.title = doc.title;
      if (response.url !== window.location.href) window.history.pushState(null, "", response.url);
      wire(next);
      window.scrollTo(0, 0);
      var heading = next.querySelector("h1");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
    });
  }

  function inplaceSubmit(event) {
    var form = event.target;
    if (!form.hasAttribute("data-inplace") || form.dataset.sending) return;
    event.preventDefault();
    form.dataset.sending = "1";
    var body = new FormData(form, event.submitter || undefined);
    fetch(form.action, { method: "POST", body: new URLSearchParams(body), credentials: "same-origin" })
      .then(show)
      .catch(function () { delete form.dataset.sending; form.removeAttribute("data-inplace"); form.requestSubmit(event.submitter || undefined); });
  }

  function inplaceLink(event) {
    var link = event.target.closest && event.target.closest("a[data-inplace]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" }).then(show)
      .catch(function () { window.location.assign(link.href); });
  }

  function wire(root) {
    root.querySelectorAll(".timer[data-deadline]").forEach(countdown);
    root.querySelectorAll("form[data-autosave]").forEach(function (form) {
      form.addEventListener("change", function () { autosave(form); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire(document);
    document.addEventListener("keydown", onKey);
    document.addEventListener("submit", inplaceSubmit);
    document.addEventListener("click", inplaceLink);
    // Back and forward after an in-place step: load the page the address names.
    window.addEventListener("popstate", function () { window.location.reload(); });
  });
})();
