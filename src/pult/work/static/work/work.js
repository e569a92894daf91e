// Work pages: live queue positions and the kanban board's drag = a pipeline step.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function toast(text, kind) {
    var box = document.querySelector(".toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast-" + (kind || "info");
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    var span = document.createElement("span");
    span.textContent = text;  // text, never HTML
    item.appendChild(span);
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  // Refetch what the page shows through its own view (visibility stays server-side).
  function refresh() {
    var rows = document.querySelector("[data-live-rows]");
    var url = rows ? rows.dataset.liveRows : location.href;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        if (rows) { rows.innerHTML = html; return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-queue], .item-head").forEach(function (old) {
          var selector = old.hasAttribute("data-live-queue") ? "[data-live-queue]" : ".item-head";
          var replacement = fresh.querySelector(selector);
          if (replacement) old.replaceWith(document.importNode(replacement, true));
        });
      });
  }

  function connectQueue() {
    if (!window.WebSocket) return;
    if (!document.querySelector("[data-live-rows], [data-live-queue], [data-position]")) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 1000, timer = null;
    function open() {
      var socket = new WebSocket(scheme + location.host + "/ws/queue/");
      socket.onopen = function () { delay = 1000; document.body.dataset.queueLive = "on"; };
      socket.onmessage = function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 150);  // a burst of changes costs one refetch
      };
      socket.onclose = function (event) {
        document.body.dataset.queueLive = "off";
        if (event.code === 4401 || event.code === 4404) return;
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
  }

  function kanban() {
    var board = document.querySelector("[data-kanban]");
    if (!board) return;
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-item]");
      if (dragged) event.dataTransfer.setData("text/plain", dragged.dataset.item);
    });
    board.querySelectorAll("[data-drop]").forEach(function (list) {
      list.addEventListener("dragover", function (event) { event.preventDefault(); list.classList.add("drop-here"); });
      list.addEventListener("dragleave", function () { list.classList.remove("drop-here"); });
      list.addEventListener("drop", function (event) {
        event.preventDefault();
        list.classList.remove("drop-here");
        if (!dragged || dragged.parentElement === list) return;
        var card = dragged;
        var body = new URLSearchParams({ to: list.dataset.drop });
        fetch(card.dataset.moveUrl, {
          method: "POST", credentials: "same-origin", body: body,
          headers: { "X-CSRFToken": csrfToken() },
        }).then(function (response) {
          if (response.status === 204) { list.prepend(card); return; }
          return response.text().then(function (text) {
            toast((board.dataset.moveError || "") + ": " + text, "error");
          });
        });
      });
    });
  }

  ready(function () {
    connectQueue();
    kanban();
    // A file attached or removed on an item page (htmx, see documents/views.py) can
    // unblock or block a step ("Complete" needs a result): refresh the item's head.
    if (document.querySelector(".item-head")) document.addEventListener("attachments-changed", refresh);
  });
})();
