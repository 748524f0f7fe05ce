--- vista.why: the why-chains of a strategy's goals. Ask "why?" of a goal;
--- while the answer is another goal, ask again; the goal whose answer is no
--- longer a goal (nor the words of one) is a true, strategically focused
--- goal; the guide's count advice is about those, and the goals that serve
--- them belong in the action plan.
---
---   vista.why.analyse(strategy) -> findings (strategy as vista.strategy.get() gives it)
---   vista.why.report(strategy) -> sections for vista.format.sections
local M = {}

--- text cut to at most n characters (UTF-8 code points, never inside one),
--- with "..." when it was longer. Text that is not UTF-8 is cut by bytes.
function M.cut(text, n)
  local len = utf8.len(text)
  if not len then
    if #text <= n then return text end
    return text:sub(1, n - 3) .. "..."
  end
  if len <= n then return text end
  return text:sub(1, utf8.offset(text, n - 2) - 1) .. "..."
end

local function reason_text(s, g)
  if g.why_kind == "mission" then return "mission: " .. (s.mission or "") end
  if g.why_kind == "vision" then return "vision: " .. (s.vision or "") end
  if g.why_kind == "factor" then
    for _, f in ipairs(s.factors or {}) do
      if f.id == g.why then return "factor " .. f.id .. ": " .. f.text end
    end
    return "factor " .. tostring(g.why) .. " (not in the scan)"
  end
  if g.why_kind == "text" then return '"' .. tostring(g.why) .. '"' end
  return nil
end

-- The reason a chain ends at, in a few words (the tree has it in full).
local function short_reason(g)
  if g.why_kind == "factor" then return "factor " .. tostring(g.why) end
  if g.why_kind == "text" then
    return '"' .. M.cut(tostring(g.why), 40) .. '"'
  end
  return g.why_kind
end

--- The guide's count advice, about strategic goals (whose why is no longer
--- another goal): five or six, never more than eight. n is their number.
function M.count_advice(n)
  local what = string.format("%d strategic goal%s", n, n == 1 and "" or "s")
  if n > 8 then return "too many", what .. ": the guide advises five or six, never more than eight" end
  if n >= 7 then return "many", what .. ": allowed, but the guide advises five or six" end
  if n >= 5 then return "as advised", what .. ": as the guide advises (five or six)" end
  return "few", what .. ": the guide advises five or six"
end

-- The goal a why in words names (its id or its text), if any: such an
-- answer is a goal, not a reason.
local function words_goal(s, words)
  local function norm(x) return (x:lower():gsub("[%s%p]+", " "):gsub("^ ", ""):gsub(" $", "")) end
  local w = norm(words)
  for _, g in ipairs(s.goals) do
    if norm(g.id) == w or (type(g.text) == "string" and norm(g.text) == w) then return g end
  end
  return nil
end

