// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var FOCUS_KEY = "imr-focus";

  // Back (and Forward) must show the state the server rendered for this URL: the browser
  // restores ticked boxes and chosen options from its page cache or form memory otherwise,
  // and the next change would submit that stale state.
  window.addEventListener("pageshow", function () {
    var form = document.getElementById("search");
    if (!form) { return; }
    form.reset();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.hasAttribute("data-left-out")) {
        el.disabled = false;
        el.removeAttribute("data-left-out");
      }
    });
  });

  // A submitted URL carries only what differs from the defaults (no 'scope=&decided_from=&per_page=20'):
  // empty fields and selects at their default are left out of the submission.
  function leaveOutDefaults(form) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      var fallback = el.getAttribute("data-default");
      if (el.value === "" || (fallback !== null && el.value === fallback)) {
        el.disabled = true;
        el.setAttribute("data-left-out", "");
      }
    });
  }

  function copyText(source, button) {
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var was = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = was; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
    }
  }

  function selectText(source) {
    if (source.select) { source.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search");
    var box = document.getElementById("q");

    // '/' focuses the search box unless the user is typing somewhere.
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.key === "/" && box && !/^(INPUT|TEXTAREA|SELECT)$/.test(tag) && !event.target.isContentEditable) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });

    // Copy buttons (the citation of an item, a feed's address): shown only where they work.
    Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { copyText(source, button); });
    });

    if (!form) { return; }
    var heading = document.getElementById("results-title");

    // Filters: always shown on wide screens; folded on phones (they come before the results).
    var filters = document.getElementById("filters");
    var narrow = window.matchMedia("(max-width: 760px)");
    if (filters) {
      var summary = filters.querySelector("summary");
      var fit = function () {
        filters.open = !narrow.matches;
        summary.tabIndex = narrow.matches ? 0 : -1;
      };
      fit();
      if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
      summary.addEventListener("click", function (event) {
        if (!narrow.matches) { event.preventDefault(); }
      });
    }

    // After a search or a change of filter, focus goes where the keyboard user was: the value
    // just toggled, else the results heading (not the top of the page, 77 Tabs away).
    var remembered = null;
    try {
      remembered = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { remembered = null; }
    var target = null;
    if (remembered && Date.now() - remembered.t < 10000) {
      var fields = document.querySelectorAll("input, select");
      target = Array.prototype.find.call(fields, function (el) {
        return remembered.name && el.name === remembered.name && el.value === remembered.value && el.type === "checkbox";
      }) || (remembered.id && document.getElementById(remembered.id)) || null;
      if (target && filters && filters.contains(target)) { filters.open = true; }
    }
    if (!target && heading && location.search) { target = heading; }
    if (target) { target.focus(); }

    form.addEventListener("submit", function () { leaveOutDefaults(form); });

    var submit = function (element) {
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify({
          id: element.id, name: element.name, value: element.value, t: Date.now()
        }));
      } catch (e) { /* storage off: focus goes to the results heading */ }
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    };

    // A facet checkbox applies at once (Space toggles it, as a click does). A select applies at
    // once when chosen with the pointer; from the keyboard, arrows only move through the options
    // and Enter (or the Apply button) applies.
    var byKeyboard = {};
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      if (t.tagName === "SELECT" && t.form === form) {
        if (event.key === "Enter") { event.preventDefault(); submit(t); } else { byKeyboard[t.id] = true; }
      }
    });
    document.addEventListener("pointerdown", function (event) {
      if (event.target.tagName === "SELECT") { byKeyboard[event.target.id] = false; }
    });
    document.addEventListener("change", function (event) {
      var t = event.target;
      if (t.form !== form) { return; }
      if (t.type === "checkbox" && t.closest("[data-facet]")) { submit(t); }     // a facet's value
      if (t.tagName === "SELECT" && !byKeyboard[t.id]) { submit(t); }
    });

    // A small filter box for long facets.
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.facet"), function (fieldset) {
      var items = fieldset.querySelectorAll("ul.values li");
      var details = fieldset.querySelector("details");
      if (!details || items.length <= 8) { return; }
      var legend = fieldset.querySelector("legend");
      var input = document.createElement("input");
      input.type = "search";
      input.className = "facet-filter";
      input.placeholder = "Filter " + (legend ? legend.textContent.toLowerCase() : "values");
      input.setAttribute("aria-label", input.placeholder);
      // Enter in the filter box must not submit the search form.
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        if (needle) { details.open = true; }
        Array.prototype.forEach.call(items, function (li) {
          var label = li.querySelector(".value");
          var text = label ? label.textContent.toLowerCase() : "";
          li.classList.toggle("hidden-by-filter", needle !== "" && text.indexOf(needle) === -1);
        });
      });
      fieldset.insertBefore(input, legend ? legend.nextSibling : fieldset.firstChild);
    });
  });
})();
