// The scorecard pages.
//
// Review page: every save carries the card's version (optimistic locking); line saves update
// #sc-version and the page's other forms copy it on submit.
//
// Secretary's page (#sc-sheet[data-sc-edit]): every line saves itself while typing (800 ms
// after the last key) and on leaving a field, one request per line at a time, naming the
// line's own version. Each line shows saving / saved / failed (retried with a growing pause).
// What is typed is kept in localStorage until the server has confirmed it, and put back into
// the box when the page is opened again. A save refused because the line was saved elsewhere
// keeps the text in the box and shows the other version beside it, to choose from. Leaving the
// page with unsaved lines asks first. The words shown come from data-msg-* attributes (the
// server translates them); no inline script or style (the Content Security Policy).
(function () {
  "use strict";

  var DEBOUNCE_MS = 800;
  var FIRST_RETRY_MS = 2000;
  var MAX_RETRY_MS = 60000;

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function fieldsOf(form) {
    var values = {};
    form.querySelectorAll("textarea, input[type=number]").forEach(function (input) {
      values[input.name] = input.value;
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function Sheet(root) {
    this.root = root;
    this.msg = root.dataset;
    this.card = root.dataset.card;
    this.lines = [];
    this.queue = Promise.resolve();
    var sheet = this;
    root.classList.add("sc-js");
    root.querySelectorAll("article.sc-line").forEach(function (article) {
      var form = article.querySelector("form.sc-line-form");
      if (form && form.dataset.seenUrl) {
        sheet.lines.push(new Line(sheet, article, form));
      }
    });
    window.addEventListener("beforeunload", function (event) {
      var unsaved = sheet.unsaved();
      if (!unsaved.length) {
        return undefined;
      }
      // Send what is pending now; it reaches the server even if the page is left.
      unsaved.forEach(function (line) { line.save(true); });
      event.preventDefault();
      event.returnValue = sheet.msg.msgLeave;
      return sheet.msg.msgLeave;
    });
    window.addEventListener("pagehide", function () {
      sheet.unsaved().forEach(function (line) { line.save(true); });
    });
  }

  // One request at a time for the whole sheet (as htmx's queue did): the server takes the
  // card's lock for each save anyway, and a phone on a weak network is not flooded.
  Sheet.prototype.send = function (url, options) {
    var run = function () { return fetch(url, options); };
    var result = this.queue.then(run, run);
    this.queue = result.catch(function () { return null; });
    return result;
  };

  Sheet.prototype.unsaved = function () {
    return this.lines.filter(function (line) { return line.isUnsaved(); });
  };

  Sheet.prototype.setText = function (id, text) {
    var node = document.getElementById(id);
    if (node && text !== undefined) {
      node.textContent = text;
    }
  };

  Sheet.prototype.totals = function (data) {
    this.setText("sc-self-total", data.self_total);
    this.setText("sc-self-grade", data.self_grade);
    var version = document.getElementById("sc-version");
    if (version && data.card_version) {
      version.value = data.card_version;
    }
    if (data.part !== undefined) {
      var part = this.root.querySelector('details.sc-part[data-part="' + data.part + '"] [data-part-score]');
      if (part) {
        part.textContent = data.part_score;
      }
    }
    // 大政工 subtotals (party / union / league), outside the sheet.
    var lineScores = data.line_scores || {};
    Object.keys(lineScores).forEach(function (key) {
      var cell = document.querySelector('[data-subtotal="' + key + '"] [data-subtotal-self]');
      if (cell) {
        cell.textContent = lineScores[key];
      }
    });
  };

  Sheet.prototype.seenChanged = function (article) {
    var seen = this.root.querySelectorAll("article.sc-line[data-seen]").length;
    this.setText("sc-seen", String(seen));
    var part = article.closest("details.sc-part");
    if (part) {
      var counter = part.querySelector("[data-part-seen]");
      if (counter) {
        counter.textContent = String(part.querySelectorAll("article.sc-line[data-seen]").length);
      }
    }
  };

  // Resolves once no line has a request in flight (or after a few seconds).
  Sheet.prototype.flush = function () {
    var sheet = this;
    sheet.lines.forEach(function (line) {
      if (line.isUnsaved()) { line.save(false); }
    });
    return new Promise(function (resolve) {
      var waited = 0;
      (function wait() {
        var busy = sheet.lines.some(function (line) { return line.inFlight; });
        if (!busy || waited > 8000) { resolve(); return; }
        waited += 100;
        window.setTimeout(wait, 100);
      })();
    });
  };

  function Line(sheet, article, form) {
    this.sheet = sheet;
    this.article = article;
    this.form = form;
    this.id = article.dataset.line;
    this.key = "sc-draft:" + sheet.card + ":" + this.id;
    this.state = article.querySelector(".sc-state");
    this.conflictBox = article.querySelector(".sc-conflict");
    this.version = form.querySelector("input[name=line_version]");
    this.confirmed = fieldsOf(form);
    this.inFlight = false;
    this.conflict = false;
    this.timer = null;
    this.retryTimer = null;
    this.retryMs = FIRST_RETRY_MS;
    var line = this;

    form.addEventListener("input", function () {
      line.keepDraft();
      line.show("pending", sheet.msg.msgPending);
      window.clearTimeout(line.timer);
      line.timer = window.setTimeout(function () { line.save(false); }, DEBOUNCE_MS);
    });
    form.addEventListener("focusout", function () { line.save(false); });
    // "Accept": the count the records suggest, saved like a count typed in.
    form.querySelectorAll(".sc-accept").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = button.closest("li").querySelector("input[type=number]");
        if (!input) { return; }
        input.value = button.dataset.count;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        line.save(false);
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      line.save(false);
    });
    article.addEventListener("focusin", function () { line.looked(); });
    // A click on the standard's summary, not its "toggle" event: details parsed open fire
    // one on load, which would mark every line looked at.
    var summary = article.querySelector(".sc-standard summary");
    if (summary) {
      summary.addEventListener("click", function () { line.looked(); });
    }
    this.conflictBox.addEventListener("click", function (event) {
      if (event.target.closest(".sc-keep-mine")) { line.keepMine(); }
      if (event.target.closest(".sc-take-theirs")) { line.takeTheirs(); }
    });
    this.restore();
  }

  Line.prototype.show = function (kind, text) {
    this.state.textContent = text || "";
    this.state.className = "sc-state sc-state-" + kind + (kind === "saved" ? " sc-saved" : "");
  };

  Line.prototype.isUnsaved = function () {
    return this.inFlight || this.conflict || !same(fieldsOf(this.form), this.confirmed);
  };

  Line.prototype.keepDraft = function () {
    try {
      var draft = { fields: fieldsOf(this.form), base: Number(this.version.value), at: Date.now() };
      window.localStorage.setItem(this.key, JSON.stringify(draft));
    } catch (e) { /* storage full or disabled: the debounced save still runs */ }
  };

  // Forgets the draft only if it holds what the server confirmed (another tab may have written
  // newer text under the same key).
  Line.prototype.dropDraft = function (fields) {
    try {
      var raw = window.localStorage.getItem(this.key);
      if (raw && same(JSON.parse(raw).fields, fields)) {
        window.localStorage.removeItem(this.key);
      }
    } catch (e) { /* nothing kept */ }
  };

  Line.prototype.restore = function () {
    var draft;
    try {
      draft = JSON.parse(window.localStorage.getItem(this.key) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || !draft.fields) { return; }
    if (same(draft.fields, this.confirmed)) {
      window.localStorage.removeItem(this.key);
      return;
    }
    var form = this.form;
    Object.keys(draft.fields).forEach(function (name) {
      var input = form.elements[name];
      if (input) { input.value = draft.fields[name]; }
    });
    // Saved on the version the text was typed on: if the line changed since, the server
    // refuses it and both versions are shown.
    if (draft.base) { this.version.value = String(draft.base); }
    this.show("pending", this.sheet.msg.msgRestored);
    var part = this.article.closest("details.sc-part");
    if (part) { part.open = true; }
    this.save(false);
  };

  Line.prototype.looked = function () {
    if (this.article.hasAttribute("data-seen")) { return; }
    this.article.setAttribute("data-seen", "");
    this.sheet.seenChanged(this.article);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken(this.form));
    this.sheet.send(this.form.dataset.seenUrl, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {
      /* only the progress bar's figure: the next save records it too */
    });
  };

  Line.prototype.save = function (leaving) {
    window.clearTimeout(this.timer);
    window.clearTimeout(this.retryTimer);
    if (this.conflict) { return; }
    if (this.inFlight) { return; }  // the answer's handler sends what was typed meanwhile
    var fields = fieldsOf(this.form);
    if (same(fields, this.confirmed)) {
      // Typed and typed back, or already sent with the request that just came back.
      if (/sc-state-(pending|saving)/.test(this.state.className)) { this.show("saved", this.sheet.msg.msgSaved); }
      return;
    }
    var line = this;
    this.inFlight = true;
    this.show("saving", this.sheet.msg.msgSaving);
    var options = {
      method: "POST",
      body: new FormData(this.form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(this.form) },
      keepalive: Boolean(leaving),
    };
    // Leaving the page: sent at once, it must not wait behind the queue.
    (leaving ? fetch(this.form.action, options) : this.sheet.send(this.form.action, options))
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("HTTP " + response.status);
        }
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (answer) {
        line.inFlight = false;
        if (answer.status === 200) {
          line.saved(fields, answer.data);
        } else if (answer.status === 409 && answer.data.conflict) {
          line.refused(answer.data);
        } else if (answer.status >= 500) {
          line.failed();
        } else {
          // Refused for what it says (a count out of range, a locked card): shown on the line,
          // tried again after the next change.
          // Messages with a place of their own are shown there: the line's head says only
          // where to look (a long head would move the line under the finger).
          var beside = answer.data.fields || {};
          var said = Object.keys(beside).length ? line.sheet.msg.msgMarked : (answer.data.error || "");
          line.show("error", line.sheet.msg.msgFailed + " " + said);
          line.fieldErrors(beside);
          if (!same(fieldsOf(line.form), fields)) { line.save(false); }
        }
      })
      .catch(function () {
        line.inFlight = false;
        line.failed();
      });
  };

  // Each refused field's message beside it (the reasons of measured rules have a place).
  Line.prototype.fieldErrors = function (messages) {
    this.form.querySelectorAll("p.sc-reason-error[data-field]").forEach(function (p) {
      var text = messages[p.dataset.field] || "";
      p.textContent = text;
      p.hidden = !text;
      var input = p.parentNode.querySelector("[name='" + p.dataset.field + "']");
      if (input) { if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); } }
    });
  };

  Line.prototype.saved = function (fields, data) {
    this.fieldErrors({});
    this.show("saved", this.sheet.msg.msgSaved);
    this.version.value = String(data.version);
    this.confirmed = fields;
    this.retryMs = FIRST_RETRY_MS;
    this.dropDraft(fields);
    var score = this.article.querySelector(".sc-line-score");
    if (score) { score.textContent = data.score; }
    this.sheet.totals(data);
    if (!this.article.hasAttribute("data-seen")) {
      this.article.setAttribute("data-seen", "");
      this.sheet.seenChanged(this.article);
    }
    this.save(false);  // sends what was typed meanwhile, or shows "saved"
  };

  Line.prototype.failed = function () {
    var line = this;
    var wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.show("failed", this.sheet.msg.msgRetry.replace("{s}", String(Math.round(wait / 1000))));
    this.retryTimer = window.setTimeout(function () { line.save(false); }, wait);
  };

  Line.prototype.refused = function (data) {
    this.conflict = true;
    this.conflictBox.innerHTML = data.conflict;
    this.conflictBox.hidden = false;
    this.show("conflict", data.error);
    this.sheet.totals(data);
  };

  Line.prototype.closeConflict = function () {
    var box = this.conflictBox.querySelector(".sc-conflict-box");
    var version = box ? box.dataset.version : null;
    this.conflict = false;
    this.conflictBox.hidden = true;
    this.conflictBox.textContent = "";
    return version;
  };

  Line.prototype.keepMine = function () {
    var version = this.closeConflict();
    if (version) { this.version.value = version; }
    this.save(false);
  };

  Line.prototype.takeTheirs = function () {
    var box = this.conflictBox.querySelector(".sc-conflict-box");
    var form = this.form;
    box.querySelectorAll("[data-field]").forEach(function (input) {
      var field = form.elements[input.dataset.field];
      if (field) { field.value = input.value; }
    });
    var score = this.article.querySelector(".sc-line-score");
    if (score) { score.textContent = box.dataset.score; }
    this.version.value = this.closeConflict();
    this.confirmed = fieldsOf(form);
    try { window.localStorage.removeItem(this.key); } catch (e) { /* nothing kept */ }
    this.show("saved", this.sheet.msg.msgSaved);
  };

  // --- moving about the card: jump to a part, only lines not yet looked at, submit ----------

  function openLine(id) {
    var article = document.getElementById("line-" + id);
    if (!article) { return; }
    var part = article.closest("details.sc-part");
    if (part) { part.open = true; }
    article.classList.remove("sc-filtered");
    article.scrollIntoView({ block: "start" });
    var first = article.querySelector("textarea[name=note]");
    if (first) { first.focus({ preventScroll: true }); }
  }

  function tools(sheet) {
    var jump = document.getElementById("sc-jump");
    if (jump) {
      jump.addEventListener("change", function () {
        var part = document.getElementById(jump.value);
        if (part) {
          part.open = true;
          part.scrollIntoView({ block: "start" });
        }
        jump.value = "";
      });
    }
    var filter = document.getElementById("sc-unseen");
    var root = document.getElementById("sc-sheet");
    if (filter && root) {
      filter.addEventListener("change", function () {
        // Lines seen before the filter was set are hidden; a line opened while it is on stays
        // in view (it would vanish under the secretary's fingers otherwise).
        root.querySelectorAll("article.sc-line").forEach(function (article) {
          article.classList.toggle("sc-filtered", filter.checked && article.hasAttribute("data-seen"));
        });
        root.querySelectorAll("details.sc-part").forEach(function (part) {
          var left = part.querySelectorAll("article.sc-line:not(.sc-filtered)").length;
          part.classList.toggle("sc-filtered", filter.checked && left === 0);
          if (filter.checked && left) { part.open = true; }
        });
      });
    }
    var dialog = document.getElementById("sc-submit-dialog");
    var holder = document.getElementById("sc-submit-check");
    if (!dialog || !holder || typeof dialog.showModal !== "function") { return; }
    document.querySelectorAll("[data-sc-submit]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var ready = sheet ? sheet.flush() : Promise.resolve();
        ready
          .then(function () {
            var url = link.href + (link.href.indexOf("?") === -1 ? "?" : "&") + "fragment=1";
            return fetch(url, { credentials: "same-origin" });
          })
          .then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.text();
          })
          .then(function (html) {
            holder.innerHTML = html;
            var unsaved = sheet ? sheet.unsaved() : [];
            var warning = holder.querySelector(".sc-unsaved-warning");
            if (unsaved.length && warning) {
              warning.hidden = false;
              warning.className = "sc-unsaved-warning msg error";
              warning.textContent = sheet.msg.msgUnsaved + " " + unsaved.map(function (line) {
                return line.article.querySelector(".sc-code").textContent;
              }).join(", ");
            }
            dialog.showModal();
          })
          .catch(function () { window.location.href = link.href; });
      });
    });
    holder.addEventListener("click", function (event) {
      var goto = event.target.closest(".sc-goto");
      var back = event.target.closest(".sc-go-back");
      if (goto || back) {
        event.preventDefault();
        dialog.close();
        if (goto) { openLine(goto.dataset.line); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-sc-versioned]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var current = document.getElementById("sc-version");
        if (current && form.elements.version) {
          form.elements.version.value = current.value;
        }
      });
    });
    var root = document.getElementById("sc-sheet");
    var sheet = root && root.hasAttribute("data-sc-edit") ? new Sheet(root) : null;
    tools(sheet);
    // A link from the check before submitting (#line-12): the line's part may be folded.
    var target = /^#line-(\d+)$/.exec(window.location.hash);
    if (target) { openLine(target[1]); }
  });
})();
