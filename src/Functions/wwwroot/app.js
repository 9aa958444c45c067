// UrgeShipment dashboard: plain ES modules, no framework, no build step, no CDN.
// Every text from the server reaches the page through textContent (the h() helper), never innerHTML.

import { t, label, lang, setLang, LANGUAGES } from "./i18n.js";
import { barChart, parseLatenessHistogram } from "./charts.js";

const KEY_STORAGE = "urgeship.apiKey";
const STATES = ["awaiting_seller_reply", "awaiting_seller_execution", "awaiting_buyer_confirmation", "platform_intervention", "completed"];
const MARKETPLACES = ["xiaohongshu", "taobao", "tmall", "pinduoduo", "douyin", "kuaishou", "jd", "wechat_shop"];
const PAGE_SIZES = [25, 50, 100, 200];
const HOUR = 3_600_000;
const COUNT_PAGES = 3; // per state: up to 3 × 200 tickets are counted, beyond that "600+"
const SHOP_PAGES = 5; // the shop's per-day chart reads up to 5 × 200 tickets
const CLOCK_RESYNC_MS = 3 * 60_000; // /api/me is re-read this often (and on Refresh) for the server clock

// ---------------------------------------------------------------- state

/** The signed-in caller: { key, role: "admin" | "seller", shopId? }. Nothing else is kept between views. */
let session = null;
/** Bumped on every navigation, sign-in and sign-out: a response for an older generation is dropped, never rendered. */
let generation = 0;
/** Server clock offset (server − browser, ms) and where it came from. */
const clock = { offsetMs: 0, source: "browser", syncedAt: 0 };

const serverNow = () => Date.now() + clock.offsetMs;

class Stale extends Error {}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

// ---------------------------------------------------------------- DOM helpers

const SVG_NS = "http://www.w3.org/2000/svg";

export function h(tag, attrs, ...children) {
  const svg = tag.startsWith("svg:");
  const el = svg ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

const $ = (selector, root = document) => root.querySelector(selector);

/** Replaces an element's children; arrays (and nested arrays) of children are flattened. */
function fill(el, ...children) {
  el.replaceChildren();
  appendAll(el, children);
}

function announce(text) {
  const live = $("#live");
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

let idCounter = 0;
const uid = (prefix) => `${prefix}-${++idCounter}`;

// ---------------------------------------------------------------- formatting

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** Local (browser time zone) "YYYY-MM-DD HH:mm", unambiguous in both languages; the zone is in the footer. */
function fmtTime(iso, { seconds = false } = {}) {
  if (!iso) return t("none");
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${base}:${pad(d.getSeconds())}` : base;
}

function timeEl(iso, options) {
  return iso ? h("time", { datetime: iso }, fmtTime(iso, options)) : t("none");
}

function fmtMoney(amount, currency = "CNY") {
  if (amount === null || amount === undefined) return t("none");
  return currency === "CNY" ? `¥${amount}` : `${amount} ${currency}`;
}

function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function timeZoneName() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local";
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  return `${zone}, UTC${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** A datetime-local value ("2026-11-23T10:00") read in the browser's time zone → ISO-8601 with that offset. */
export function localInputToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO instant → a datetime-local value in the browser's time zone. */
function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fmtSpan(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const clockText = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}${t("unit.d")} ${clockText}` : clockText;
}

// ---------------------------------------------------------------- countdowns

/** How urgent a deadline is: ok (≥ 4 h), amber (< 4 h), red (< 1 h), overdue (past due). */
export function urgency(remainingMs) {
  if (remainingMs <= 0) return "overdue";
  if (remainingMs < HOUR) return "red";
  if (remainingMs < 4 * HOUR) return "amber";
  return "ok";
}

const LEVEL_ICON = { ok: "○", amber: "▲", red: "◆", overdue: "✕" };
const LEVEL_BADGE = { ok: "due.ok", amber: "due.lt4h", red: "due.lt1h", overdue: "due.overdue" };

function countdown(dueAt) {
  if (!dueAt) return h("span", { class: "countdown due-none" }, t("due.none"));
  const el = h("span", { class: "countdown", dataset: { due: dueAt } },
    h("span", { class: "cd-icon", "aria-hidden": "true" }),
    h("span", { class: "cd-time" }),
    h("span", { class: "cd-badge" }));
  updateCountdown(el, serverNow());
  return el;
}

function updateCountdown(el, now) {
  const due = Date.parse(el.dataset.due);
  const remaining = due - now;
  const level = urgency(remaining);
  if (el.dataset.level !== level) {
    el.classList.remove("due-ok", "due-amber", "due-red", "due-overdue");
    el.classList.add(`due-${level}`);
    el.dataset.level = level;
    el.querySelector(".cd-icon").textContent = LEVEL_ICON[level];
    el.querySelector(".cd-badge").textContent = t(LEVEL_BADGE[level]);
    el.closest("[data-urgency]")?.setAttribute("data-urgency", level);
  }
  el.querySelector(".cd-time").textContent = remaining <= 0
    ? t("due.overdueBy", { t: fmtSpan(remaining) })
    : t("due.left", { t: fmtSpan(remaining) });
}

setInterval(() => {
  const now = serverNow();
  document.querySelectorAll(".countdown[data-due]").forEach((el) => updateCountdown(el, now));
  renderFooterClock();
}, 1000);

// ---------------------------------------------------------------- API

async function request(path, { method = "GET", body, headers = {}, key = session?.key } = {}) {
  const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers }, cache: "no-store", credentials: "omit" };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: t("problem.network") });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 300) };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A signed-in call for the current generation; a 401 ends the session. */
async function api(gen, path, options) {
  try {
    const data = await request(path, options);
    if (gen !== generation) throw new Stale();
    return data;
  } catch (error) {
    if (gen !== generation) throw new Stale();
    if (error instanceof ApiError && error.status === 401 && session) {
      signOut(t("problem.unauthorized"));
      throw new Stale();
    }
    throw error;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Reads a /api/me answer's serverTime into the clock offset (server − browser, at the request's midpoint). */
function learnServerTime(me, started, ended) {
  const server = Date.parse(me?.serverTime);
  if (Number.isFinite(server)) {
    Object.assign(clock, { offsetMs: server - (started + ended) / 2, source: "server", syncedAt: ended });
  } else {
    Object.assign(clock, { offsetMs: 0, source: "browser", syncedAt: ended });
  }
}

/** The admin and operators see every shop; a seller its own. */
function seesAllShops(session) {
  return session?.role === "admin" || session?.role === "operator";
}

/** The session as /api/me describes the key: role, account, shop (sellers) and permissions. */
function sessionFrom(key, me) {
  const role = me?.role === "admin" || me?.role === "operator" ? me.role : "seller";
  return {
    key,
    role,
    accountId: me?.accountId ?? null,
    shopId: role === "seller" ? (me?.shopId ?? null) : null,
    permissions: Array.isArray(me?.permissions) ? me.permissions.map(String) : [],
  };
}

/** Whether the signed-in key holds a permission (as /api/me listed it). */
const can = (permission) => Boolean(session?.permissions?.includes(permission));

/**
 * Re-reads /api/me for the signed-in key: the server's clock (countdowns run on server time for everyone) and the
 * key's role, shop and permissions (an operator may have changed them). A 401 ends the session; a network error
 * keeps the last offset.
 */
async function syncMe() {
  if (!session) return;
  const key = session.key;
  const started = Date.now();
  let me;
  try {
    me = await request("/api/me", { key });
  } catch (error) {
    if (session?.key !== key) return;
    if (error instanceof ApiError && error.status === 401) {
      signOut(t("problem.unauthorized"));
      return;
    }
    if (!clock.syncedAt) Object.assign(clock, { offsetMs: 0, source: "browser", syncedAt: Date.now() });
    renderFooterClock();
    return;
  }
  if (session?.key !== key) return; // signed out or switched keys meanwhile
  learnServerTime(me, started, Date.now());
  const next = sessionFrom(key, me);
  const changed = next.role !== session.role || next.shopId !== session.shopId || next.permissions.join() !== session.permissions.join();
  session = next;
  saveSession();
  if (changed) renderChrome();
  renderFooterClock();
  return changed;
}

setInterval(() => { if (session) syncMe(); }, CLOCK_RESYNC_MS);

// ---------------------------------------------------------------- session

/** Who is this key? GET /api/me: role, shop, permissions and the server's time; an unknown key is 401. */
async function identify(key) {
  const started = Date.now();
  const me = await request("/api/me", { key });
  learnServerTime(me, started, Date.now());
  return sessionFrom(key, me);
}

function restoreSession() {
  try {
    const key = sessionStorage.getItem(KEY_STORAGE);
    const meta = JSON.parse(sessionStorage.getItem(`${KEY_STORAGE}.meta`) ?? "null");
    if (key && meta?.role) {
      return { key, role: meta.role, accountId: meta.accountId ?? null, shopId: meta.shopId ?? null, permissions: Array.isArray(meta.permissions) ? meta.permissions : [] };
    }
  } catch {
    // storage unavailable or corrupt: sign in again
  }
  return null;
}

function saveSession() {
  sessionStorage.setItem(KEY_STORAGE, session.key);
  sessionStorage.setItem(`${KEY_STORAGE}.meta`, JSON.stringify({ role: session.role, accountId: session.accountId, shopId: session.shopId, permissions: session.permissions }));
}

function learnShop(shopId) {
  if (session?.role === "seller" && !session.shopId && shopId) {
    session.shopId = shopId;
    saveSession();
    renderChrome();
  }
}

function signOut(message) {
  session = null;
  generation++;
  Object.assign(clock, { offsetMs: 0, source: "browser", syncedAt: 0 });
  try {
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(`${KEY_STORAGE}.meta`);
  } catch {
    // nothing stored
  }
  $("#main").replaceChildren();
  renderChrome();
  if (location.hash && location.hash !== "#/") {
    history.replaceState(null, "", "#/");
  }
  renderSignIn(message);
}

// ---------------------------------------------------------------- chrome (header, footer)

function renderChrome() {
  document.documentElement.lang = lang();
  document.title = `${t("app.title")} · UrgeShipment`;
  $("#brand-title").textContent = t("app.title");
  $("#brand-subtitle").textContent = t("app.subtitle");
  $("#skip-link").textContent = t("nav.skip");
  $("#lang-label").textContent = t("lang.label");
  $("#lang-select").value = lang();
  $("#mainnav").setAttribute("aria-label", t("nav.main"));

  const route = parseRoute();
  const nav = $("#mainnav");
  nav.replaceChildren();
  if (session) {
    const items = [h("a", { href: "#/", "aria-current": route.name === "board" ? "page" : null }, t("nav.board"))];
    if (session.role === "seller" && session.shopId) {
      items.push(h("a", { href: `#/shops/${encodeURIComponent(session.shopId)}`, "aria-current": route.name === "shop" ? "page" : null }, t("nav.shop")));
    }
    nav.append(...items);
  }

  const box = $("#session");
  box.replaceChildren();
  if (session) {
    const who = session.role === "admin" ? t("role.admin") : session.role === "operator" ? t("role.operatorNamed", { name: session.accountId ?? "" }) : session.shopId ? t("role.sellerOf", { shop: session.shopId }) : t("role.seller");
    box.append(
      h("span", { class: `role-chip role-${session.role}`, "data-testid": "role" }, who),
      h("button", { type: "button", class: "btn btn-quiet", id: "sign-out", onclick: () => signOut() }, t("signout")));
  }
  $("#footer-tz").textContent = t("footer.tz", { tz: timeZoneName() });
  renderFooterClock();
}

function renderFooterClock() {
  const el = $("#footer-clock");
  if (!el) return;
  if (!session) {
    el.textContent = "";
    return;
  }
  const source = clock.source === "server" ? t("clock.server") : t("clock.browser");
  const seconds = Math.round(clock.offsetMs / 1000);
  const offset = clock.source === "server" && Math.abs(seconds) >= 1 ? ` (${t("clock.offset", { offset: `${seconds >= 0 ? "+" : "−"}${fmtSpan(seconds * 1000)}` })})` : "";
  el.textContent = `${source}: ${fmtTime(new Date(serverNow()).toISOString(), { seconds: true })}${offset}`;
  el.dataset.source = clock.source;
}

// ---------------------------------------------------------------- routing

function parseRoute() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = hash.split("?");
  let match;
  if ((match = path.match(/^\/tickets\/([^/]+)$/))) return { name: "ticket", id: decodeURIComponent(match[1]) };
  if ((match = path.match(/^\/shops\/([^/]+)$/))) return { name: "shop", id: decodeURIComponent(match[1]) };
  return { name: "board", params: new URLSearchParams(search) };
}

