-- benchmark: every institution's value of an indicator, ranked among its peers.
-- With its percentile in its peer group and the group's quartiles; over time
-- with --over-time.
local usage = [==[usage: vista run benchmark [--indicator ID] [--period P[,P...]] [--group GROUP]
                           [--institution CODE] [--over-time] [--publish] [--k 3|5|10]
                           [--top N] [--format table|csv|json|md]
  Lists every institution that sent someone abroad in the period with its
  value of the indicator, its rank (1 = best) and percentile (the share of
  its group's other ranked institutions it is ahead of) within its peer
  group, the group's quartiles (q1, median, q3) and its distance from the
  median; then one line per group with the pooled value of all its members.

  --indicator ID   a built-in or custom indicator (vista run indicators --list),
                   or a figure: learners (default), participants, staff,
                   incoming_learners, mean_age, mean_duration
  --period P,...   calendar years (2023) or school years (2023-24); default
                   the latest with records
  --group GROUP    peer groups: all (default), country, na (National Agency),
                   key_action (each institution's main one), size (participants:
                   1-19, 20-49, 50-99, 100-249, 250+)
  --institution C  mark this institution and say where it stands
  --over-time      several periods: each institution's first and last value,
                   change, and whether it moved up or down in its group
  --publish        apply the small-cell rules to every figure (for publication)
  --k N            the smallest count shown: 3, 5 (default) or 10
  --top N          only the N best of each group (and the marked institution)

  Small cells: with --publish, and always for other institutions in a
  session opened with --scope, a count of 1 to k-1 people is suppressed, a
  share needs a base of 23, a mean a base of 8, and a figure from which a
  suppressed one could be recovered (its complement, a group total) is
  suppressed too. Fewer-opportunities and special-needs figures follow the
  rules always. Suppressed institutions are listed but not ranked, so the
  quartiles hold no suppressed value. README, "Small cells", says more.]==]
local o, fmt = require("vista.args").parse(arg, {
  indicator = "value", period = "value", group = "value", institution = "value",
  ["over-time"] = "flag", publish = "flag", k = "value", top = "value" }, usage)
if o.help then return end
local format = require "vista.format"
local k = 5
if o.k then
  k = tonumber(o.k)
  if k ~= 3 and k ~= 5 and k ~= 10 then error("--k must be 3, 5 or 10, not '" .. o.k .. "'", 0) end
end
local top = o.top and tonumber(o.top)
if o.top and (not top or top < 1 or top ~= math.floor(top)) then error("--top needs a whole number, not '" .. o.top .. "'", 0) end
local periods
if o.period then
  periods = {}
  for p in o.period:gmatch("[^,]+") do periods[#periods + 1] = p end
end
local mark
if o.institution then
  mark = vista.org.id(o.institution, "--institution")
end
if o["over-time"] and not periods then
  -- Every period of the indicator's kind with records.
  local def = vista.indicator.definition(o.indicator or "learners") or { period = "calendar" }
  local seen, list = {}, {}
  for _, r in ipairs(vista.benchmark.figures { period = def.period or "calendar" }) do
    if not seen[r.period] then seen[r.period] = true; list[#list + 1] = r.period end
  end
  table.sort(list)
  periods = list
end
local ok, strategy = pcall(vista.strategy.get)
local res = vista.benchmark.run { indicator = o.indicator or "learners", periods = periods, group = o.group,
                                  k = k, publish = o.publish, strategy = ok and strategy or nil }
local def = res.indicator
local title = string.format("%s (%s), %s, peer group: %s%s", def.name, def.unit,
  table.concat(res.periods, ", "), res.group, res.publish and ", published (k = " .. k .. ")" or "")
local function marked(r) return r.institution == mark or r.own end

if o["over-time"] then
  local rows = vista.benchmark.trend(res)
  for _, r in ipairs(rows) do
    r.you = marked(r) and "<" or nil
    for _, p in ipairs(res.periods) do r[p] = r.values[p] end
  end
  local cols = { "you", "code", "name", "group" }
  for _, p in ipairs(res.periods) do cols[#cols + 1] = p end
  for _, c in ipairs { "change", "first_rank", "last_rank", "first_percentile", "last_percentile", "movement" } do cols[#cols + 1] = c end
  format.sections({
    { key = "trend", title = title, rows = rows, cols = cols, main = true },
  }, fmt)
  return
end

local rows, shown = {}, {}
for _, r in ipairs(res.rows) do
  local key = r.group .. "\0" .. r.period
  shown[key] = shown[key] or 0
  if not top or (r.rank and r.rank <= top) or marked(r) then
    r.you = marked(r) and "<" or nil
    rows[#rows + 1] = r
  end
end
local sections = {
  { key = "institutions", title = title, main = true, rows = rows,
    cols = { "you", "period", "group", "rank", "code", "name", "value", "numerator", "denominator",
             "percentile", "median", "distance", "status" } },
  { key = "groups", title = "Peer groups", rows = res.groups,
    cols = { "period", "group", "institutions", "ranked", "suppressed", "min", "q1", "median", "q3", "max", "pooled", "pooled_status" } },
}
if mark or vista.scope then
  local lines = {}
  for _, r in ipairs(res.rows) do
    if marked(r) then
      if r.rank then
        lines[#lines + 1] = string.format("%s, %s: %s %s, rank %d of %d in %s, percentile %s, %s the median (%s)",
          r.name, r.period, tostring(r.value), def.unit, r.rank, r.ranked, r.group, tostring(r.percentile),
          r.distance >= 0 and "+" .. r.distance .. " from" or r.distance .. " from", tostring(r.median))
      else
        lines[#lines + 1] = string.format("%s, %s: not ranked (%s)", r.name, r.period, r.status)
      end
    end
  end
  if #lines == 0 then lines[1] = "the marked institution sent no one in " .. table.concat(res.periods, ", ") end
  table.insert(sections, 2, { key = "position", title = "Position", lines = lines })
end
format.sections(sections, fmt)
