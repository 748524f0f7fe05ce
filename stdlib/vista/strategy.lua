--- vista.strategy: the stored strategy of an institution, as one table.
--- The C part (list) is in core/strategy.c; `vista import strategy` stores.
local _, M = ...

local function pick(institution)
  local all = M.list()
  if #all == 0 then
    error("no strategy in the database (vista import strategy FILE.lua)", 3)
  end
  if institution == nil then
    local first = all[1]
    for _, s in ipairs(all) do
      if s.institution ~= first.institution then
        error("strategies of several institutions: say which (vista.strategy.get(ERASMUS_CODE or id))", 3)
      end
    end
    return first
  end
  for _, s in ipairs(all) do
    if s.institution == institution or s.institution_code == institution or s.id == institution then
      return s
    end
  end
  error("no strategy for institution '" .. tostring(institution) .. "'", 3)
end

--- vista.strategy.get([institution]) -> the newest strategy of the
--- institution (an id or Erasmus code; may be left out when the database
--- holds one institution's strategies): mission, vision, values,
--- core_skills, goals, actions, factors, indicators.
function M.get(institution)
  local head = pick(institution)
  local id = head.id
  local s = vista.sql([[SELECT s.id, s.title, s.period_from AS from_, s.period_to AS to_,
      s.mission, s.vision, s.source_path, s.source, s.institution_id,
      i.name AS institution_name, i.erasmus_code AS institution_code, i.country AS institution_country
    FROM strategy s JOIN institution i ON i.id = s.institution_id WHERE s.id = ?]], id)[1]
  local out = {
    id = s.id, title = s.title, from = s.from_, to = s.to_, mission = s.mission, vision = s.vision,
    source_path = s.source_path, source = s.source,
    institution = { id = s.institution_id, name = s.institution_name, code = s.institution_code,
                    country = s.institution_country },
    values = {}, core_skills = {}, goals = {}, actions = {}, factors = {}, indicators = {},
  }
  for _, r in ipairs(vista.sql("SELECT kind, text FROM strategy_item WHERE strategy_id = ? ORDER BY kind, pos", id)) do
    local list = r.kind == "value" and out.values or out.core_skills
    list[#list + 1] = r.text
  end
  local goal_by = {}
  for _, g in ipairs(vista.sql("SELECT id, text, why_kind, why, line FROM goal WHERE strategy_id = ? ORDER BY pos", id)) do
    g.indicators, g.actions = {}, {}
    out.goals[#out.goals + 1] = g
    goal_by[g.id] = g
  end
  for _, r in ipairs(vista.sql("SELECT gi.goal_id, gi.indicator_id FROM goal_indicator gi JOIN goal g"
      .. " ON g.strategy_id = gi.strategy_id AND g.id = gi.goal_id WHERE gi.strategy_id = ?"
      .. " ORDER BY g.pos, gi.rowid", id)) do
    local list = goal_by[r.goal_id].indicators
    list[#list + 1] = r.indicator_id
  end
  for _, a in ipairs(vista.sql([[SELECT pos, goal_id AS goal, what, owner, start, due, budget,
      person_days, status, indicator_id AS indicator, line FROM action WHERE strategy_id = ? ORDER BY pos]], id)) do
    out.actions[#out.actions + 1] = a
    local g = goal_by[a.goal]
    if g then g.actions[#g.actions + 1] = a end
  end
  for _, f in ipairs(vista.sql([[SELECT id, level, category, text, source, trend, impact, likelihood, theme, line
      FROM env_factor WHERE strategy_id = ? ORDER BY line]], id)) do
    out.factors[#out.factors + 1] = f
  end
  local ind_by = {}
  for _, i in ipairs(vista.sql([[SELECT id, name, unit, definition, direction, period_type, builtin, line
      FROM indicator WHERE strategy_id = ? ORDER BY line, id]], id)) do
    i.builtin = i.builtin == 1
    i.baseline, i.targets, i.measured = {}, {}, {}
    out.indicators[#out.indicators + 1] = i
    ind_by[i.id] = i
  end
  for _, v in ipairs(vista.sql("SELECT indicator_id, kind, period, value FROM indicator_value WHERE strategy_id = ? ORDER BY period", id)) do
    local i = ind_by[v.indicator_id]
    local key = v.kind == "target" and "targets" or v.kind
    if i then i[key][v.period] = v.value end
  end
  -- Directions and target bands, which the table cannot hold, from the
  -- stored text (checked when it was imported).
  local ok, d = pcall(require("vista.strategy_file").read, out.source or "", out.source_path or "strategy")
  if ok and d then
    for _, x in ipairs(d.indicators) do
      local i = ind_by[x.id]
      if i then i.direction, i.bands = x.direction, x.bands end
    end
  end
  return out
end

return M