function routeKey(r) {
  return r.name === "board" ? "board" : `${r.name}:${r.id}`;
}

/** The filter control that triggered a board reload, focused again once the new board is in. */
let pendingFocus = null;

function restoreFilterFocus() {
  const name = pendingFocus;
  pendingFocus = null;
  const target = name === "__apply" ? document.querySelector("form.filters button[type=submit]")
    : name ? document.querySelector(`form.filters [name="${CSS.escape(name)}"]`)
      : document.querySelector("#list-title"); // a count tile or the pager: focus moves to the results
  target?.focus();
}

function navigate(hash) {
  if (location.hash === hash) route().then(() => { if (parseRoute().name === "board") restoreFilterFocus(); });
  else location.hash = hash;
}

async function route() {
  const gen = ++generation;
  document.querySelectorAll("dialog").forEach((dialog) => dialog.close());
  renderChrome();
  if (!session) {
    renderSignIn();
    return;
  }
  const main = $("#main");
  main.setAttribute("aria-busy", "true");
  const current = parseRoute();
  try {
    if (current.name === "ticket") await renderTicketPage(gen, current.id);
    else if (current.name === "shop") await renderShopPage(gen, current.id);
    else await renderBoard(gen, current.params);
  } catch (error) {
    if (error instanceof Stale) return;
    main.replaceChildren(problemBox(error));
  } finally {
    if (gen === generation) main.removeAttribute("aria-busy");
  }
}

function focusMain() {
  const heading = $("#main h1");
  (heading ?? $("#main")).focus({ preventScroll: false });
}

// ---------------------------------------------------------------- problems

function problemBox(error, { title } = {}) {
  const problem = error instanceof ApiError ? error.problem : { detail: String(error?.message ?? error) };
  const status = error instanceof ApiError ? error.status : 0;
  const errors = problem?.errors && typeof problem.errors === "object" ? Object.entries(problem.errors) : [];
  return h("div", { class: "problem", role: "alert", "data-status": status, "data-code": problem?.code ?? null },
    h("p", { class: "problem-title" },
      h("span", { class: "problem-icon", "aria-hidden": "true" }, "!"),
      title ?? problem?.title ?? t("problem.status", { status }),
      status ? h("span", { class: "problem-status" }, ` · ${t("problem.status", { status })}${problem?.code ? ` · ${problem.code}` : ""}`) : null),
    problem?.detail ? h("p", { class: "problem-detail" }, problem.detail)
      : status === 404 && !problem?.code ? h("p", { class: "problem-detail" }, t("problem.noEndpoint"))
        : null,
    errors.length ? h("ul", { class: "problem-errors" }, errors.map(([field, messages]) =>
      h("li", null, h("code", null, field), " ", [].concat(messages).join(" ")))) : null);
}

// ---------------------------------------------------------------- sign-in

function renderSignIn(message) {
  const main = $("#main");
  const keyId = uid("key");
  const errorId = uid("err");
  const status = h("div", { id: errorId, class: "form-status" }, message ? h("p", { class: "notice notice-warn", role: "alert" }, message) : null);
  const input = h("input", { id: keyId, name: "apiKey", type: "password", autocomplete: "off", required: true, spellcheck: "false", "aria-describedby": errorId });
  const button = h("button", { type: "submit", class: "btn btn-primary" }, t("signin.submit"));
  const form = h("form", { class: "signin card", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title", tabindex: "-1" }, t("signin.title")),
    h("p", { class: "muted" }, t("signin.intro")),
    h("div", { class: "field" }, h("label", { for: keyId }, t("signin.key")), input),
    button,
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    button.textContent = t("signin.checking");
    status.replaceChildren();
    try {
      const found = await identify(key);
      session = found;
      saveSession();
      generation++;
      renderFooterClock();
      if (!location.hash || location.hash === "#") history.replaceState(null, "", "#/");
      await route();
      focusMain();
    } catch (error) {
      session = null;
      const text = error instanceof ApiError && error.status === 401 ? t("signin.invalid") : null;
      status.replaceChildren(text ? h("p", { class: "notice notice-error", role: "alert" }, text) : problemBox(error, { title: t("signin.failed") }));
      button.disabled = false;
      button.textContent = t("signin.submit");
      input.focus();
      input.select();
    }
  });
  main.replaceChildren(h("div", { class: "signin-wrap" }, form));
  input.focus();
}

// ---------------------------------------------------------------- board

function boardFilters(params) {
  const limit = Number(params.get("limit"));
  const validLimit = Number.isInteger(limit) && limit >= 1 && limit <= 200;
  return {
    state: STATES.includes(params.get("state")) ? params.get("state") : "",
    marketplace: params.get("marketplace") ?? "",
    shopId: seesAllShops(session) ? (params.get("shopId") ?? "") : "",
    dueBefore: params.get("dueBefore") ?? "",
    limit: validLimit ? limit : 50,
    continuationToken: params.get("ct") ?? "",
    page: Math.max(1, Number(params.get("page")) || 1),
  };
}

