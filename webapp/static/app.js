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

    // The letter page's citation form: every item's Cite line in the form chosen (kept for next time).
    var citeForm = document.getElementById("cite-form");
    if (citeForm) {
      var applyForm = function () {
        Array.prototype.forEach.call(document.querySelectorAll(".cite-text"), function (cite) {
          var text = cite.getAttribute("data-cite-" + citeForm.value);
          if (text !== null) { cite.textContent = text; }
        });
        try { localStorage.setItem("imr-cite-form", citeForm.value); } catch (e) { /* not kept */ }
      };
      try {
        var kept = localStorage.getItem("imr-cite-form");
        if (kept && citeForm.querySelector("option[value='" + kept.replace(/[^a-z]/g, "") + "']")) { citeForm.value = kept; }
      } catch (e) { /* the first form */ }
      citeForm.closest(".cite-choice").hidden = false;
      citeForm.addEventListener("change", applyForm);
      applyForm();
    }

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
      // 'Skip to filters' opens them on a phone and puts focus on their heading.
      var skip = document.querySelector("a.skip[href='#filters']");
      if (skip) {
        skip.addEventListener("click", function (event) {
          event.preventDefault();
          filters.open = true;
          summary.focus();
        });
      }
    }

    // How the last search or change was made: a keyboard user sees the focus ring on the results
    // heading, a mouse user does not (Chrome shows it after a scripted focus otherwise).
    var byKeys = false;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift" && event.key !== "Control" && event.key !== "Alt" && event.key !== "Meta") { byKeys = true; }
    }, true);
    document.addEventListener("pointerdown", function () { byKeys = false; }, true);
    var remember = function () {
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ kb: byKeys, t: Date.now() }));
      } catch (e) { /* storage off: no ring, the page still lands on the results */ }
    };

    // After a search or any change of filter, sort or page, the page lands on the results: the
    // count and the chips in view (phones: the filters folded), focus on the results heading, from
    // which Tab reaches the downloads and the first result.
    var came = null;
    try {
      came = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { came = null; }
    if (came && Date.now() - came.t > 10000) { came = null; }
    if (heading && location.search) {
      if (came && came.kb) { heading.classList.add("kb-focus"); }
      heading.focus({ preventScroll: true });
      var top = heading.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight / 2) {
        var block = heading.closest(".summary") || heading;
        block.scrollIntoView({ block: "start" });
      }
    }
    if (filters) {
      var show = filters.querySelector(".show-results");
      if (show && heading) {
        show.addEventListener("click", function (event) {
          event.preventDefault();
          filters.open = false;
          heading.focus({ preventScroll: true });
          (heading.closest(".summary") || heading).scrollIntoView({ block: "start" });
        });
      }
    }
    // Links that change the search (pages, chips, offered filters, the histogram) land the same way.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='/?'], a[href='/']");
      if (link && !link.closest("header")) { remember(); }
    });

    form.addEventListener("submit", function () { remember(); leaveOutDefaults(form); });

    var submit = function () {
      if (form.requestSubmit) { form.requestSubmit(); } else { remember(); leaveOutDefaults(form); form.submit(); }
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
      if (t.type === "checkbox" && t.name.indexOf("f.") === 0) { submit(t); }
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
