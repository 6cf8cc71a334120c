/* The quarterly report page: nothing typed is lost, Enter never submits, confirmations.
 *
 * What the officer types is kept in the browser (localStorage) at every keystroke, under
 * a key of the user, commune and quarter, with the version of the report it was typed
 * on. It is put back after a reload, a lost connection, an expired session (the save
 * leads through the login page back here) or a refused save, and dropped once the
 * server has it (the page comes back with a newer version after our save).
 */
(function () {
  "use strict";

  function confirmations() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var button = event.submitter;
      var text = (button && button.dataset.confirm) || form.dataset.confirm;
      if (text && !window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "version" &&
        el.name !== "action" && el.type !== "submit" && el.type !== "button";
    });
  }

  function collect(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
        else if (!(el.name in values)) { values[el.name] = null; }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    var changed = 0;
    fields(form).forEach(function (el) {
      if (!(el.name in values) || values[el.name] === null && el.type !== "radio") { return; }
      if (el.type === "radio") {
        var on = values[el.name] === el.value;
        if (el.checked !== on) { el.checked = on; if (on) { changed += 1; } }
      } else if (el.value !== values[el.name]) {
        el.value = values[el.name];
        changed += 1;
        var details = el.closest("details");
        if (details && el.value) { details.open = true; }
      }
    });
    return changed;
  }

  function report(form) {
    var key = form.dataset.draftKey;
    var version = parseInt(form.dataset.version, 10);
    var banner = document.getElementById("draft-restored");
    var state = document.getElementById("save-state");
    var offline = document.getElementById("offline-warning");
    var dirty = false;
    var submitting = false;

    function read() {
      try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }
    function write(draft) {
      try { window.localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full: the form still holds it */ }
    }
    function setDirty(on) {
      dirty = on;
      if (state) {
        state.textContent = on ? state.dataset.dirty : state.dataset.clean;
        state.classList.toggle("is-dirty", on);
      }
    }
    function keep() {
      write({ version: version, pending: false, values: collect(form), at: Date.now() });
      setDirty(true);
    }
    function showBanner(kind) {
      if (!banner) { return; }
      var message = banner.querySelector(".draft-message");
      message.textContent = message.dataset[kind];
      document.getElementById("draft-restore").classList.toggle("d-none", kind !== "offer");
      banner.classList.remove("d-none");
    }

    var draft = read();
    if (draft && draft.values) {
      if (form.dataset.stale) {
        showBanner("offer");
      } else if (draft.pending && version > draft.version) {
        window.localStorage.removeItem(key);  // our save reached the server
        draft = null;
      } else if (draft.version === version) {
        if (apply(form, draft.values) > 0) { showBanner("restored"); }
        keep();
      } else {
        showBanner("offer");
      }
    }
    if (banner) {
      document.getElementById("draft-restore").addEventListener("click", function () {
        var kept = read();
        if (kept) { apply(form, kept.values); keep(); }
        showBanner("restored");
      });
      document.getElementById("draft-discard").addEventListener("click", function () {
        window.localStorage.removeItem(key);
        setDirty(false);
        window.location.reload();
      });
    }

    form.addEventListener("input", keep);
    form.addEventListener("change", keep);

    // Enter in a field moves to the next field; it never sends a half-filled report.
    form.addEventListener("keydown", function (event) {
      var el = event.target;
      if (event.key !== "Enter" || el.tagName !== "INPUT" || el.type === "submit") { return; }
      event.preventDefault();
      // A closed <details> hides its content with content-visibility (Chromium): such a
      // field keeps its offsetParent but cannot take the focus, and would stop Enter there.
      var list = fields(form).filter(function (f) {
        return f.type !== "hidden" && !f.disabled && f.offsetParent !== null &&
          !f.closest("details:not([open])") && (f.type !== "radio" || f.checked);
      });
      var next = list[list.indexOf(el) + 1];
      if (next) { next.focus(); }
    });

    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }  // a double click sends once
      if (!navigator.onLine) {
        event.preventDefault();
        if (offline) { offline.classList.remove("d-none"); offline.scrollIntoView({ block: "center" }); }
        return;
      }
      submitting = true;
      write({ version: version, pending: true, values: collect(form), at: Date.now() });
    });
    window.addEventListener("online", function () { if (offline) { offline.classList.add("d-none"); } });
    window.addEventListener("pageshow", function () { submitting = false; });

    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = form.dataset.leaveWarning;
        return form.dataset.leaveWarning;
      }
    });
  }

  confirmations();
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (form && form.dataset.draftKey && form.querySelector("#save-report")) { report(form); }
  });
})();