function boardHash(filters) {
  const q = query({
    state: filters.state, marketplace: filters.marketplace, shopId: filters.shopId, dueBefore: filters.dueBefore,
    limit: filters.limit === 50 ? "" : filters.limit, ct: filters.continuationToken, page: filters.page > 1 ? filters.page : "",
  });
  return `#/${q}`;
}

async function renderBoard(gen, params) {
  const filters = boardFilters(params);
  const main = $("#main");
  const listRegion = h("section", { class: "board-list card", "aria-labelledby": "list-title" },
    h("div", { class: "section-head" },
      h("h2", { id: "list-title" }, t("board.list")),
      h("span", { class: "muted small", id: "board-updated" })),
    h("p", { class: "muted" }, t("board.loading")));
  const countsRegion = h("section", { class: "counts", "aria-labelledby": "counts-title" },
    h("h2", { id: "counts-title", class: "visually-hidden" }, t("board.counts")),
    h("ul", { class: "count-tiles" }, STATES.map((state) => countTile(state, null, filters))));

  main.replaceChildren(
    h("div", { class: "page-head" },
      h("h1", { tabindex: "-1" }, t("board.title")),
      h("button", { type: "button", class: "btn btn-quiet", id: "refresh", onclick: async () => { await syncMe(); if (session) route(); } }, "⟳ ", t("board.refresh"))),
    countsRegion,
    filterForm(filters),
    listRegion);

  const listQuery = query({
    state: filters.state, marketplace: filters.marketplace, shopId: filters.shopId,
    dueBefore: filters.dueBefore, limit: filters.limit, continuationToken: filters.continuationToken,
  });
  const countsPromise = loadCounts(gen, filters).then((counts) => {
    countsRegion.querySelector(".count-tiles").replaceChildren(...STATES.map((state) => countTile(state, counts[state], filters)));
  }).catch((error) => {
    if (!(error instanceof Stale)) countsRegion.append(problemBox(error));
  });

  const page = await api(gen, `/api/tickets${listQuery}`);
  const items = [...(page?.items ?? [])].sort(byDue);
  if (items.length) learnShop(items[0].shopId);
  listRegion.replaceChildren(
    h("div", { class: "section-head" },
      h("h2", { id: "list-title", tabindex: "-1" }, t("board.list")),
      h("span", { class: "muted small", id: "board-updated" },
        t("board.showing", { n: items.length }), " · ", t("board.updated", { time: fmtTime(new Date(serverNow()).toISOString(), { seconds: true }) }))),
    items.length ? ticketTable(items) : h("p", { class: "empty", "data-testid": "empty" }, t("board.empty")),
    pager(filters, page?.continuationToken ?? null));
  await countsPromise;
}

function byDue(a, b) {
  const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  if (da !== db) return da - db;
  return String(b.openedAt ?? "").localeCompare(String(a.openedAt ?? ""));
}

async function loadCounts(gen, filters) {
  const entries = await Promise.all(STATES.map(async (state) => {
    let count = 0;
    let token = "";
    for (let i = 0; i < COUNT_PAGES; i++) {
      const page = await api(gen, `/api/tickets${query({
        state, marketplace: filters.marketplace, shopId: filters.shopId, dueBefore: filters.dueBefore, limit: 200, continuationToken: token,
      })}`);
      count += page?.items?.length ?? 0;
      token = page?.continuationToken ?? "";
      if (!token) return [state, { count, more: false }];
    }
    return [state, { count, more: true }];
  }));
  return Object.fromEntries(entries);
}

function countTile(state, count, filters) {
  const active = filters.state === state;
  const value = count === null || count === undefined ? "…" : count.more ? t("board.countMore", { n: count.count }) : String(count.count);
  const target = { ...filters, state: active ? "" : state, continuationToken: "", page: 1 };
  return h("li", null,
    h("a", { class: `count-tile state-${state}${active ? " is-active" : ""}`, href: boardHash(target), "aria-current": active ? "true" : null, "data-state": state },
      h("span", { class: "count-value", "data-testid": `count-${state}` }, value),
      h("span", { class: "count-label" }, label("state", state))));
}

function filterForm(filters) {
  const ids = { mp: uid("f-mp"), shop: uid("f-shop"), state: uid("f-state"), due: uid("f-due"), size: uid("f-size") };
  const select = (id, name, options, value) => h("select", { id, name },
    options.map(([optionValue, text]) => h("option", { value: optionValue, selected: optionValue === String(value) }, text)));
  const fields = [
    h("div", { class: "field" }, h("label", { for: ids.state }, t("filter.state")),
      select(ids.state, "state", [["", t("filter.any")], ...STATES.map((s) => [s, label("state", s)])], filters.state)),
    h("div", { class: "field" }, h("label", { for: ids.mp }, t("filter.marketplace")),
      select(ids.mp, "marketplace", [["", t("filter.any")], ...MARKETPLACES.map((m) => [m, label("mp", m)])], filters.marketplace)),
  ];
  if (seesAllShops(session)) {
    fields.push(h("div", { class: "field" }, h("label", { for: ids.shop }, t("filter.shop")),
      h("input", { id: ids.shop, name: "shopId", type: "text", value: filters.shopId, placeholder: t("filter.shopPlaceholder"), autocomplete: "off", spellcheck: "false" })));
  }
  fields.push(
    h("div", { class: "field field-wide" }, h("label", { for: ids.due }, t("filter.dueBefore")),
      h("input", { id: ids.due, name: "dueBefore", type: "datetime-local", value: filters.dueBefore ? isoToLocalInput(filters.dueBefore) : "" })),
    h("div", { class: "field field-narrow" }, h("label", { for: ids.size }, t("board.pageSize")),
      select(ids.size, "limit", [...new Set([...PAGE_SIZES, filters.limit])].sort((a, b) => a - b).map((n) => [String(n), String(n)]), filters.limit)));

  const form = h("form", { class: "filters card", role: "search", "aria-labelledby": "filters-title" },
    h("h2", { id: "filters-title", class: "visually-hidden" }, t("board.filters")),
    h("div", { class: "filter-fields" }, fields),
    h("div", { class: "filter-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("board.apply")),
      h("a", { href: "#/", class: "btn btn-quiet" }, t("board.reset")),
      seesAllShops(session) && filters.shopId
        ? h("a", { href: `#/shops/${encodeURIComponent(filters.shopId)}`, class: "btn btn-quiet" }, t("ticket.shopLink", { shop: filters.shopId }))
        : null),
    h("div", { class: "due-presets", role: "group", "aria-label": t("filter.duePresets") },
      h("span", { class: "muted small" }, t("filter.duePresets")),
      [1, 4, 24].map((hours) => h("button", {
        type: "button", class: "btn btn-chip", "data-hours": hours,
        onclick: () => {
          pendingFocus = null;
          navigate(boardHash({ ...filters, dueBefore: localInputToIso(isoToLocalInput(new Date(serverNow() + hours * HOUR).toISOString())), continuationToken: "", page: 1 }));
        },
      }, t("filter.dueWithin", { n: hours })))));

  const apply = () => {
    const data = new FormData(form);
    navigate(boardHash({
      state: data.get("state") ?? "",
      marketplace: data.get("marketplace") ?? "",
      shopId: String(data.get("shopId") ?? "").trim(),
      dueBefore: localInputToIso(String(data.get("dueBefore") ?? "")) ?? "",
      limit: Number(data.get("limit")) || 50,
      continuationToken: "",
      page: 1,
    }));
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); pendingFocus = "__apply"; apply(); });
  form.addEventListener("change", (event) => {
    if (event.target.tagName !== "SELECT") return;
    pendingFocus = event.target.name;
    apply();
  });
  return form;
}

