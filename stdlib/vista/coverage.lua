--- vista.coverage: how much of a share's base is known (unknown is a
--- value, never 0 or "no"). A share of learners with an attribute is over
--- the learners whose attribute is recorded; its coverage is those known
--- ÷ all learners × 100. No coverage at all: the share is "not recorded";
--- coverage below M.threshold (80 by default, configurable per call and
--- with --min-coverage where a script offers it) is flagged.
local M = {}

M.threshold = 80

--- The shares and means of vista.mobility.figures, each with its
--- coverage column.
M.mobility = {
  { "female_share", "gender_coverage", "gender" }, { "male_share", "gender_coverage", "gender" },
  { "undefined_share", "gender_coverage", "gender" },
  { "fewer_opportunities_share", "fewer_opportunities_coverage", "fewer opportunities" },
  { "special_needs_share", "special_needs_coverage", "special needs" },
  { "mean_duration", "duration_coverage", "duration" }, { "mean_age", "age_coverage", "age" },
}

--- Marks each row in place: a share whose coverage is 0 (or whose base
--- has no learners) becomes "not recorded"; the shares whose coverage is
--- below threshold are named, by attribute, in low_coverage ("gender
--- 60%, age 75%").
function M.mark(rows, pairs_, threshold, base)
  threshold = threshold or M.threshold
  base = base or "learners"
  for _, r in ipairs(rows) do
    local low, named = {}, {}
    for _, p in ipairs(pairs_ or M.mobility) do
      local share, cov, what = p[1], p[2], p[3] or p[1]
      local c = r[cov]
      if (r[base] or 0) > 0 and (c == nil or c == 0) then
        r[share] = "not recorded"
      elseif c ~= nil and c < threshold and not named[what] then
        named[what] = true
        low[#low + 1] = string.format("%s %g%%", what, math.floor(c * 100 + 0.5) / 100)
      end
    end
    r.low_coverage = #low > 0 and table.concat(low, ", ") or nil
  end
  return rows
end

return M
