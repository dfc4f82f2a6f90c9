/*
 * People picker: turns the <select> inside div[data-people-picker] (accounts/widgets.py) into a
 * search box that queries accounts:people_search as you type (pinyin initials work: zwt -> 张文涛).
 * The select stays in the form, hidden, and carries the value; without JavaScript it is a plain select.
 */
(function () {
  "use strict";
  if (window.XietongPeoplePicker) {
    return; // loaded twice (base.html and a form's media): the first copy does the work
  }

  var DEBOUNCE_MS = 200;
  var counter = 0;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function init(root) {
    if (root.dataset.pickerReady) return;
    var select = root.querySelector("select");
    if (!select) return;
    root.dataset.pickerReady = "1";
    counter += 1;

    var multiple = select.multiple;
    var searchUrl = root.dataset.searchUrl;
    var listId = (select.id || "people-picker-" + counter) + "-results";
    var options = {};
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) options[option.value] = option;
    });

    var box = make("div", "people-picker-box form-control d-flex flex-wrap align-items-center gap-1");
    var input = make("input", "people-picker-input flex-grow-1");
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = root.dataset.placeholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    if (select.id) {
      input.id = select.id + "-search";
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) label.htmlFor = input.id;
    }
    if (select.disabled) input.disabled = true;
    var list = make("ul", "people-picker-results list-group shadow");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = make("div", "visually-hidden");
    status.setAttribute("aria-live", "polite");

    if (select.classList.contains("is-invalid")) box.classList.add("is-invalid");
    select.classList.add("d-none");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    box.appendChild(input);
    root.appendChild(box);
    root.appendChild(list);
    root.appendChild(status);

    var results = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    function selectedOptions() {
      return Array.prototype.filter.call(select.options, function (o) {
        return o.selected && o.value;
      });
    }

    function changed() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
      renderChips();
    }

    function renderChips() {
      Array.prototype.forEach.call(box.querySelectorAll(".people-picker-chip"), function (chip) {
        chip.remove();
      });
      selectedOptions().forEach(function (option) {
        var chip = make("span", "people-picker-chip badge rounded-pill text-bg-light border d-inline-flex align-items-center gap-1");
        chip.appendChild(make("span", "", option.textContent));
        if (!select.disabled) {
          var remove = make("button", "btn-close people-picker-remove");
          remove.type = "button";
          remove.setAttribute("aria-label", (root.dataset.removeText || "Remove") + " " + option.textContent);
          remove.addEventListener("click", function () {
            option.selected = false;
            if (!multiple) select.value = "";
            changed();
            input.focus();
          });
          chip.appendChild(remove);
        }
        box.insertBefore(chip, input);
      });
      if (!multiple) input.placeholder = selectedOptions().length ? "" : root.dataset.placeholder || "";
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.classList.toggle("active", i === active);
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var person = results[index];
      if (!person) return;
      var option = options[String(person.id)];
      if (!option) {
        // The select holds only the chosen people; the server checks the choice on submit.
        option = new Option(person.name, String(person.id));
        select.add(option);
        options[option.value] = option;
      }
      if (!multiple) {
        Array.prototype.forEach.call(select.options, function (o) {
          o.selected = false;
        });
      }
      option.selected = true;
      input.value = "";
      close();
      changed();
      input.focus();
    }

    function show(people) {
      list.textContent = "";
      var taken = {};
      selectedOptions().forEach(function (o) {
        taken[o.value] = true;
      });
      // Everyone found who is not chosen already (the form checks the field's own rules on submit).
      results = people.filter(function (p) {
        return !(multiple && taken[String(p.id)]);
      });
      if (!results.length) {
        list.appendChild(make("li", "list-group-item small text-body-secondary", root.dataset.emptyText || ""));
      }
      results.forEach(function (person, i) {
        var item = make("li", "list-group-item list-group-item-action people-picker-option");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.appendChild(make("span", "fw-semibold", person.name));
        var detail = [person.department, person.title].filter(Boolean).join(" · ");
        if (detail) item.appendChild(make("span", "d-block small text-body-secondary", detail));
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = results.length
        ? (root.dataset.countText || "{count}").replace("{count}", String(results.length))
        : root.dataset.emptyText || "";
      active = -1;
      if (results.length) highlight(0);
    }

    function search() {
      var q = input.value.trim();
      if (!q) {
        close();
        return;
      }
      var ticket = ++latest;
      var url = searchUrl + (searchUrl.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          if (ticket === latest) show(data.results || []);
        })
        .catch(function () {
          if (ticket !== latest) return;
          list.textContent = "";
          list.appendChild(make("li", "list-group-item small text-danger", root.dataset.errorText || ""));
          list.hidden = false;
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp" && !list.hidden) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden) {
          event.preventDefault(); // choosing a person must not submit the form
          choose(active);
        }
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !input.value) {
        var chosen = selectedOptions();
        if (chosen.length) {
          chosen[chosen.length - 1].selected = false;
          if (!multiple) select.value = "";
          changed();
        }
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
    box.addEventListener("click", function (event) {
      if (event.target === box) input.focus();
    });
    renderChips();
  }

  function initAll(scope) {
    scope = scope || document;
    if (scope.matches && scope.matches("[data-people-picker]")) init(scope);
    if (scope.querySelectorAll) Array.prototype.forEach.call(scope.querySelectorAll("[data-people-picker]"), init);
  }

  window.XietongPeoplePicker = { init: init, initAll: initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
  // Pickers in content that htmx swaps in later.
  document.addEventListener("htmx:load", function (event) {
    initAll(event.detail && event.detail.elt);
  });
})();