--- Findings about the goals of strategy s: chains (goal -> ... -> reason),
--- strategic goals, cycles, dangling whys, goals without an indicator or an
--- action, and the goal count.
function M.analyse(s)
  local by = {}
  for _, g in ipairs(s.goals) do by[g.id] = g end
  -- Lists, so that JSON writes an empty one as [].
  local array = require("vista.json").array
  local out = { goals = array {}, strategic = array {}, sub_goals = array {}, cycles = array {},
                into_cycle = array {}, dangling = array {}, answers_are_goals = array {},
                no_indicator = array {}, no_action = array {} }
  local cycle_seen = {}
  for _, g in ipairs(s.goals) do
    local chain, seen, cur = { g.id }, { [g.id] = true }, g
    local ends, reason
    while true do
      local named = cur.why_kind == "text" and words_goal(s, tostring(cur.why))
      if named then
        ends = "goal in words"
        if cur == g then out.answers_are_goals[#out.answers_are_goals + 1] = { goal = g.id, why = g.why, names = named.id } end
        break
      end
      if cur.why_kind ~= "goal" then
        ends, reason = "reason", reason_text(s, cur)
        break
      end
      local nxt = by[cur.why]
      if not nxt then
        ends = "dangling"
        out.dangling[#out.dangling + 1] = { goal = cur.id, why = cur.why }
        break
      end
      if seen[nxt.id] then
        ends = "cycle"
        local start
        for i, id in ipairs(chain) do if id == nxt.id then start = i end end
        local cyc = {}
        for i = start, #chain do cyc[#cyc + 1] = chain[i] end
        local sorted = { table.unpack(cyc) }
        table.sort(sorted)
        local key = table.concat(sorted, ",")
        cyc[#cyc + 1] = nxt.id
        if not cycle_seen[key] then
          cycle_seen[key] = true
          out.cycles[#out.cycles + 1] = cyc
        end
        if start > 1 then out.into_cycle[#out.into_cycle + 1] = { goal = g.id, cycle = cyc } end
        break
      end
      chain[#chain + 1] = nxt.id
      seen[nxt.id] = true
      cur = nxt
    end
    local strategic = g.why_kind ~= "goal" and ends == "reason"
    if strategic then out.strategic[#out.strategic + 1] = g.id
    elseif g.why_kind == "goal" then out.sub_goals[#out.sub_goals + 1] = { goal = g.id, serves = g.why } end
    local n_ind = #(g.indicators or {})
    local n_act = #(g.actions or {})
    if n_ind == 0 then out.no_indicator[#out.no_indicator + 1] = g.id end
    if n_act == 0 then out.no_action[#out.no_action + 1] = g.id end
    out.goals[#out.goals + 1] = {
      goal = g.id, text = g.text, strategic = strategic, depth = #chain - 1,
      chain = table.concat(chain, " -> ") .. (reason and (" -> " .. short_reason(cur)) or ""),
      ends = ends, reason = reason, root = chain[#chain],
      indicators = n_ind, actions = n_act,
    }
  end
  out.count = #s.goals
  out.advice, out.advice_text = M.count_advice(#out.strategic)
  return out
end

--- The goals as a tree: each reason, the strategic goal it answers, and
--- under every goal the goals whose why it is. Lines of text.
function M.tree(s)
  local children, lines = {}, {}
  for _, g in ipairs(s.goals) do
    if g.why_kind == "goal" then
      children[g.why] = children[g.why] or {}
      table.insert(children[g.why], g)
    end
  end
  local function walk(g, prefix, last, seen)
    local mark = last and "`-- " or "|-- "
    lines[#lines + 1] = prefix .. mark .. g.id .. ": " .. tostring(g.text)
    if seen[g.id] then return end
    seen[g.id] = true
    local kids = children[g.id] or {}
    for i, k in ipairs(kids) do
      walk(k, prefix .. (last and "    " or "|   "), i == #kids, seen)
    end
  end
  -- Group strategic goals under their reason, in goal order.
  local reasons, order = {}, {}
  for _, g in ipairs(s.goals) do
    if g.why_kind ~= "goal" then
      local r = reason_text(s, g)
      if not reasons[r] then reasons[r] = {}; order[#order + 1] = r end
      table.insert(reasons[r], g)
    end
  end
  local seen = {}
  for _, r in ipairs(order) do
    lines[#lines + 1] = "why: " .. r
    for i, g in ipairs(reasons[r]) do walk(g, "", i == #reasons[r], seen) end
  end
  -- Goals no reason reaches: cycles and dangling chains.
  for _, g in ipairs(s.goals) do
    if not seen[g.id] then
      lines[#lines + 1] = "why: (no reason reached)"
      walk(g, "", true, seen)
    end
  end
  return lines
end

local function list_or_none(t) return #t == 0 and "none" or table.concat(t, ", ") end

-- The report in another language than English (L: vista.i18n's writer):
-- the same findings, from the same analysis, in the reader's words.
local ADVICE = {
  ["too many"] = "%d strategic goals: the guide advises five or six, never more than eight",
  many = "%d strategic goals: allowed, but the guide advises five or six",
  ["as advised"] = "%d strategic goals: as the guide advises (five or six)",
  few = "%d strategic goals: the guide advises five or six",
}
local function translated(s, a, L)
  local T = L.t
  local function list(t) return #t == 0 and T("none") or table.concat(t, ", ") end
  local subs = {}
  for _, x in ipairs(a.sub_goals) do subs[#subs + 1] = T("%s (serves %s)", x.goal, x.serves) end
  local findings = {
    T("Goals: %s (%d goals in all)", T(ADVICE[a.advice], #a.strategic), a.count),
    T("True strategic goals (their why is no longer a goal): %s", list(a.strategic)),
    T("Sub-goals, which belong in the action plan of the goal they serve: %s", list(subs)),
    T("Cycles: %s", #a.cycles == 0 and T("none") or ""),
  }
  for _, c in ipairs(a.cycles) do findings[#findings + 1] = "  " .. table.concat(c, " -> ") end
  for _, x in ipairs(a.into_cycle) do
    findings[#findings + 1] = "  " .. T("%s leads into the cycle %s", x.goal, table.concat(x.cycle, " -> "))
  end
  for _, x in ipairs(a.answers_are_goals) do
    findings[#findings + 1] = T('Goal %s: its why "%s" is itself a goal (%s): ask why again', x.goal, tostring(x.why), x.names)
  end
  local dangling = {}
  for _, d in ipairs(a.dangling) do dangling[#dangling + 1] = T("%s (why: %s)", d.goal, d.why) end
  findings[#findings + 1] = T("Whys naming a missing goal: %s", list(dangling))
  findings[#findings + 1] = T("Goals without an indicator: %s", list(a.no_indicator))
  findings[#findings + 1] = T("Goals without an action: %s", list(a.no_action))
  -- The tree's reasons: "why: mission: ..." in the reader's words.
  local tree = {}
  for i, line in ipairs(M.tree(s)) do
    local rest = line:match("^why: (.*)$")
    if rest then
      for _, k in ipairs { "mission", "vision" } do
        local r = rest:match("^" .. k .. ": (.*)$")
        if r then rest = T(k) .. ": " .. r end
      end
      local f = rest:match("^factor (.*)$")
      if f then rest = T("factor") .. " " .. f end
      if rest == "(no reason reached)" then rest = T(rest) end
      line = T("why") .. ": " .. rest
    end
    tree[i] = line
  end
  local rows = {}
  for i, g in ipairs(a.goals) do
    local r = {}
    for k, v in pairs(g) do r[k] = v end
    r.strategic = T(g.strategic and "yes" or "no")
    rows[i] = r
  end
  local cols = { "goal", "strategic", "depth", "indicators", "actions", "chain" }
  local headers = {}
  for i, c in ipairs(cols) do headers[i] = T(c) end
  return {
    { key = "tree", title = T("Why-chains of %s", s.title or T("the strategy")), lines = tree, code = true },
    { key = "findings", title = T("Findings"), lines = findings, value = a },
    { key = "goals", title = T("Goals"), rows = rows, main = true, cols = cols, headers = headers },
  }, a
end

--- The report vista run why prints; L (vista.i18n's writer, optional)
--- writes it in the reader's language.
function M.report(s, L)
  local a = M.analyse(s)
  if L and L.code ~= "en" then return translated(s, a, L) end
  local subs = {}
  for _, x in ipairs(a.sub_goals) do subs[#subs + 1] = x.goal .. " (serves " .. x.serves .. ")" end
  local findings = {
    "Goals: " .. a.advice_text .. string.format(" (%d goal%s in all)", a.count, a.count == 1 and "" or "s"),
    "True strategic goals (their why is no longer a goal): " .. list_or_none(a.strategic),
    "Sub-goals, which belong in the action plan of the goal they serve: " .. list_or_none(subs),
    "Cycles: " .. (#a.cycles == 0 and "none" or ""),
  }
  for _, c in ipairs(a.cycles) do findings[#findings + 1] = "  " .. table.concat(c, " -> ") end
  for _, x in ipairs(a.into_cycle) do
    findings[#findings + 1] = "  " .. x.goal .. " leads into the cycle " .. table.concat(x.cycle, " -> ")
  end
  for _, x in ipairs(a.answers_are_goals) do
    findings[#findings + 1] = string.format('Goal %s: its why "%s" is itself a goal (%s): ask why again',
                                            x.goal, tostring(x.why), x.names)
  end
  local dangling = {}
  for _, d in ipairs(a.dangling) do dangling[#dangling + 1] = d.goal .. " (why: " .. d.why .. ")" end
  findings[#findings + 1] = "Whys naming a missing goal: " .. list_or_none(dangling)
  findings[#findings + 1] = "Goals without an indicator: " .. list_or_none(a.no_indicator)
  findings[#findings + 1] = "Goals without an action: " .. list_or_none(a.no_action)
  return {
    { key = "tree", title = "Why-chains of " .. (s.title or "the strategy"), lines = M.tree(s), code = true },
    { key = "findings", title = "Findings", lines = findings,
      value = a },
    { key = "goals", title = "Goals", rows = a.goals, main = true,
      cols = { "goal", "strategic", "depth", "indicators", "actions", "chain" } },
  }, a
end

return M
