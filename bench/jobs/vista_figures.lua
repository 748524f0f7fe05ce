-- The per-institution figures of the benchmark, as a user would script them:
-- one call of vista.mobility.figures, printed as CSV.
local rows = vista.mobility.figures{ by = { "institution", "sending_country" } }
print("inst,participants,learners,staff,female_share,male_share,undefined_share,"
  .. "fewer_share,special_share,receiving_countries,mean_duration,mean_age,long_term_share")
local fmt = string.format
local function q(s) return '"' .. s:gsub('"', '""') .. '"' end
for _, r in ipairs(rows) do
  if r.institution then
    local inst = r.institution_code or (r.institution_name .. "|" .. r.sending_country)
    print(fmt("%s,%d,%d,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%d,%.10g,%.10g,%s", q(inst),
      r.participants, r.learners, r.staff, r.female_share, r.male_share,
      r.undefined_share, r.fewer_opportunities_share, r.special_needs_share,
      r.receiving_countries, r.mean_duration or 0, r.mean_age or 0,
      r.long_term_share and fmt("%.10g", r.long_term_share) or ""))
  end
end
