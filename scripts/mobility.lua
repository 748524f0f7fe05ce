-- mobility: participant-weighted mobility figures, grouped and filtered.
-- usage: vista run mobility [--by FIELD[,FIELD...]] [FIELD=VALUE ...]
--                           [--all] [--format table|csv|json|md]
--   vista run mobility --by year vet=true profile=learner
--   vista run mobility --by institution,year sending_country=BE --format csv
-- Values: numbers for years, true/false for flags, codes (BE, learner,
-- short, ...) otherwise; several values with commas: year=2022,2023.
-- --all shows every figure; by default the ones people quote most.
-- Shares and means are over learners (the learner role: never a group
-- leader or accompanying person), each over the learners whose value is
-- known, with its coverage (known / learners x 100): "not recorded" when
-- nothing is known, named in low_coverage below --min-coverage (80).
local format = require "vista.format"
local coverage = require "vista.coverage"

local fmt, rest = format.from_args(arg)
local query, all, min_coverage = {}, false, coverage.threshold
local kinds = {}
for _, f in ipairs(vista.mobility.fields()) do kinds[f.name] = f end

local function value(name, text)
  if text == "true" then return true elseif text == "false" then return false end
  if name == "institution" or name == "receiving_institution" then
    return math.tointeger(tonumber(text)) or text
  end
  return math.tointeger(tonumber(text)) or text
end

local i = 1
while rest[i] do
  local a = rest[i]
  if a == "--by" then
    i = i + 1
    if not rest[i] then error("--by needs a field name (vista.mobility.fields() lists them)", 0) end
    query.by = {}
    for name in rest[i]:gmatch("[^,]+") do query.by[#query.by + 1] = name end
  elseif a == "--all" then
    all = true
  elseif a == "--min-coverage" then
    i = i + 1
    min_coverage = tonumber(rest[i])
    if not min_coverage or min_coverage < 0 or min_coverage > 100 then
      error("--min-coverage needs a percentage from 0 to 100", 0)
    end
  elseif a == "--help" then
    print("usage: vista run mobility [--by FIELD[,FIELD...]] [FIELD=VALUE ...] [--all] [--min-coverage PCT] [--format table|csv|json|md]")
    print("Shares and means are over learners (never group leaders or accompanying persons),")
    print("each over those whose value is known; *_coverage = known / learners x 100.")
    print("fields:")
    for _, f in ipairs(vista.mobility.fields()) do
      print(string.format("  %-22s %s", f.name, f.description))
    end
    return
  else
    local name, text = a:match("^([%w_]+)=(.*)$")
    if not name then error("cannot read '" .. a .. "' (FIELD=VALUE, --by, --all, --format)", 0) end
    if not kinds[name] then error("unknown field '" .. name .. "' (vista run mobility --help lists them)", 0) end
    local values = {}
    for v in text:gmatch("[^,]+") do values[#values + 1] = value(name, v) end
    query[name] = #values == 1 and values[1] or values
  end
  i = i + 1
end

local rows = vista.mobility.figures(query)
if #rows == 0 then print("no mobility matches"); return end

local shown = {}

for _, c in ipairs(rows.columns) do
  if all or not c:match("^female$") and not c:match("^male$")
     and not c:match("_share$") and not c:match("^mean_") and not c:match("_coverage$")
     and not c:match("_known$") and not c:match("^participants_mean_")
     and c ~= "undefined_gender" and c ~= "fewer_opportunities" and c ~= "special_needs"
     and c ~= "long_term" and c ~= "institution" and c ~= "shares_over" then
    shown[#shown + 1] = c
  end
end
if not all then
  for _, c in ipairs { "female_share", "gender_coverage", "fewer_opportunities_share",
                       "fewer_opportunities_coverage", "mean_duration", "mean_age",
                       "long_term_share" } do
    shown[#shown + 1] = c
  end
end
shown[#shown + 1] = "low_coverage"
if not all then shown[#shown + 1] = "shares_over" end
-- Shares and means to two decimals, the same in every format (README,
-- "Numbers in outputs").
for _, r in ipairs(rows) do
  for k, v in pairs(r) do
    if math.type(v) == "float" then r[k] = math.floor(v * 100 + 0.5) / 100 end
  end
end
coverage.mark(rows, nil, min_coverage)
format.print(rows, fmt, shown)