function ticketTable(items) {
  const admin = seesAllShops(session);
  const columns = [
    ["countdown", t("col.countdown")],
    ["deadline", t("col.deadline")],
    ["state", t("col.state")],
    ["order", t("col.order")],
    ["marketplace", t("col.marketplace")],
    ...(admin ? [["shop", t("col.shop")]] : []),
    ["opened", t("col.opened")],
  ];
  const labelOf = Object.fromEntries(columns);
  const rows = items.map((item) => {
    const href = `#/tickets/${encodeURIComponent(item.ticketId)}`;
    const open = () => navigate(href);
    const cells = {
      countdown: item.pausedAt && item.dueAt ? boardPaused(item.dueAt, item.pausedAt) : countdown(item.dueAt),
      deadline: item.activeDeadlineKind
        ? [h("span", { class: "deadline-kind" }, label("deadline", item.activeDeadlineKind)), h("br"), h("span", { class: "muted small" }, timeEl(item.dueAt))]
        : h("span", { class: "muted" }, t("none")),
      state: [stateBadge(item.state), item.outcome ? h("span", { class: "muted small outcome" }, label("outcome", item.outcome)) : null,
        item.needsReview ? h("span", { class: "flag flag-review" }, "⚠ ", t("review.flag")) : null],
      order: [h("a", { href, tabindex: "-1", class: "order-link" }, item.orderId), h("br"), h("code", { class: "muted small" }, item.ticketId)],
      marketplace: label("mp", item.marketplace),
      shop: item.shopId,
      opened: timeEl(item.openedAt),
    };
    const row = h("tr", {
      tabindex: "0",
      class: `ticket-row${item.needsReview ? " needs-review" : ""}`,
      "data-ticket-id": item.ticketId,
      "data-shop-id": item.shopId,
      "data-urgency": "none",
      "aria-label": `${item.orderId} · ${label("state", item.state)} · ${label("mp", item.marketplace)}${admin ? ` · ${item.shopId}` : ""}`,
      onclick: (event) => { if (!event.target.closest("a")) open(); },
      onkeydown: (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
        else if (event.key === "ArrowDown") { event.preventDefault(); row.nextElementSibling?.focus(); }
        else if (event.key === "ArrowUp") { event.preventDefault(); row.previousElementSibling?.focus(); }
      },
    }, columns.map(([key]) => h("td", { "data-label": labelOf[key], class: `col-${key}` }, cells[key])));
    const cd = row.querySelector(".countdown[data-due]");
    if (cd) row.dataset.urgency = cd.dataset.level;
    else if (item.pausedAt && item.dueAt) row.dataset.urgency = "paused";
    return row;
  });
  return h("div", { class: "table-wrap" },
    h("table", { class: "tickets" },
      h("caption", { class: "visually-hidden" }, t("board.list")),
      h("thead", null, h("tr", null, columns.map(([key, text]) => h("th", { scope: "col", class: `col-${key}` }, text)))),
      h("tbody", null, rows)));
}

function stateBadge(state) {
  return h("span", { class: `state-badge state-${state}`, "data-state": state }, label("state", state));
}

function pager(filters, token) {
  const first = filters.continuationToken
    ? h("a", { class: "btn btn-quiet", href: boardHash({ ...filters, continuationToken: "", page: 1 }), id: "first-page" }, "⇤ ", t("board.firstPage"))
    : null;
  const next = token
    ? h("a", { class: "btn", href: boardHash({ ...filters, continuationToken: token, page: filters.page + 1 }), id: "next-page" }, t("board.nextPage"), " →")
    : null;
  return h("nav", { class: "pager", "aria-label": t("board.pages") },
    first, h("span", { class: "muted small" }, t("board.page", { n: filters.page })), next);
}

// ---------------------------------------------------------------- ticket page

async function renderTicketPage(gen, ticketId) {
  const main = $("#main");
  main.replaceChildren(h("p", { class: "muted" }, t("loading")));
  let view;
  try {
    view = await api(gen, `/api/tickets/${encodeURIComponent(ticketId)}`);
  } catch (error) {
    if (error instanceof Stale) throw error;
    const forbidden = error instanceof ApiError && error.status === 403;
    const missing = error instanceof ApiError && error.status === 404;
    main.replaceChildren(
      backLink(),
      h("h1", { tabindex: "-1" }, t("ticket.title", { id: ticketId })),
      h("div", { class: "notice notice-error", role: "alert", "data-testid": forbidden ? "forbidden" : missing ? "not-found" : "error" },
        forbidden ? t("ticket.forbidden") : missing ? t("ticket.notFound") : null,
        !forbidden && !missing ? problemBox(error) : null));
    return;
  }
  learnShop(view.shopId);
  renderTicket(gen, view);
  loadNotifications(gen, view).catch((error) => { if (!(error instanceof Stale)) throw error; });
}

function backLink() {
  return h("p", { class: "crumbs" }, h("a", { href: "#/" }, "← ", t("ticket.back")));
}

function dl(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([term, value, attrs]) =>
    h("div", attrs ?? null, h("dt", null, term), h("dd", null, value))));
}

