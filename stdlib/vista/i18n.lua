--- vista.i18n: the fixed words of the report and of the ready scripts in
--- the reader's language (en, nl, de, fr, fi), gettext-style: the English
--- text is the key, each language has one translation per key
--- (vista.i18n_catalog), English is the fallback. Numbers are written the
--- language's way (a decimal comma in nl, de, fr and fi), dates too. The
--- strategy's own texts are never translated.
---
---   local L = require("vista.i18n").new("nl")
---   L.t("The action plan")            -> "Het actieplan"
---   L.t("%d actions, as of %s.", 10, L.date("2026-11-23"))
---   L.status("no baseline: 6.97 of 35") -> "geen nulmeting: 6,97 van 35"
---   L.num(28.571428) -> "28,57"        L.date("2026-11-23") -> "23-11-2026"
---
--- The language: --lang, else $VISTA_LANG, else the locale's ($LC_ALL,
--- $LC_MESSAGES, $LANG: "nl_BE.UTF-8" is nl), else English.
local M = {}
local catalog = require "vista.i18n_catalog"

M.LANGS = { "en", "nl", "de", "fr", "fi" }
M.messages = catalog.messages
M.keys = catalog.keys

local known = {}
for _, l in ipairs(M.LANGS) do known[l] = true end

local DECIMAL = { en = ".", nl = ",", de = ",", fr = ",", fi = "," }
-- Day, month, year in the order and with the separator each language
-- writes them; English keeps ISO 8601.
local DATE = { nl = "%d-%m-%Y", de = "%d.%m.%Y", fr = "%d/%m/%Y", fi = "%d.%m.%Y" }

--- The language to use: lang when given (an error names the choices when
--- it is not one), else the environment's, else "en".
function M.resolve(lang)
  if lang ~= nil then
    if not known[lang] then
      error("--lang must be one of " .. table.concat(M.LANGS, ", ") .. ", not '" .. tostring(lang) .. "'", 0)
    end
    return lang
  end
  for _, var in ipairs { "VISTA_LANG", "LC_ALL", "LC_MESSAGES", "LANG" } do
    local v = os.getenv(var)
    if v and v ~= "" then
      local code = (v:match("^(%a%a)") or ""):lower()
      if known[code] then return code end
      -- A set variable that names another language (C, POSIX, es_ES)
      -- decides: English, not a later variable.
      return "en"
    end
  end
  return "en"
end

-- A number rounded to two decimals, with the fewest digits, as text.
local function plain(x)
  if math.type(x) == "integer" then return tostring(x) end
  local r = math.floor(x * 100 + 0.5) / 100
  if math.tointeger(r) then return tostring(math.tointeger(r)) end
  return (string.format("%.2f", r):gsub("0$", ""))
end

--- The writer for one language.
function M.new(lang)
  lang = M.resolve(lang)
  local msgs = M.messages[lang] or {}
  local L = { code = lang, decimal = DECIMAL[lang] }
  function L.t(key, ...)
    local s = msgs[key] or key
    if select("#", ...) > 0 then return string.format(s, ...) end
    return s
  end
  function L.num(x)
    if x == nil then return "" end
    if type(x) ~= "number" then return tostring(x) end
    local s = plain(x)
    return L.decimal == "." and s or (s:gsub("%.", L.decimal))
  end
  -- A target as text: a number, or a band "45-55" whose ends are numbers.
  function L.numtext(s)
    if type(s) == "number" then return L.num(s) end
    if L.decimal == "." or s == nil then return s end
    return (tostring(s):gsub("(%d)%.(%d)", "%1" .. L.decimal .. "%2"))
  end
  function L.date(iso)
    if iso == nil then return "" end
    local y, m, d = tostring(iso):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
    if not y or not DATE[lang] then return iso end
    return (DATE[lang]:gsub("%%([dmY])", { d = d, m = m, Y = y }))
  end
  --- A status word (vista.pdca's, an action's) in the language; the
  --- statuses that carry figures or a fact keep them.
  function L.status(st)
    if st == nil then return "" end
    if st:find("; ", 1, true) then
      local parts = {}
      for part in st:gmatch("[^;]+") do parts[#parts + 1] = L.status((part:gsub("^%s+", ""))) end
      return table.concat(parts, "; ")
    end
    local v, t = st:match("^no baseline: (.-) of (.+)$")
    if v then return L.t("no baseline: %s of %s", L.numtext(v), L.numtext(t)) end
    local f, p = st:match("^denominator missing %((.-) for (.+)%)$")
    if f then return L.t("denominator missing (%s for %s)", f, p) end
    local fact, fp = st:match("^not recorded %(no (.-) fact for (.+)%)$")
    if fact then return L.t("not recorded (no %s fact for %s)", fact, fp) end
    local since = st:match("^overdue since (.+)$")
    if since then return L.t("overdue since %s", L.date(since)) end
    return L.t(st)
  end
  return L
end

return M
