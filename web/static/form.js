// Progressive enhancement for the questionnaire; the form works without it.
// 1. Hide follow-up questions whose enableWhen does not hold (the server drops
//    their answers anyway). 2. Enter in a one-line field moves on instead of
//    sending the whole form. 3. After an error, focus the error summary.
(function () {
  "use strict";
  var form = document.querySelector("form[action='/intake']");
  if (!form) { return; }
  // Follow-ups now appear only when they apply: their no-script hint is moot.
  document.documentElement.classList.add("js");

  function values(name) {
    var out = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value !== "") { out.push(el.value); }
    });
    return out;
  }
  function enabled(field) {
    var conds = JSON.parse(field.dataset.enableWhen);
    return conds.some(function (c) {
      var src = document.querySelector("[data-link-id='" + c.Question + "']");
      if (src && src.hidden) { return false; }
      var v = values(c.Question);
      var want = c.Answer === true ? "yes" : c.Answer === false ? "no" : c.Answer;
      if (c.Op === "exists") { return v.length > 0; }
      if (c.Op === "=") { return v.indexOf(want) >= 0; }
      if (c.Op === "!=") { return v.length > 0 && v.indexOf(want) < 0; }
      return true;
    });
  }
  // Age on today's date from the birth date's day/month/year fields, or -1.
  function age(field) {
    var id = "patient.birth_date";
    var d = +values("_d." + id)[0], m = +values("_m." + id)[0], y = +values("_y." + id)[0];
    if (!d || !m || !y || y < 1900) { return -1; }
    var now = new Date();
    var a = now.getFullYear() - y;
    if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) { a--; }
    return a;
  }
  var followUps = form.querySelectorAll("[data-enable-when]");
  var guardian = form.querySelectorAll("[data-guardian-age]");
  function update() {
    followUps.forEach(function (f) { f.hidden = !enabled(f); });
    guardian.forEach(function (f) {
      var a = age(f);
      f.hidden = a < 0 || a >= +f.dataset.guardianAge;
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();

  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || t.tagName !== "INPUT" || t.type === "submit") { return; }
    e.preventDefault();
    var all = Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.offsetParent !== null;
    });
    var next = all[all.indexOf(t) + 1];
    if (next) { next.focus(); }
  });

  var summary = document.getElementById("error-summary") || document.getElementById("problem");
  if (summary) { summary.focus(); }
})();
