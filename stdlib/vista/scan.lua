--- vista.scan: the operating-environment scan of a strategy, levels by
--- categories, each factor weighted by its expected impact on international
--- activities (-3 hinders a lot .. 3 helps a lot) times its likelihood (0..1),
--- and which of the themes the field asks a scan to cover (the Mobility
--- Scoreboard areas and labour-market needs, vista.strategy_file.themes) its
--- factors cover: by the factors' `theme` field alone, never by their words.
---
---   vista.scan.analyse(strategy) -> matrix, factors, findings
---   vista.scan.report(strategy) -> sections for vista.format.sections
local M = {}
local sf = require "vista.strategy_file"

local function round2(x)
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) or r
end

function M.analyse(s)
  local answered = {}
  for _, g in ipairs(s.goals) do
    if g.why_kind == "factor" then
      answered[g.why] = answered[g.why] or {}
      table.insert(answered[g.why], g.id)
    end
  end
  local cells, factors = {}, {}
  local documented, present = {}, {}
  for _, f in ipairs(s.factors) do
    local w = f.impact * f.likelihood
    local key = f.level .. "/" .. f.category
    local c = cells[key] or { n = 0, weight = 0 }
    cells[key] = c
    c.n, c.weight = c.n + 1, c.weight + w
    present[f.level] = true
    if f.source then documented[f.level] = true end
    factors[#factors + 1] = {
      factor = f.id, level = f.level, category = f.category, impact = f.impact,
      likelihood = f.likelihood, weight = round2(w), trend = f.trend,
      source = f.source, text = f.text, theme = f.theme,
      answered_by = answered[f.id] and table.concat(answered[f.id], ", ") or nil,
    }
  end
  table.sort(factors, function(a, b)
    if math.abs(a.weight) ~= math.abs(b.weight) then return math.abs(a.weight) > math.abs(b.weight) end
    return a.factor < b.factor
  end)
  local matrix = {}
  for _, level in ipairs(sf.levels) do
    local row = { level = level }
    local total = 0
    for _, cat in ipairs(sf.categories) do
      local c = cells[level .. "/" .. cat]
      if c then
        row[cat] = string.format("%d (%+.2f)", c.n, c.weight)
        total = total + c.weight
      end
    end
    row.net = round2(total)
    matrix[#matrix + 1] = row
  end
  -- Lists, so that JSON writes an empty one as [].
  local array = require("vista.json").array
  local undocumented, empty, unanswered = array {}, array {}, array {}
  for _, level in ipairs(sf.levels) do
    if not present[level] then empty[#empty + 1] = level
    elseif not documented[level] then undocumented[#undocumented + 1] = level end
  end
  for _, f in ipairs(factors) do
    if not f.answered_by then unanswered[#unanswered + 1] = f.factor end
  end
  table.sort(unanswered)
  -- Themes: the factors that name each one, in the themes' own order.
  local by_theme = {}
  for _, f in ipairs(factors) do
    if f.theme then
      by_theme[f.theme] = by_theme[f.theme] or {}
      table.insert(by_theme[f.theme], f.factor)
    end
  end
  local themes, covered, missing = {}, array {}, array {}
  for _, th in ipairs(sf.themes) do
    local ids = by_theme[th.id]
    if ids then table.sort(ids) end
    themes[#themes + 1] = { theme = th.id, name = th.name, factors = ids and #ids or 0,
                            covered_by = ids and table.concat(ids, ", ") or nil }
    if ids then covered[#covered + 1] = th.id else missing[#missing + 1] = th.id end
  end
  local unthemed = array {}
  for _, f in ipairs(factors) do if not f.theme then unthemed[#unthemed + 1] = f.factor end end
  table.sort(unthemed)
  return { matrix = matrix, factors = factors, levels_without_factors = empty,
           levels_without_sources = undocumented, unanswered = unanswered, themes = themes,
           themes_covered = covered, themes_missing = missing, factors_without_theme = unthemed }
end

local function list_or_none(t) return #t == 0 and "none" or table.concat(t, ", ") end

-- The report in the reader's language (L: vista.i18n's writer): titles,
-- column names, levels, categories, themes and findings; factors' ids and
-- the strategy's texts as written. Copies of the rows: analyse's stay.
local function translated(a, L)
  local T = L.t
  local function list(t, tr)
    if #t == 0 then return T("none") end
    local out = {}
    for i, x in ipairs(t) do out[i] = tr and T(x) or x end
    return table.concat(out, ", ")
  end
  local function copy(rows, f)
    local out = {}
    for i, r in ipairs(rows) do
      local c = {}
      for k, v in pairs(r) do c[k] = v end
      f(c)
      out[i] = c
    end
    return out
  end
  local function headers(cols)
    local h = {}
    for i, c in ipairs(cols) do h[i] = T(c) end
    return h
  end
  local function dec(v) return type(v) == "string" and L.numtext(v) or v end
  local cols = { "level" }
  for _, c in ipairs(sf.categories) do cols[#cols + 1] = c end
  cols[#cols + 1] = "net"
  local matrix = copy(a.matrix, function(r)
    r.level = T(r.level)
    for _, c in ipairs(sf.categories) do r[c] = dec(r[c]) end
  end)
  local factors = copy(a.factors, function(r)
    r.level, r.category, r.trend = r.level and T(r.level), r.category and T(r.category), r.trend and T(r.trend)
  end)
  local themes = copy(a.themes, function(r) r.name = T(r.name) end)
  local fcols = { "factor", "level", "category", "theme", "impact", "likelihood", "weight", "trend", "answered_by", "source" }
  local tcols = { "theme", "name", "factors", "covered_by" }
  return {
    { key = "matrix", title = T("Operating environment: factors (weighted impact) by level and category"),
      rows = matrix, cols = cols, headers = headers(cols) },
    { key = "factors", title = T("Factors, strongest first"), rows = factors, main = true, cols = fcols,
      headers = headers(fcols) },
    { key = "themes", title = T("Themes the field asks a scan to cover (Mobility Scoreboard areas, labour-market needs)"),
      rows = themes, cols = tcols, headers = headers(tcols) },
    { key = "findings", title = T("Findings"), lines = {
        T("Levels with no factor: %s", list(a.levels_without_factors, true)),
        T("Levels whose factors cite no source document: %s", list(a.levels_without_sources, true)),
        T("Factors no goal answers (no goal names them as its why): %s", list(a.unanswered)),
        T("Themes the scan covers: %s", list(a.themes_covered)),
        T("Themes the scan leaves out: %s", list(a.themes_missing)),
        T("Factors with no theme: %s", list(a.factors_without_theme)),
      } },
  }, a
end

--- The report vista run scan prints; L (vista.i18n's writer, optional)
--- writes it in the reader's language.
function M.report(s, L)
  local a = M.analyse(s)
  if L and L.code ~= "en" then return translated(a, L) end
  local cols = { "level" }
  for _, c in ipairs(sf.categories) do cols[#cols + 1] = c end
  cols[#cols + 1] = "net"
  return {
    { key = "matrix", title = "Operating environment: factors (weighted impact) by level and category",
      rows = a.matrix, cols = cols },
    { key = "factors", title = "Factors, strongest first", rows = a.factors, main = true,
      cols = { "factor", "level", "category", "theme", "impact", "likelihood", "weight", "trend", "answered_by", "source" } },
    { key = "themes", title = "Themes the field asks a scan to cover (Mobility Scoreboard areas, labour-market needs)",
      rows = a.themes, cols = { "theme", "name", "factors", "covered_by" } },
    { key = "findings", title = "Findings", value = {
        levels_without_factors = a.levels_without_factors,
        levels_without_sources = a.levels_without_sources, unanswered = a.unanswered,
        themes_covered = a.themes_covered, themes_missing = a.themes_missing,
        factors_without_theme = a.factors_without_theme },
      lines = {
        "Levels with no factor: " .. list_or_none(a.levels_without_factors),
        "Levels whose factors cite no source document: " .. list_or_none(a.levels_without_sources),
        "Factors no goal answers (no goal names them as its why): " .. list_or_none(a.unanswered),
        "Themes the scan covers: " .. list_or_none(a.themes_covered),
        "Themes the scan leaves out: " .. list_or_none(a.themes_missing),
        "Factors with no theme: " .. list_or_none(a.factors_without_theme),
      } },
  }, a
end

return M
