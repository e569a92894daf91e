// Live chat of a work item: the socket, catch-up after a reconnect, read receipts.
// Without JavaScript (or while the socket is down) the form posts as a plain form.
// Files cannot travel over the socket: with files chosen, the form is posted over HTTP
// (fetch + FormData) and the returned message is shown; the broadcast reaches the others.
// Incoming HTML is rendered and escaped by the server (chat/_message.html); text that
// comes from people is only ever set with textContent here.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.filter.call(template.content.children, function (el) {
      return el.matches("li[data-message-id]");
    });
  }

  function Chat(root) {
    this.root = root;
    this.list = root.querySelector("[data-chat-list]");
    this.form = root.querySelector("[data-chat-form]");
    this.body = root.querySelector("[data-chat-body]");
    this.internal = root.querySelector("[data-chat-internal]");
    this.files = root.querySelector("[data-chat-files]");
    this.uploading = false;
    this.errors = root.querySelector("[data-chat-errors]");
    this.status = root.querySelector("[data-chat-status]");
    this.live = root.querySelector("[data-chat-live]");
    this.empty = root.querySelector("[data-chat-empty]");
    this.userId = root.dataset.userId;
    this.lastRead = root.dataset.lastReadId || "";
    this.delay = 1000;
    this.socket = null;
    this.pending = {};
    this.refs = 0;
    this.readers = {};  // user id -> {name, id}: where each other person has read up to
    var self = this;
    root.querySelectorAll("[data-chat-readers] li").forEach(function (li) {
      self.readers[li.dataset.userId] = {
        name: li.textContent, id: li.dataset.messageId, staff: li.hasAttribute("data-staff"),
      };
    });
  }

  Chat.prototype.items = function () {
    return this.list.querySelectorAll("li[data-message-id]");
  };

  Chat.prototype.lastId = function () {
    var items = this.items();
    return items.length ? items[items.length - 1].dataset.messageId : "";
  };

  Chat.prototype.nearBottom = function () {
    var rect = this.list.getBoundingClientRect();
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80 || rect.height === 0;
  };

  Chat.prototype.add = function (elements, atStart) {
    var self = this;
    var stick = this.nearBottom();
    var first = this.list.firstElementChild;
    elements.forEach(function (el) {
      if (self.list.querySelector('[data-message-id="' + el.dataset.messageId + '"]')) return;
      if (atStart) self.list.insertBefore(el, first);
      else self.list.appendChild(el);
    });
    if (this.empty) this.empty.hidden = this.items().length > 0;
    this.renderSeen();
    if (stick && !atStart) this.list.scrollTop = this.list.scrollHeight;
    this.markRead();
  };

  Chat.prototype.renderSeen = function () {
    var order = {};
    var items = this.items();
    items.forEach(function (li, index) { order[li.dataset.messageId] = index; });
    var readers = this.readers;
    items.forEach(function (li, index) {
      var mark = li.querySelector("[data-chat-seen]");
      if (!mark) return;
      var names = [];
      var internal = li.classList.contains("chat-internal");
      Object.keys(readers).forEach(function (userId) {
        var reader = readers[userId];
        var at = order[reader.id];
        // An internal note is never "seen" by someone who may not read it.
        if (internal && !reader.staff) return;
        if (at !== undefined && at >= index && userId !== li.dataset.authorId) names.push(reader.name);
      });
      mark.textContent = names.length ? this.root.dataset.seenLabel + " " + names.join(", ") : "";
    }, this);
  };

  // Tell the server how far this person has read: the newest message, once the chat is
  // on screen and the tab is in front.
  Chat.prototype.markRead = function () {
    var id = this.lastId();
    if (!id || id === this.lastRead || !this.onScreen || document.visibilityState !== "visible") return;
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ type: "read", id: Number(id) }));
    this.lastRead = id;
  };

  Chat.prototype.catchUp = function () {
    var self = this;
    var after = this.lastId();
    var url = this.root.dataset.messagesUrl + (after ? "?after=" + encodeURIComponent(after) : "");
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) self.add(fragment(html), false); })
      .catch(function () { /* the next reconnect tries again */ });
  };

  Chat.prototype.older = function (link) {
    var self = this;
    var first = this.items()[0];
    if (!first) return;
    var url = this.root.dataset.messagesUrl + "?before=" + encodeURIComponent(first.dataset.messageId);
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var elements = fragment(html);
        if (!elements.length) { link.parentElement.hidden = true; return; }
        var height = self.list.scrollHeight;
        self.add(elements, true);
        self.list.scrollTop += self.list.scrollHeight - height;
      });
  };

  Chat.prototype.setStatus = function (text) {
    if (this.status) this.status.textContent = text || "";
  };

  Chat.prototype.showError = function (text) {
    if (!this.errors) return;
    this.errors.textContent = "";
    if (!text) return;
    var p = document.createElement("p");
    p.className = "errorlist";
    p.textContent = text;
    this.errors.appendChild(p);
  };

  Chat.prototype.resetForm = function () {
    if (this.body) this.body.value = "";
    if (this.internal) this.internal.checked = false;
    if (this.files) this.files.value = "";
    this.setStatus("");
    this.showError("");
  };

  // The error list the server rendered (chat/_post_errors.html), as plain text.
  function errorText(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.map.call(template.content.querySelectorAll("li"), function (li) {
      return li.textContent;
    }).join(" ");
  }

  Chat.prototype.hasFiles = function () {
    return !!(this.files && this.files.files && this.files.files.length);
  };

  // Post the form with its files over HTTP; the answer is the new message's partial
  // (201) or the errors (200, as for htmx).
  Chat.prototype.upload = function () {
    var self = this;
    if (this.uploading) return;
    this.uploading = true;
    var button = this.form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    this.showError("");
    this.setStatus(this.root.dataset.sendingText);
    fetch(this.form.action, {
      method: "POST",
      body: new FormData(this.form),
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    })
      .then(function (response) {
        return response.text().then(function (html) { return { status: response.status, html: html }; });
      })
      .then(function (answer) {
        if (answer.status === 201) {
          self.resetForm();
          self.add(fragment(answer.html), false);
        } else {
          self.setStatus("");
          self.showError((answer.status === 200 && errorText(answer.html)) || self.root.dataset.errorText);
        }
      })
      .catch(function () {
        self.setStatus("");
        self.showError(self.root.dataset.errorText);
      })
      .then(function () {
        self.uploading = false;
        if (button) button.disabled = false;
      });
  };

  Chat.prototype.onMessage = function (data) {
    if (data.type === "message") {
      this.add(fragment(data.html), false);
    } else if (data.type === "posted") {
      delete this.pending[data.ref];
      this.resetForm();
    } else if (data.type === "error") {
      delete this.pending[data.ref];
      this.setStatus("");
      this.showError(data.message || this.root.dataset.errorText);
    } else if (data.type === "read") {
      this.readers[String(data.user)] = { name: data.name, id: String(data.id), staff: !!data.staff };
      this.renderSeen();
    }
  };

  Chat.prototype.connect = function () {
    var self = this;
    if (!window.WebSocket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + this.root.dataset.socketPath);
    this.socket = socket;
    socket.onopen = function () {
      self.delay = 1000;
      if (self.live) self.live.hidden = false;
      self.setStatus("");
      self.catchUp().then(function () { self.markRead(); });
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      self.onMessage(data);
    };
    socket.onclose = function (event) {
      if (self.live) self.live.hidden = true;
      self.socket = null;
      // 4404: this person may not see the item (any more); retrying will not help.
      if (event.code === 4404) return;
      if (Object.keys(self.pending).length) self.setStatus(self.root.dataset.offlineText);
      var wait = self.delay + Math.floor(Math.random() * 500);
      self.delay = Math.min(self.delay * 2, 30000);
      setTimeout(function () { self.connect(); }, wait);
    };
  };

  Chat.prototype.bind = function () {
    var self = this;
    if (this.form) {
      this.form.addEventListener("submit", function (event) {
        if (self.hasFiles()) {
          // Files go over HTTP; without fetch the plain (multipart) form post does it.
          if (!window.fetch || !window.FormData) return;
          event.preventDefault();
          self.upload();
          return;
        }
        var body = self.body.value;
        if (!body.trim()) {
          event.preventDefault();
          self.showError(self.root.dataset.emptyText);
          self.body.focus();
          return;
        }
        // Over the socket when it is up; otherwise the plain form post does the job.
        if (!self.socket || self.socket.readyState !== WebSocket.OPEN) return;
        event.preventDefault();
        var ref = String(++self.refs);
        self.pending[ref] = true;
        self.setStatus(self.root.dataset.sendingText);
        self.socket.send(JSON.stringify({
          type: "post", ref: ref, body: body, internal: !!(self.internal && self.internal.checked),
        }));
      });
      if (this.body) this.body.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          self.form.requestSubmit();
        }
      });
    }
    var older = this.root.querySelector("[data-chat-older]");
    if (older) older.addEventListener("click", function (event) {
      event.preventDefault();
      self.older(older);
    });
    this.onScreen = !window.IntersectionObserver;
    if (window.IntersectionObserver) {
      new IntersectionObserver(function (entries) {
        self.onScreen = entries.some(function (e) { return e.isIntersecting; });
        self.markRead();
      }).observe(this.list);
    }
    document.addEventListener("visibilitychange", function () { self.markRead(); });
    this.list.scrollTop = this.list.scrollHeight;
  };

  function start() {
    document.querySelectorAll("[data-chat]").forEach(function (root) {
      if (root.dataset.chatReady) return;  // loaded twice (e.g. an htmx swap): one socket
      root.dataset.chatReady = "1";
      var chat = new Chat(root);
      chat.bind();
      chat.connect();
    });
  }

  ready(start);
  document.addEventListener("htmx:load", start);
})();
