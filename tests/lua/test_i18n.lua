-- The message catalog: every language has every English key and no other,
-- with the same placeholders; numbers, dates and statuses per language.
local t = require "vista.test"
local i18n = require "vista.i18n"

local function placeholders(s)
  local out = {}
  for p in s:gmatch("%%[%%sd]") do if p ~= "%%" then out[#out + 1] = p end end
  return table.concat(out, " ")
end

-- The checks themselves, on a catalog given (so that they can be seen to
-- fail on a broken one).
local function problems(keys, messages)
  local out, english = {}, {}
  for _, k in ipairs(keys) do
    if english[k] then out[#out + 1] = "English key twice: " .. k end
    english[k] = true
  end
  for _, lang in ipairs(i18n.LANGS) do
    if lang ~= "en" then
      local m = messages[lang] or {}
      for _, k in ipairs(keys) do
        if type(m[k]) ~= "string" or m[k] == "" then out[#out + 1] = lang .. " lacks: " .. k
        elseif placeholders(m[k]) ~= placeholders(k) then out[#out + 1] = lang .. " placeholders differ: " .. k end
      end
      for k in pairs(m) do
        if not english[k] then out[#out + 1] = lang .. " has a key English lacks: " .. k end
      end
    end
  end
  return out
end

t.run {
  { "every language has every key and no other, with the same placeholders", function()
    local p = problems(i18n.keys, i18n.messages)
    t.eq(#p, 0, table.concat(p, "\n"))
    t.ok(#i18n.keys > 100, "the catalog's keys")
  end },
  { "the check fails on a language that lacks a key or has an extra one", function()
    local keys = { "Mission", "%d goals" }
    local m = { nl = { Mission = "Missie", ["%d goals"] = "%d doelen" }, de = {}, fr = {}, fi = {} }
    for _, l in ipairs { "de", "fr", "fi" } do m[l] = m.nl end
    t.eq(#problems(keys, m), 0)
    m.de = { Mission = "Mission" }
    t.eq(problems(keys, m)[1], "de lacks: %d goals")
    m.de = { Mission = "Mission", ["%d goals"] = "%d Ziele", Vision = "Vision" }
    t.eq(problems(keys, m)[1], "de has a key English lacks: Vision")
    m.de = { Mission = "Mission", ["%d goals"] = "Ziele" }
    t.eq(problems(keys, m)[1], "de placeholders differ: %d goals")
  end },
  { "texts, with English as the fallback", function()
    t.eq(i18n.new("nl").t("The action plan"), "Het actieplan")
    t.eq(i18n.new("en").t("The action plan"), "The action plan")
    t.eq(i18n.new("fr").t("%d actions, as of %s.", 10, "23/11/2026"), "10 actions, au 23/11/2026.")
    t.eq(i18n.new("de").t("the strategy's own words"), "the strategy's own words")
  end },
  { "numbers with the language's decimal mark, rounded to two decimals", function()
    t.eq(i18n.new("en").num(28.571428571428573), "28.57")
    t.eq(i18n.new("nl").num(28.571428571428573), "28,57")
    t.eq(i18n.new("de").num(0.5), "0,5")
    t.eq(i18n.new("fi").num(12), "12")
    t.eq(i18n.new("fr").num(2.0), "2")
    t.eq(i18n.new("nl").num(nil), "")
  end },
  { "dates the language's way; English keeps ISO 8601", function()
    t.eq(i18n.new("en").date("2026-11-23"), "2026-11-23")
    t.eq(i18n.new("nl").date("2026-11-23"), "23-11-2026")
    t.eq(i18n.new("de").date("2026-11-23"), "23.11.2026")
    t.eq(i18n.new("fr").date("2026-11-23"), "23/11/2026")
    t.eq(i18n.new("fi").date("2026-11-23"), "23.11.2026")
    t.eq(i18n.new("nl").date("2026-11"), "2026-11")
  end },
  { "status words, with their figures and facts", function()
    local nl = i18n.new("nl")
    t.eq(nl.status("on track"), "op koers")
    t.eq(nl.status("no baseline: 6.97 of 35"), "geen nulmeting: 6,97 van 35")
    t.eq(nl.status("no baseline: 61.54 of 45-55.5"), "geen nulmeting: 61,54 van 45-55,5")
    t.eq(nl.status("denominator missing (graduates for 2026)"), "noemer ontbreekt (graduates voor 2026)")
    t.eq(nl.status("overdue since 2025-06-30; not started; no owner"),
      "te laat sinds 30-06-2025; niet gestart; geen eigenaar")
    for _, st in ipairs(require("vista.pdca").STATUSES) do
      for _, lang in ipairs(i18n.LANGS) do
        t.ok(i18n.messages[lang] == nil or i18n.messages[lang][st], lang .. " has the status " .. st)
      end
    end
  end },
  { "the language: --lang, else the environment, else English; a wrong one is named", function()
    t.eq(i18n.resolve("fi"), "fi")
    t.raises(function() i18n.resolve("es") end, "--lang must be one of en, nl, de, fr, fi, not 'es'")
    t.ok(i18n.resolve(nil), "a language from the environment")
  end },
}