function renderTicket(gen, view) {
  const main = $("#main");
  const failed = (view.work ?? []).filter((w) => w.status === "failed");
  const active = view.activeDeadline;
  // The view's pausedAt (null unless the clock is paused); a host that predates it leaves it out: read it off the history.
  const pausedAt = active ? ("pausedAt" in view ? view.pausedAt : pausedSince(view.history ?? [])) : null;

  const header = h("div", { class: "ticket-head card" },
    h("div", { class: "ticket-title" },
      h("h1", { tabindex: "-1" }, t("ticket.title", { id: view.orderId })),
      h("p", { class: "muted small" }, h("code", null, view.ticketId), " · ", label("mp", view.marketplace), " · ",
        h("a", { href: `#/shops/${encodeURIComponent(view.shopId)}` }, t("ticket.shopLink", { shop: view.shopId })))),
    h("div", { class: "ticket-status" },
      stateBadge(view.state),
      view.outcome ? h("span", { class: "outcome-chip", "data-testid": "outcome" }, label("outcome", view.outcome)) : null,
      active ? h("div", { class: "ticket-countdown" }, h("span", { class: "muted small" }, label("deadline", active.kind)),
        pausedAt ? pausedCountdown(active.dueAt, pausedAt) : countdown(active.dueAt)) : null));

  const alerts = [];
  if (view.needsReview) {
    alerts.push(h("div", { class: "alert alert-review", role: "note", "data-testid": "needs-review" },
      h("p", { class: "alert-title" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("review.banner")),
      view.reviewReasons?.length ? h("ul", null, view.reviewReasons.map((r) => h("li", { "data-reason": r }, reasonText(r)))) : null));
  }
  if (failed.length) {
    alerts.push(h("div", { class: "alert alert-failed", role: "note", "data-testid": "failed-work" },
      h("p", { class: "alert-title" }, h("span", { "aria-hidden": "true" }, "✕ "), t("work.failedFlag"), ` (${failed.length})`),
      h("ul", null, failed.map((w) => h("li", null, h("code", null, w.key), " · ", label("workKind", w.kind))))));
  }

  const order = view.order ?? {};
  const facts = h("section", { class: "card", "aria-labelledby": "order-title" },
    h("h2", { id: "order-title" }, t("ticket.order")),
    dl([
      [t("ticket.orderId"), view.orderId],
      [t("col.marketplace"), label("mp", view.marketplace)],
      [t("col.shop"), view.shopId],
      [t("ticket.buyer"), order.buyerId ?? t("none")],
      [t("ticket.paid"), fmtMoney(order.paidAmount, order.currency)],
      [t("ticket.paidAt"), timeEl(order.paidAt)],
      [t("ticket.promised"), timeEl(order.promisedShipBy)],
      [t("ticket.policy"), h("code", { "data-testid": "policy" }, view.policyVersion)],
      [t("ticket.openedAt"), timeEl(view.openedAt)],
      view.completedAt ? [t("ticket.completedAt"), timeEl(view.completedAt)] : null,
      view.violationPoints !== null && view.violationPoints !== undefined
        ? [t("ticket.violationPoints"), h("span", { class: "violation-points", "data-testid": "violation-points" }, String(view.violationPoints))]
        : null,
    ]),
    order.items?.length ? h("table", { class: "mini" },
      h("caption", null, t("ticket.items")),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("ticket.sku")), h("th", { scope: "col", class: "num" }, t("ticket.qty")))),
      h("tbody", null, order.items.map((i) => h("tr", null, h("td", null, i.sku), h("td", { class: "num" }, String(i.qty)))))) : null);

  const deadlines = view.deadlines ?? {};
  const deadlineSection = h("section", { class: "card", "aria-labelledby": "deadlines-title" },
    h("h2", { id: "deadlines-title" }, t("ticket.deadlines")),
    dl([
      [label("deadline", "reply"), timeEl(deadlines.reply), active?.kind === "reply" ? { class: "is-active" } : null],
      [label("deadline", "buyer_confirmation"), timeEl(deadlines.buyerConfirmation), active?.kind === "buyer_confirmation" ? { class: "is-active" } : null],
      [label("deadline", "ship_by"), timeEl(deadlines.shipBy), active?.kind === "ship_by" ? { class: "is-active" } : null],
      active ? [t("ticket.active"), [label("deadline", active.kind), " · ", timeEl(active.dueAt)]] : [t("ticket.active"), t("due.none")],
      active?.lapsesAt ? [t("ticket.lapsesAt"), timeEl(active.lapsesAt)] : null,
    ]));

  const reply = view.reply;
  const replySection = h("section", { class: "card", "aria-labelledby": "reply-title", id: "reply-section" },
    h("h2", { id: "reply-title" }, t("ticket.reply")),
    reply ? dl([
      [t("reply.kind"), h("span", { "data-testid": "reply-kind" }, t(`reply.${reply.kind}`))],
      [t("ticket.replyAt"), timeEl(reply.at)],
      reply.shipBy ? [t("reply.shipBy"), timeEl(reply.shipBy)] : null,
      reply.plan ? [t("reply.plan"), reply.plan] : null,
      reply.evidence?.length ? [t("reply.evidence"), h("ul", { class: "plain" }, reply.evidence.map((e) => h("li", null, e)))] : null,
      reply.reason ? [t("reply.reason"), reply.reason] : null,
    ]) : h("p", { class: "muted" }, t("ticket.noReply")),
    !reply && session.role === "seller" && view.state === "awaiting_seller_reply"
      ? can("tickets.reply")
        ? replyForm(gen, view)
        : h("p", { class: "notice", role: "note", "data-testid": "read-only" }, t("reply.readOnly"))
      : null);

  const compensations = view.compensations ?? [];
  const compSection = h("section", { class: "card", "aria-labelledby": "comp-title" },
    h("h2", { id: "comp-title" }, t("ticket.compensations")),
    compensations.length ? h("table", { class: "mini" },
      h("thead", null, h("tr", null, [t("shop.kind"), t("ticket.amount"), t("ticket.status"), t("ticket.assessedAt"), t("ticket.settledAt")]
        .map((c, i) => h("th", { scope: "col", class: i === 1 ? "num" : null }, c)))),
      h("tbody", null, compensations.map((c) => h("tr", null,
        h("td", null, label("comp", c.kind)),
        h("td", { class: "num" }, fmtMoney(c.amount, c.currency)),
        h("td", null, statusChip(c.status)),
        h("td", null, timeEl(c.assessedAt)),
        h("td", null, timeEl(c.settledAt)))))) : h("p", { class: "muted" }, t("ticket.noCompensations")));

  const work = view.work ?? [];
  const workSection = h("section", { class: "card", "aria-labelledby": "work-title" },
    h("h2", { id: "work-title" }, t("ticket.work")),
    work.length ? h("table", { class: "mini" },
      h("thead", null, h("tr", null, [t("ticket.workKey"), t("ticket.workKind"), t("ticket.status")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, work.map((w) => h("tr", { class: w.status === "failed" ? "is-failed" : null, "data-work-key": w.key },
        h("td", null, h("code", null, w.key)),
        h("td", null, label("workKind", w.kind)),
        h("td", null, statusChip(w.status))))))
      : h("p", { class: "muted" }, t("ticket.noWork")));

  const noticesSection = h("section", { class: "card", "aria-labelledby": "notices-title", id: "notices" },
    h("h2", { id: "notices-title" }, t("ticket.notices")),
    h("p", { class: "muted" }, t("loading")));

  const historySection = h("section", { class: "card timeline-card", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, t("ticket.history")),
    timeline(view.history ?? []));

  const operator = session.role === "operator" && can("operator") ? operatorPanel(gen, view) : null;

  main.replaceChildren(
    backLink(),
    header,
    ...alerts,
    h("div", { class: "ticket-grid" },
      h("div", { class: "ticket-main" }, operator, replySection, facts, deadlineSection, compSection, workSection, noticesSection),
      h("div", { class: "ticket-side" }, historySection)));
  main.dataset.ticketId = view.ticketId;
  main.dataset.state = view.state;
}

/**
 * When the operator paused the clock (and it is still paused): the view's pausedAt when the API sends it, else read
 * off the history: a pause holds the deadline it was taken on, so a resume or anything that changes the deadline ends it.
 */
function pausedSince(history) {
  const ends = new Set(["clock_resumed", "deadline_lapsed", "ticket_completed", "ticket_escalated", "ticket_force_completed",
    "seller_replied_with_delay", "seller_replied_with_plan", "seller_replied_cannot_ship"]);
  let since = null;
  for (const entry of [...history].sort((a, b) => (a.version ?? 0) - (b.version ?? 0))) {
    if (entry.type === "clock_paused") since = entry.at;
    else if (ends.has(entry.type)) since = null;
  }
  return since;
}

/** A frozen countdown: the time that was left when the clock was paused. */
function pausedCountdown(dueAt, pausedAt) {
  const left = Date.parse(dueAt) - Date.parse(pausedAt);
  return h("span", { class: "countdown due-paused", "data-testid": "paused" },
    h("span", { class: "cd-icon", "aria-hidden": "true" }, "‖"),
    h("span", { class: "cd-time" }, t("due.left", { t: fmtSpan(left) })),
    h("span", { class: "cd-badge" }, t("due.paused", { time: fmtTime(pausedAt) })));
}

/** A paused ticket on the board: "paused" instead of a ticking countdown, no urgency colour; the time left when it was paused. */
function boardPaused(dueAt, pausedAt) {
  const left = Date.parse(dueAt) - Date.parse(pausedAt);
  return h("span", { class: "countdown due-paused", "data-testid": "paused", title: t("due.paused", { time: fmtTime(pausedAt) }) },
    h("span", { class: "cd-icon", "aria-hidden": "true" }, "‖"),
    h("span", { class: "cd-time" }, t("due.pausedShort")),
    Number.isFinite(left) ? h("span", { class: "cd-frozen muted small" }, t("due.left", { t: fmtSpan(Math.max(0, left)) })) : null);
}

function statusChip(status) {
  const icon = status === "failed" ? "✕ " : ["settled", "done", "delivered", "sent", "recorded"].includes(status) ? "✓ " : "… ";
  return h("span", { class: `status-chip status-${status}` }, h("span", { "aria-hidden": "true" }, icon), label("status", status));
}

async function loadNotifications(gen, view) {
  const section = $("#notices");
  let body;
  try {
    const data = await api(gen, `/api/tickets/${encodeURIComponent(view.ticketId)}/notifications`);
    const items = data?.items ?? [];
    body = items.length ? h("ul", { class: "notice-list" }, items.map((n) => h("li", { class: "notice-item" },
      h("p", { class: "notice-meta" },
        h("span", { class: "chip" }, label("audience", n.audience)),
        n.channel ? h("span", { class: "chip chip-quiet" }, n.channel) : null,
        h("strong", null, label("template", n.template)),
        n.status ? statusChip(n.status) : null,
        h("span", { class: "muted small" }, t("ticket.sentAt"), " ", timeEl(n.sentAt))),
      h("p", { class: "notice-text", lang: n.text?.[lang()] ? lang() : "zh-CN" }, n.text?.[lang()] ?? n.text?.["zh-CN"] ?? n.text?.en ?? "")))) : h("p", { class: "muted" }, t("ticket.noNotices"));
  } catch (error) {
    if (error instanceof Stale) throw error;
    body = [
      error instanceof ApiError && error.status === 404 ? null : problemBox(error),
      h("p", { class: "muted small", "data-testid": "notices-fallback" }, t("ticket.noticesFallback")),
      ownNotices(view.notices ?? []),
    ];
  }
  if (gen !== generation || !section.isConnected) return;
  fill(section, h("h2", { id: "notices-title" }, t("ticket.notices")), body);
}

function ownNotices(notices) {
  if (!notices.length) return h("p", { class: "muted" }, t("ticket.noNotices"));
  return h("ul", { class: "notice-list" }, notices.map((n) => h("li", { class: `notice-item${n.status === "failed" ? " is-failed" : ""}` },
    h("p", { class: "notice-meta" },
      h("span", { class: "chip" }, label("audience", n.audience)),
      h("strong", null, label("template", n.template)),
      statusChip(n.status),
      h("span", { class: "muted small" }, t("ticket.queuedAt"), " ", timeEl(n.queuedAt))),
    n.parameters && Object.keys(n.parameters).length
      ? h("dl", { class: "params" }, Object.entries(n.parameters).map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, paramValue(v)))))
      : null)));
}

function paramValue(value) {
  const text = String(value);
  return /^\d{4}-\d\d-\d\dT/.test(text) && !Number.isNaN(Date.parse(text)) ? timeEl(text) : text;
}

// ---------------------------------------------------------------- history timeline

const SKIP_FIELDS = new Set(["at", "type", "version", "recordedAt"]);

