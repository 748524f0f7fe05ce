-- The per-institution figures of the benchmark, as a user would script them:
-- one call of vista.mobility.figures, printed as CSV.
local rows = vista.mobility.figures{ by = { "institution", "sending_country" } }
print("inst,participants,learners,staff,female_share,male_share,undefined_share,"
  .. "fewer_share,special_share,receiving_countries,mean_duration,mean_age,long_term_share")
local fmt = string.format
local function q(s) return '"' .. s:gsub('"', '""') .. '"' end
-- Shares and means are over learners: none known, none printed.
local function g(x) return x and fmt("%.10g", x) or "" end
for _, r in ipairs(rows) do
  if r.institution then
    local inst = r.institution_code or (r.institution_name .. "|" .. r.sending_country)
    print(fmt("%s,%d,%d,%d,%s,%s,%s,%s,%s,%d,%s,%s,%s", q(inst),
      r.participants, r.learners, r.staff, g(r.female_share), g(r.male_share),
      g(r.undefined_share), g(r.fewer_opportunities_share), g(r.special_needs_share),
      r.receiving_countries, g(r.mean_duration), g(r.mean_age), g(r.long_term_share)))
  end
end
