-- Every institution's percentile rank on participants within its sending
-- country: one window function over the summary the importer keeps.
local rows = vista.sql([[
  SELECT coalesce(i.erasmus_code, i.name || '|' || c.code) AS inst,
         percent_rank() OVER (PARTITION BY t.country ORDER BY t.participants) AS pct
  FROM (SELECT institution_id, sending_country_id AS country,
               sum(participants) AS participants
        FROM mobility_summary WHERE institution_id > 0 GROUP BY 1, 2) t
  JOIN institution i ON i.id = t.institution_id
  JOIN country c ON c.id = t.country]])
print("inst,pct")
local function q(s) return '"' .. s:gsub('"', '""') .. '"' end
for _, r in ipairs(rows) do print(string.format("%s,%.10g", q(r.inst), r.pct)) end