function historySummary(entry) {
  const e = entry;
  switch (e.type) {
    case "ticket_opened": return e.replyDeadline ? [label("deadline", "reply"), " → ", timeEl(e.replyDeadline.dueAt)] : null;
    case "urge_recorded": return e.urge?.outcome ? [label("urge", e.urge.outcome.code ?? e.urge.outcome.result), e.urge.outcome.reason ? ` · ${label("urge", e.urge.outcome.reason)}` : ""] : null;
    case "seller_replied_with_delay": return e.reply?.shipBy ? [t("reply.shipBy"), ": ", timeEl(e.reply.shipBy)] : null;
    case "seller_replied_with_plan": return e.reply?.plan ?? null;
    case "seller_replied_cannot_ship": return e.reply?.reason ?? null;
    case "deadline_lapsed": return [label("deadline", e.kind), " · ", timeEl(e.dueAt)];
    case "compensation_assessed": return [label("comp", e.kind), " · ", fmtMoney(e.amount)];
    case "compensation_settled": return h("code", null, e.idempotencyKey ?? "");
    case "ticket_completed": return label("outcome", e.outcome);
    case "ticket_escalated": return e.reason ? reasonText(e.reason) : null;
    case "flagged_for_review": return e.reason ? reasonText(e.reason) : null;
    case "work_failed": return [h("code", null, e.key ?? ""), " · ", e.failure ?? ""];
    case "work_retried": return [h("code", null, e.key ?? ""), operatorNote(e)];
    case "event_ignored": return [e.command ?? "", " · ", e.reason ?? ""];
    case "notice_queued": return e.notice ? [label("audience", e.notice.audience), " · ", label("template", e.notice.template)] : null;
    case "notice_delivered": return h("code", null, e.key ?? "");
    case "complaint_filed": return e.reason ?? null;
    case "complaint_resolved": return e.upheld ? t("outcome.complaint_upheld") : t("outcome.complaint_rejected");
    case "deadline_extended": return [label("deadline", e.kind), ": ", timeEl(e.previousDueAt), " → ", timeEl(e.dueAt), operatorNote(e)];
    case "clock_paused": return operatorNote(e);
    case "clock_resumed": return [e.pausedFor ? t("history.pausedFor", { t: isoDuration(e.pausedFor) }) : null, operatorNote(e)];
    case "review_resolved": return [e.cancelledCompensationKeys?.length ? [e.cancelledCompensationKeys.join(", "), " "] : null, operatorNote(e)];
    case "ticket_force_completed": return operatorNote(e);
    case "seller_reminded": return [label("deadline", e.kind), " · ", timeEl(e.dueAt), e.lead ? ` · ${t("history.lead", { t: isoDuration(e.lead) })}` : ""];
    default: return e.why ? operatorNote(e) : e.reason ?? null;
  }
}

/** "— why (by operator)" for audited operator events. */
function operatorNote(e) {
  if (!e.why && !e.operator) return null;
  return h("span", { class: "op-note" }, e.why ? ` “${e.why}”` : "", e.operator ? h("span", { class: "muted small" }, ` ${t("history.by", { who: e.operator })}`) : null);
}

