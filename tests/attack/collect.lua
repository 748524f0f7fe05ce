-- collect.lua: everything an attacker asks the APIs for, printed as one
-- JSON document (tests/attack/attack.py reads it). Run in a scoped session
-- or published (the figures a reader of published tables gets): attack.py
-- fills in @PUBLISH@ and @YEARS@ (scripts run in a sandbox, without the
-- environment).
-- Every call is protected: a refused parameter is recorded as refused, not
-- an error, since the design refuses some on purpose.
local publish = @PUBLISH@
local years = {}
for y in ("@YEARS@"):gmatch("%d+") do years[#years + 1] = y end
local out = { benchmark = {}, consortium = {} }

local function try(f, ...)
  local ok, a, b = pcall(f, ...)
  if ok then return a, b end
  return nil, nil, tostring(a)
end

local ks = { 3, 5, 6, 7, 10, 20 }
local groupings = { "all", "country", "na", "key_action", "size" }
for _, kind in ipairs({ "calendar", "school" }) do
  local periods = {}
  for _, y in ipairs(years) do
    periods[#periods + 1] = kind == "calendar" and y
      or string.format("%d-%02d", tonumber(y), (tonumber(y) + 1) % 100)
  end
  for _, k in ipairs(ks) do
    for _, g in ipairs(groupings) do
      local rows, totals = try(vista.benchmark.figures, { period = kind, periods = periods, k = k,
                                                         publish = publish, group_by = g })
      if rows then
        out.benchmark[#out.benchmark + 1] = { kind = kind, k = k, group_by = g, rows = rows,
                                              totals = totals or {} }
      end
    end
  end
end

-- Consortia: every project the session may name, over whole years and free
-- windows (single months), with and without the schools' rows.
-- Projects with more than one sender (a scoped session sees its own
-- records only, so: its own projects).
local projects = {}
for _, r in ipairs(vista.sql("SELECT p.reference FROM mobility m JOIN project p ON p.id = m.project_id"
                             .. " GROUP BY 1 HAVING count(DISTINCT m.sending_id) > 1 OR @SCOPED@"
                             .. " ORDER BY 1")) do
  projects[#projects + 1] = r.reference
end
local windows = {}
for _, y in ipairs(years) do
  local yy = tonumber(y)
  windows[#windows + 1] = { yy * 100 + 1, yy * 100 + 12 }
  windows[#windows + 1] = { yy * 100 + 9, (yy + 1) * 100 + 8 }
  for m = 1, 12 do windows[#windows + 1] = { yy * 100 + m, yy * 100 + m } end
  windows[#windows + 1] = { yy * 100 + 1, yy * 100 + 6 }
end
for _, ref in ipairs(projects) do
  for _, w in ipairs(windows) do
    for _, k in ipairs({ 5, 10 }) do
      local total, schools = try(vista.consortium.figures, { project = ref, from = w[1], to = w[2], k = k,
                                                            publish = publish, by_school = true })
      if total then
        out.consortium[#out.consortium + 1] = { project = ref, from = w[1], to = w[2], k = k,
                                                total = total, schools = schools or {} }
      end
    end
  end
end
print(require("vista.format").json(out))
