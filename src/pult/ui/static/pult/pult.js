// Pult shell behaviour: live bell, toasts, "/" to search, navigation toggle.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  var lastUnread = null;

  function toast(text) {
    var box = document.querySelector(".toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast-info";
    var span = document.createElement("span");
    span.textContent = text;  // text, never HTML
    item.appendChild(span);
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }

  function setUnread(count) {
    if (lastUnread !== null && count > lastUnread && document.body.dataset.newNotificationText) {
      toast(document.body.dataset.newNotificationText);
    }
    lastUnread = count;
    document.querySelectorAll("[data-unread-count]").forEach(function (el) {
      el.textContent = count > 99 ? "99+" : String(count);
      el.hidden = count === 0;
    });
    var bell = document.querySelector("[data-bell]");
    if (bell) bell.setAttribute("aria-label", bell.dataset.labelTemplate.replace("%s", count));
  }

  function connectInbox() {
    var body = document.body;
    var workspace = body.dataset.workspace;
    if (!workspace || !window.WebSocket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000;
    function open() {
      var socket = new WebSocket(scheme + location.host + "/ws/inbox/");
      socket.onopen = function () { delay = 1000; body.dataset.live = "on"; };
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (data.type === "inbox" && String(data.workspace) === workspace) setUnread(data.unread);
      };
      socket.onclose = function () {
        body.dataset.live = "off";
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  ready(function () {
    // Toasts close on click and fade after a while; errors stay until closed.
    document.querySelectorAll(".toast").forEach(function (toast) {
      var close = toast.querySelector("button");
      if (close) close.addEventListener("click", function () { toast.remove(); });
      if (!toast.classList.contains("toast-error")) setTimeout(function () { toast.remove(); }, 6000);
    });
    // "/" focuses the global search unless typing already.
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (event.key === "/" && !["input", "textarea", "select"].includes(tag) && !event.target.isContentEditable) {
        var search = document.getElementById("global-search");
        if (search) { event.preventDefault(); search.focus(); }
      }
    });
    // Selects marked data-autosubmit submit their form on change (switchers).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    var toggle = document.querySelector("[data-nav-toggle]");
    if (toggle) toggle.addEventListener("click", function () {
      var shell = document.querySelector(".shell");
      var narrow = window.matchMedia("(max-width: 760px)").matches;
      shell.classList.toggle(narrow ? "nav-open" : "collapsed");
      toggle.setAttribute("aria-expanded", String(shell.classList.contains(narrow ? "nav-open" : "collapsed") === narrow));
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    connectInbox();
  });
})();