/** A .NET TimeSpan ("1.02:03:04" or "02:03:04") or ISO duration, shown as h:mm:ss. */
function isoDuration(value) {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(String(value));
  if (!m) return String(value);
  return fmtSpan((((Number(m[1] ?? 0) * 24 + Number(m[2])) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000);
}

/** A review or escalation reason: a known code in words, e.g. work_failed:&lt;key&gt; with its key. */
function reasonText(reason) {
  const [code, ...rest] = String(reason).split(":");
  return rest.length ? `${label("reason", code)}: ${rest.join(":")}` : label("reason", code);
}

function historyTone(type) {
  if (type === "work_failed" || type === "deadline_lapsed") return "bad";
  if (type === "flagged_for_review" || type === "ticket_escalated" || type === "event_ignored") return "warn";
  if (["deadline_extended", "clock_paused", "clock_resumed", "review_resolved", "ticket_force_completed", "work_retried"].includes(type)) return "op";
  if (type === "ticket_completed" || type === "compensation_settled" || type === "notice_delivered") return "good";
  if (type.startsWith("seller_replied") || type === "ticket_opened") return "key";
  return "plain";
}

function timeline(history) {
  if (!history.length) return h("p", { class: "muted" }, t("none"));
  const sorted = [...history].sort((a, b) => (a.version ?? 0) - (b.version ?? 0) || String(a.at).localeCompare(String(b.at)));
  return h("ol", { class: "timeline", "data-testid": "history" }, sorted.map((entry) => {
    const raw = Object.fromEntries(Object.entries(entry).filter(([k]) => !SKIP_FIELDS.has(k)));
    const summary = historySummary(entry);
    return h("li", { class: `tl-item tone-${historyTone(entry.type)}`, "data-type": entry.type },
      h("span", { class: "tl-dot", "aria-hidden": "true" }),
      h("p", { class: "tl-head" }, h("strong", null, label("event", entry.type)), " ", h("span", { class: "muted small" }, timeEl(entry.at, { seconds: true }))),
      summary ? h("p", { class: "tl-summary" }, summary) : null,
      Object.keys(raw).length ? h("details", { class: "tl-raw" }, h("summary", null, t("ticket.raw")), h("pre", null, JSON.stringify(raw, null, 2))) : null);
  }));
}

// ---------------------------------------------------------------- seller reply form

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function replyForm(gen, view) {
  const ids = { kind: uid("r-kind"), shipBy: uid("r-shipby"), plan: uid("r-plan"), evidence: uid("r-evidence"), reason: uid("r-reason"), status: uid("r-status") };
  const idempotencyKey = randomId();
  const fieldError = (name) => h("p", { class: "field-error", id: `${ids[name]}-err`, "data-field": name, hidden: true });
  const defaultShipBy = isoToLocalInput(new Date(serverNow() + 24 * HOUR).toISOString());

  const kinds = ["delay", "negotiate", "cannot_ship"];
  const radios = h("fieldset", { class: "kind-picker" },
    h("legend", null, t("reply.kind")),
    kinds.map((kind, i) => {
      const id = `${ids.kind}-${kind}`;
      return h("div", { class: "radio" },
        h("input", { type: "radio", name: "kind", id, value: kind, checked: i === 0 }),
        h("label", { for: id }, t(`reply.${kind}`)));
    }));

  const panels = {
    delay: h("div", { class: "kind-panel", "data-kind": "delay" },
      h("div", { class: "field" },
        h("label", { for: ids.shipBy }, t("reply.shipBy")),
        h("input", { id: ids.shipBy, name: "shipBy", type: "datetime-local", value: defaultShipBy, "aria-describedby": `${ids.shipBy}-hint ${ids.shipBy}-err` }),
        h("p", { class: "hint", id: `${ids.shipBy}-hint` }, t("reply.shipByHint", { tz: timeZoneName() })),
        fieldError("shipBy"))),
    negotiate: h("div", { class: "kind-panel", "data-kind": "negotiate", hidden: true },
      h("div", { class: "field" },
        h("label", { for: ids.plan }, t("reply.plan")),
        h("textarea", { id: ids.plan, name: "plan", rows: "3", maxlength: "2000", "aria-describedby": `${ids.plan}-err` }),
        fieldError("plan")),
      h("div", { class: "field" },
        h("label", { for: ids.evidence }, t("reply.evidence")),
        h("textarea", { id: ids.evidence, name: "evidence", rows: "3", "aria-describedby": `${ids.evidence}-hint ${ids.evidence}-err` }),
        h("p", { class: "hint", id: `${ids.evidence}-hint` }, t("reply.evidenceHint")),
        fieldError("evidence"))),
    cannot_ship: h("div", { class: "kind-panel", "data-kind": "cannot_ship", hidden: true },
      h("div", { class: "field" },
        h("label", { for: ids.reason }, t("reply.reason")),
        h("textarea", { id: ids.reason, name: "reason", rows: "3", maxlength: "2000", "aria-describedby": `${ids.reason}-err` }),
        fieldError("reason"))),
  };
  const status = h("div", { id: ids.status, class: "form-status" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("reply.submit"));
  const form = h("form", { class: "reply-form", id: "reply-form", "aria-labelledby": "reply-form-title", novalidate: true },
    h("h3", { id: "reply-form-title" }, t("reply.title")),
    radios, Object.values(panels), h("div", { class: "form-actions" }, submit), status);

  const currentKind = () => new FormData(form).get("kind");
  form.addEventListener("change", (event) => {
    if (event.target.name !== "kind") return;
    for (const [kind, panel] of Object.entries(panels)) panel.hidden = kind !== currentKind();
  });

  const clearErrors = () => {
    form.querySelectorAll(".field-error").forEach((p) => { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    status.replaceChildren();
  };
  const showFieldError = (field, messages) => {
    const name = field.replace(/\[\d+\]$/, "");
    const p = form.querySelector(`.field-error[data-field="${CSS.escape(name)}"]`);
    if (!p) return false;
    p.hidden = false;
    p.textContent = [p.textContent, ...[].concat(messages)].filter(Boolean).join(" ");
    form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute("aria-invalid", "true");
    return true;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const data = new FormData(form);
    const kind = data.get("kind");
    let body;
    if (kind === "delay") {
      const shipBy = localInputToIso(String(data.get("shipBy") ?? ""));
      body = { kind, shipBy };
      if (!shipBy) { showFieldError("shipBy", t("reply.shipBy") + " ?"); form.querySelector("[name=shipBy]").focus(); return; }
    } else if (kind === "negotiate") {
      body = { kind, plan: String(data.get("plan") ?? "").trim(), evidence: String(data.get("evidence") ?? "").split("\n").map((s) => s.trim()).filter(Boolean) };
    } else {
      body = { kind, reason: String(data.get("reason") ?? "").trim() };
    }
    submit.disabled = true;
    submit.textContent = t("reply.sending");
    try {
      const updated = await api(gen, `/api/tickets/${encodeURIComponent(view.ticketId)}/reply`, {
        method: "POST", body, headers: { "Idempotency-Key": idempotencyKey },
      });
      renderTicket(gen, updated);
      loadNotifications(gen, updated).catch(() => {});
      announce(t("reply.sent"));
      const section = $("#reply-section");
      section?.prepend(h("p", { class: "notice notice-ok", role: "status", "data-testid": "reply-ok" }, "✓ ", t("reply.sent")));
      section?.querySelector("h2")?.setAttribute("tabindex", "-1");
      section?.querySelector("h2")?.focus();
    } catch (error) {
      if (error instanceof Stale) return;
      submit.disabled = false;
      submit.textContent = t("reply.submit");
      const errors = error instanceof ApiError && error.problem?.errors ? Object.entries(error.problem.errors) : [];
      errors.forEach(([field, messages]) => showFieldError(field, messages));
      status.replaceChildren(problemBox(error));
      const invalid = form.querySelector("[aria-invalid=true]");
      (invalid ?? status.querySelector(".problem"))?.focus?.();
    }
  });
  return form;
}

// ---------------------------------------------------------------- operator commands (admin)

const OPERATOR_COMMANDS = {
  extend: { path: "extend-deadline", label: "op.extend", fields: ["by"], open: true },
  pause: { path: "pause", label: "op.pause", fields: [], open: true },
  resume: { path: "resume", label: "op.resume", fields: [], open: true },
  resolveReview: { path: "resolve-review", label: "op.resolveReview", fields: ["cancelPendingCompensation"] },
  forceComplete: { path: "force-complete", label: "op.forceComplete", fields: [], open: true, danger: true },
};

function operatorPanel(gen, view) {
  const status = h("div", { class: "form-status", id: "op-status" });
  const buttons = [];
  const isOpen = view.state !== "completed";
  for (const [name, command] of Object.entries(OPERATOR_COMMANDS)) {
    if (command.open && !isOpen) continue;
    buttons.push(h("button", {
      type: "button", class: `btn${command.danger ? " btn-danger" : ""}${name === "resolveReview" && view.needsReview ? " btn-attention" : ""}`,
      "data-op": command.path, onclick: () => openOperatorDialog(gen, view, command, {}, status),
    }, t(command.label)));
  }
  for (const w of (view.work ?? []).filter((item) => item.status === "failed")) {
    buttons.push(h("button", {
      type: "button", class: "btn btn-attention", "data-op": "retry-work", "data-key": w.key,
      onclick: () => openOperatorDialog(gen, view, { path: "retry-work", label: "op.retry", fields: [] }, { key: w.key }, status),
    }, t("op.retry", { key: w.key })));
  }
  return h("section", { class: "card operator", "aria-labelledby": "op-title", "data-testid": "operator" },
    h("h2", { id: "op-title" }, t("op.title")),
    h("p", { class: "muted small" }, t("op.intro")),
    h("div", { class: "op-buttons" }, buttons),
    status);
}

function openOperatorDialog(gen, view, command, fixed, status) {
  const ids = { why: uid("op-why"), by: uid("op-by"), cancel: uid("op-cancel") };
  const idempotencyKey = randomId(); // one per dialog: a double submit runs the command once
  const title = t(command.label, fixed);
  const problemArea = h("div", { class: "form-status" });
  const fields = [];
  if (command.fields.includes("by")) {
    fields.push(h("div", { class: "field" }, h("label", { for: ids.by }, t("op.by")),
      h("select", { id: ids.by, name: "by" }, ["PT1H", "PT4H", "PT12H", "PT24H", "PT48H"].map((v) =>
        h("option", { value: v, selected: v === "PT4H" }, v.replace("PT", "").replace("H", " h"))))));
  }
  if (command.fields.includes("cancelPendingCompensation")) {
    fields.push(h("div", { class: "checkbox" },
      h("input", { type: "checkbox", id: ids.cancel, name: "cancelPendingCompensation" }),
      h("label", { for: ids.cancel }, t("op.cancelPending"))));
  }
  const whyError = h("p", { class: "field-error", id: `${ids.why}-err`, hidden: true }, t("op.whyRequired"));
  const why = h("textarea", { id: ids.why, name: "why", rows: "3", required: true, maxlength: "500", "aria-describedby": `${ids.why}-err` });
  const confirm = h("button", { type: "submit", class: `btn ${command.danger ? "btn-danger" : "btn-primary"}` }, t("op.confirm"));
  const dialog = h("dialog", { class: "op-dialog", "aria-labelledby": `${ids.why}-title`, "data-op": command.path });
  const form = h("form", { method: "dialog", novalidate: true },
    h("h2", { id: `${ids.why}-title` }, title),
    h("p", { class: "muted small" }, h("code", null, `POST /api/tickets/${view.ticketId}/operator/${command.path}`)),
    fields,
    h("div", { class: "field" }, h("label", { for: ids.why }, t("op.why")), why, whyError),
    problemArea,
    h("div", { class: "form-actions" },
      confirm,
      h("button", { type: "button", class: "btn btn-quiet", onclick: () => dialog.close() }, t("op.cancel"))));
  dialog.append(form);
  dialog.addEventListener("close", () => dialog.remove());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!why.value.trim()) {
      why.setAttribute("aria-invalid", "true");
      whyError.hidden = false;
      why.focus();
      return;
    }
    why.removeAttribute("aria-invalid");
    whyError.hidden = true;
    const data = new FormData(form);
    const body = { ...fixed, why: why.value.trim() };
    if (command.fields.includes("by")) body.by = data.get("by");
    if (command.fields.includes("cancelPendingCompensation")) body.cancelPendingCompensation = data.get("cancelPendingCompensation") === "on";
    confirm.disabled = true;
    try {
      const result = await api(gen, `/api/tickets/${encodeURIComponent(view.ticketId)}/operator/${command.path}`, {
        method: "POST", body, headers: { "Idempotency-Key": idempotencyKey },
      });
      dialog.close();
      const updated = result?.ticketId ? result : await api(gen, `/api/tickets/${encodeURIComponent(view.ticketId)}`);
      renderTicket(gen, updated);
      loadNotifications(gen, updated).catch(() => {});
      const newStatus = $("#op-status");
      newStatus?.replaceChildren(h("p", { class: "notice notice-ok", role: "status", "data-testid": "op-ok" }, "✓ ", title, " — ", t("op.done")));
      announce(t("op.done"));
    } catch (error) {
      if (error instanceof Stale) return;
      confirm.disabled = false;
      problemArea.replaceChildren(problemBox(error, { title: t("op.failed") }));
      status.replaceChildren(problemBox(error, { title: `${title}: ${t("op.failed")}` }));
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  (fields.length ? dialog.querySelector("select, input") : why).focus();
}

// ---------------------------------------------------------------- shop page

const CATEGORY_COLORS = {
  awaiting_seller_reply: "#1d4ed8",
  awaiting_seller_execution: "#0e7490",
  awaiting_buyer_confirmation: "#6d28d9",
  platform_intervention: "#b45309",
  shipped: "#15803d",
  after_sale: "#4d7c0f",
  buyer_accepted: "#047857",
  buyer_confirmation_timed_out: "#64748b",
  out_of_stock_compensated: "#be123c",
  late_shipment_compensated: "#b91c1c",
  complaint_upheld: "#9f1239",
  complaint_rejected: "#475569",
};

async function renderShopPage(gen, shopId) {
  const main = $("#main");
  main.replaceChildren(h("p", { class: "muted" }, t("loading")));
  let ledger;
  try {
    ledger = await api(gen, `/api/shops/${encodeURIComponent(shopId)}/ledger`);
  } catch (error) {
    if (error instanceof Stale) throw error;
    const forbidden = error instanceof ApiError && error.status === 403;
    main.replaceChildren(backLink(), h("h1", { tabindex: "-1" }, t("shop.title", { shop: shopId })),
      h("div", { class: "notice notice-error", role: "alert", "data-testid": forbidden ? "forbidden" : "error" },
        forbidden ? t("shop.forbidden") : problemBox(error)));
    return;
  }
  learnShop(shopId);
  const standing = h("section", { class: "card", "aria-labelledby": "standing-title", id: "standing" },
    h("h2", { id: "standing-title" }, t("shop.standing")), h("p", { class: "muted" }, t("loading")));
  const perDay = h("section", { class: "card chart-card", "aria-labelledby": "perday-title", id: "per-day" },
    h("h2", { id: "perday-title" }, t("shop.perDay")), h("p", { class: "muted" }, t("loading")));
  const lateness = h("section", { class: "card chart-card", "aria-labelledby": "lateness-title", id: "lateness" },
    h("h2", { id: "lateness-title" }, t("shop.lateness")), h("p", { class: "muted" }, t("loading")));

  main.replaceChildren(
    backLink(),
    h("div", { class: "page-head" },
      h("h1", { tabindex: "-1" }, t("shop.title", { shop: shopId })),
      seesAllShops(session) ? h("a", { class: "btn btn-quiet", href: boardHash({ ...boardFilters(new URLSearchParams()), shopId }) }, t("nav.board")) : null),
    ledgerSection(ledger),
    h("div", { class: "shop-grid" }, perDay, lateness, standing));

  await Promise.all([
    loadStanding(gen, shopId, standing),
    loadPerDay(gen, shopId, perDay),
    loadLateness(gen, lateness),
  ].map((p) => p.catch((error) => { if (!(error instanceof Stale)) console.error(error); })));
}

function ledgerSection(ledger) {
  const byMonth = ledger.byMonth ?? [];
  const byKind = ledger.byKind ?? [];
  const money = (v) => fmtMoney(v, ledger.currency);
  return h("section", { class: "card", "aria-labelledby": "ledger-title", id: "ledger" },
    h("h2", { id: "ledger-title" }, t("shop.ledger")),
    h("ul", { class: "stat-tiles" },
      [["shop.total", ledger.total], ["shop.settled", ledger.settled], ["shop.pending", ledger.pending]].map(([key, value]) =>
        h("li", { class: "stat" }, h("span", { class: "stat-label" }, t(key)), h("span", { class: "stat-value" }, money(value))))),
    (ledger.entries ?? []).length === 0 ? h("p", { class: "muted" }, t("shop.noLedger")) : h("div", { class: "ledger-grid" },
      h("table", { class: "mini" },
        h("caption", null, t("shop.byKind")),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, t("shop.kind")), h("th", { scope: "col", class: "num" }, t("shop.count")), h("th", { scope: "col", class: "num" }, t("ticket.amount")))),
        h("tbody", null, byKind.map((k) => h("tr", null, h("td", null, label("comp", k.key)), h("td", { class: "num" }, String(k.count)), h("td", { class: "num" }, money(k.amount)))))),
      h("div", null,
        h("h3", null, t("shop.byMonth")),
        barChart({
          categories: byMonth.map((m) => m.key),
          series: [{ name: t("ticket.amount"), color: "#1d4ed8", values: byMonth.map((m) => Number(m.amount)) }],
          title: t("shop.byMonth"),
          format: (v) => `¥${v.toFixed(2)}`,
        }),
        dataTable([t("shop.month"), t("shop.count"), t("ticket.amount")], byMonth.map((m) => [m.key, String(m.count), money(m.amount)])))));
}

function dataTable(headers, rows) {
  return h("details", { class: "data-table" },
    h("summary", null, t("shop.dataTable")),
    h("table", { class: "mini" },
      h("thead", null, h("tr", null, headers.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.map((r) => h("tr", null, r.map((c) => h("td", null, c)))))));
}

async function loadStanding(gen, shopId, section) {
  const head = h("h2", { id: "standing-title" }, t("shop.standing"));
  try {
    const data = await api(gen, `/api/shops/${encodeURIComponent(shopId)}/standing`);
    const entries = data?.entries ?? [];
    const byMarketplace = Object.entries(data?.pointsByMarketplace ?? {});
    fill(section, head,
      h("div", { class: "standing-stats" },
        h("p", { class: "stat inline" }, h("span", { class: "stat-label" }, t("shop.totalPoints")), h("span", { class: "stat-value", "data-testid": "total-points" }, String(data?.totalPoints ?? 0))),
        byMarketplace.map(([mp, points]) => h("p", { class: "stat inline" }, h("span", { class: "stat-label" }, label("mp", mp)), h("span", { class: "stat-value" }, String(points))))),
      entries.length ? h("table", { class: "mini" },
        h("thead", null, h("tr", null, [t("col.ticket"), t("col.marketplace"), t("shop.points"), t("shop.at"), t("shop.reason")].map((c, i) => h("th", { scope: "col", class: i === 2 ? "num" : null }, c)))),
        h("tbody", null, entries.map((e) => h("tr", null,
          h("td", null, h("a", { href: `#/tickets/${encodeURIComponent(e.ticketId)}` }, h("code", null, e.ticketId))),
          h("td", null, label("mp", e.marketplace)),
          h("td", { class: "num" }, String(e.points)),
          h("td", null, timeEl(e.at)),
          h("td", null, label("standing", e.reason))))))
        : h("p", { class: "muted" }, t("shop.noStanding")));
  } catch (error) {
    if (error instanceof Stale) throw error;
    section.replaceChildren(head, error instanceof ApiError && error.status === 404
      ? h("p", { class: "muted", "data-testid": "standing-na" }, t("shop.notAvailable"))
      : problemBox(error));
  }
}

async function loadPerDay(gen, shopId, section) {
  const head = h("h2", { id: "perday-title" }, t("shop.perDay"));
  const tickets = [];
  let token = "";
  let truncated = false;
  for (let i = 0; i < SHOP_PAGES; i++) {
    const page = await api(gen, `/api/tickets${query({ shopId: seesAllShops(session) ? shopId : "", limit: 200, continuationToken: token })}`);
    tickets.push(...(page?.items ?? []).filter((item) => item.shopId === shopId));
    token = page?.continuationToken ?? "";
    if (!token) break;
    if (i === SHOP_PAGES - 1) truncated = true;
  }
  const days = [...new Set(tickets.filter((x) => x.openedAt).map((x) => dayKey(x.openedAt)))].sort();
  const categories = [...new Set(tickets.map((x) => x.outcome ?? x.state))]
    .sort((a, b) => Object.keys(CATEGORY_COLORS).indexOf(a) - Object.keys(CATEGORY_COLORS).indexOf(b));
  const series = categories.map((category) => ({
    name: STATES.includes(category) ? label("state", category) : label("outcome", category),
    color: CATEGORY_COLORS[category] ?? "#334155",
    values: days.map((day) => tickets.filter((x) => x.openedAt && dayKey(x.openedAt) === day && (x.outcome ?? x.state) === category).length),
  }));
  fill(section, head,
    tickets.length === 0 ? h("p", { class: "muted", "data-testid": "per-day-empty" }, t("shop.noData")) : [
      barChart({ categories: days.map((d) => d.slice(5)), series, stacked: true, title: t("shop.perDay"), integer: true }),
      h("p", { class: "muted small" }, truncated ? t("shop.perDayTruncated", { n: tickets.length }) : t("shop.perDayNote", { n: SHOP_PAGES * 200 })),
      dataTable([t("shop.day"), ...series.map((s) => s.name)], days.map((day, i) => [day, ...series.map((s) => String(s.values[i]))])),
    ]);
}

async function loadLateness(gen, section) {
  const head = h("h2", { id: "lateness-title" }, t("shop.lateness"));
  let text = "";
  try {
    // Metrics are the admin's and operators' (unless the app serves them to anyone): a seller's board shows no data.
    const headers = seesAllShops(session) ? { Authorization: `Bearer ${session.key}` } : {};
    const response = await fetch("/metrics", { cache: "no-store", credentials: "omit", headers });
    text = response.ok ? await response.text() : "";
  } catch {
    text = "";
  }
  if (gen !== generation) throw new Stale();
  const histogram = parseLatenessHistogram(text);
  if (!histogram || histogram.total === 0) {
    section.replaceChildren(head, h("p", { class: "muted no-data", "data-testid": "lateness-empty" }, t("shop.noData")));
    return;
  }
  const labels = histogram.buckets.map((b) => (b.le === Infinity ? `> ${histogram.buckets.at(-2)?.le ?? 0}s` : `≤ ${b.le}s`));
  section.replaceChildren(head,
    barChart({
      categories: labels,
      series: [{ name: t("shop.tickets"), color: "#0e7490", values: histogram.buckets.map((b) => b.count) }],
      title: t("shop.lateness"), integer: true,
    }),
    h("p", { class: "muted small" }, t("shop.latenessNote", { name: histogram.name })),
    dataTable([t("shop.bucket"), "#"], histogram.buckets.map((b, i) => [labels[i], String(b.count)])));
}

// ---------------------------------------------------------------- boot

function boot() {
  const select = $("#lang-select");
  select.value = lang();
  select.addEventListener("change", () => {
    setLang(select.value);
    renderChrome();
    if (session) route();
    else renderSignIn();
  });
  for (const option of select.options) option.hidden = !LANGUAGES.includes(option.value);
  session = restoreSession();
  let shown = routeKey(parseRoute());
  window.addEventListener("hashchange", () => {
    const next = routeKey(parseRoute());
    const moved = next !== shown;
    shown = next;
    // A new page moves focus to its heading; a new filter or page of the same board keeps focus where it was.
    route().then(() => { if (moved) focusMain(); else restoreFilterFocus(); });
  });
  window.addEventListener("storage", (event) => {
    if (event.key === KEY_STORAGE && !event.newValue && session) signOut();
  });
  if (session) {
    // A restored session re-reads /api/me first: the server clock, and the role and permissions as they are now.
    syncMe().finally(() => { if (session) route(); });
  } else {
    route();
  }
}

boot();
