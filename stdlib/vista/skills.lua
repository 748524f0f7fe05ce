--- vista.skills: the institution's international core skills, from its
--- anonymous staff survey (`vista import survey`) — the guide's third step
--- of the strategy journey ("a small survey of the staff and their
--- international experience and skills").
---
---   local sk = require "vista.skills"
---   sk.report{ institution = ..., k = 5 } -> {
---     respondents, survey (import id and date),
---     languages  = per language: b2_or_above, any_level (staff counts),
---     departments = per department (small ones pooled): respondents,
---                   experienced (any international experience) and share,
---                   interested, with a total line,
---     experience = per kind of experience: staff,
---     leads      = who could lead what: staff, of whom experienced,
---     support    = the support asked for, most asked first,
---     gaps       = what the strategy's goals need that no one offers }
---
--- Small groups are suppressed by the benchmarks' rules (vista.benchmark
--- .suppress, in C): no count of 1 to k-1 people, no share of fewer than
--- 23, no complement that small; departments with fewer than k respondents
--- are pooled into one line first. No answer can be traced to a person.
local M = {}
local timeline = require "vista.timeline"

M.levels = { "A1", "A2", "B1", "B2", "C1", "C2" }
M.language_names = {
  bg = "Bulgarian", cs = "Czech", da = "Danish", de = "German", el = "Greek", en = "English",
  es = "Spanish", et = "Estonian", fi = "Finnish", fr = "French", ga = "Irish", hr = "Croatian",
  hu = "Hungarian", it = "Italian", lt = "Lithuanian", lv = "Latvian", mt = "Maltese", nl = "Dutch",
  pl = "Polish", pt = "Portuguese", ro = "Romanian", sk = "Slovak", sl = "Slovenian", sv = "Swedish",
  is = "Icelandic", no = "Norwegian", tr = "Turkish", mk = "Macedonian", sr = "Serbian",
  sq = "Albanian", ar = "Arabic", zh = "Chinese", ru = "Russian", uk = "Ukrainian", ja = "Japanese",
  lb = "Luxembourgish",
}
--- The languages of the destination countries (Erasmus+ codes).
M.country_languages = {
  AT = { "de" }, BE = { "nl", "fr", "de" }, BG = { "bg" }, HR = { "hr" }, CY = { "el" }, CZ = { "cs" },
  DK = { "da" }, EE = { "et" }, FI = { "fi", "sv" }, FR = { "fr" }, DE = { "de" }, EL = { "el" },
  HU = { "hu" }, IE = { "en", "ga" }, IT = { "it" }, LV = { "lv" }, LT = { "lt" }, LU = { "lb", "fr", "de" },
  MT = { "mt", "en" }, NL = { "nl" }, PL = { "pl" }, PT = { "pt" }, RO = { "ro" }, SK = { "sk" },
  SI = { "sl" }, ES = { "es" }, SE = { "sv" }, IS = { "is" }, LI = { "de" }, NO = { "no" },
  MK = { "mk" }, RS = { "sr" }, TR = { "tr" }, UK = { "en" },
}
M.leads = { lead_project_writing = "project writing", lead_hosting = "hosting learners and staff",
            lead_competitions = "skills competitions", lead_training = "training colleagues" }
M.experiences = { stay_abroad = "a stay abroad", project = "an international project",
                  hosting = "hosting learners or staff", expert = "skills-competition expert" }

local function suppress(columns, rows, k, total)
  return vista.benchmark.suppress(columns, rows, { k = k, protect = true, total = total })
end

local function pct(n, d)
  if n == nil or d == nil or d == 0 then return nil end
  local r = math.floor(100 * n / d * 100 + 0.5) / 100
  return math.tointeger(r) or r
end

--- The latest survey of the institution: its import id and date.
function M.latest(inst)
  return vista.sql([[SELECT r.import_id AS id, l.imported_at AS date, l.source, count(*) AS respondents
    FROM survey_response r JOIN import_log l ON l.id = r.import_id
    WHERE r.institution_id = ? GROUP BY r.import_id ORDER BY r.import_id DESC LIMIT 1]], inst)[1]
end

function M.report(opts)
  opts = opts or {}
  local k = opts.k or 5
  local inst = timeline.institution(opts.institution)
  local survey = M.latest(inst)
  if not survey then error("no staff survey for this institution: vista import survey FILE", 2) end
  local sid = survey.id
  local n = survey.respondents
  local out = { respondents = n, survey = survey, k = k }

  -- Languages: staff at B2 or above, and at any level.
  local langs = vista.sql([[SELECT language, sum(level >= 4) AS b2_or_above, count(*) AS any_level
    FROM survey_language sl JOIN survey_response r ON r.id = sl.response_id
    WHERE r.import_id = ? GROUP BY language ORDER BY 2 DESC, 3 DESC, 1]], sid)
  for _, l in ipairs(langs) do l.name = M.language_names[l.language] or l.language end
  out.languages = suppress({ { name = "any_level" }, { name = "b2_or_above" } }, langs, k)

  -- Departments: those under k respondents pooled, then the rules.
  local depts = vista.sql([[SELECT r.department, count(*) AS respondents,
      sum(EXISTS (SELECT 1 FROM survey_answer a WHERE a.response_id = r.id
        AND a.kind IN ('stay_abroad', 'project', 'hosting', 'expert'))) AS experienced,
      sum(r.interest = 'yes') AS interested
    FROM survey_response r WHERE r.import_id = ? GROUP BY r.department ORDER BY 2 DESC, 1]], sid)
  local rows, pooled = {}, { department = "other departments (pooled)", respondents = 0, experienced = 0,
                              interested = 0, pooled = 0 }
  for _, d in ipairs(depts) do
    if d.respondents < k then
      pooled.respondents = pooled.respondents + d.respondents
      pooled.experienced = pooled.experienced + d.experienced
      pooled.interested = pooled.interested + d.interested
      pooled.pooled = pooled.pooled + 1
    else
      rows[#rows + 1] = d
    end
  end
  if pooled.pooled > 0 then
    pooled.department = string.format("%d other departments (pooled)", pooled.pooled)
    pooled.pooled = nil
    rows[#rows + 1] = pooled
  end
  local total = { department = "all respondents", respondents = n, experienced = 0, interested = 0 }
  for _, d in ipairs(rows) do
    total.experienced = total.experienced + d.experienced
    total.interested = total.interested + d.interested
  end
  rows[#rows + 1] = total
  suppress({ { name = "respondents" }, { name = "experienced", kind = "share", base = "respondents" },
             { name = "interested", kind = "share", base = "respondents" } }, rows, k, true)
  for _, d in ipairs(rows) do
    d.experienced_share = pct(d.experienced, d.respondents)
    d.interested_share = pct(d.interested, d.respondents)
  end
  out.departments = rows

  -- Kinds of experience, and who could lead what (with experience or not).
  local exp = vista.sql([[SELECT kind, count(*) AS staff FROM survey_answer a
    JOIN survey_response r ON r.id = a.response_id
    WHERE r.import_id = ? AND a.kind NOT LIKE 'lead_%' GROUP BY kind ORDER BY 2 DESC]], sid)
  for _, e in ipairs(exp) do e.text = M.experiences[e.kind] or e.kind end
  out.experience = suppress({ { name = "staff" } }, exp, k)
  local leads = {}
  for kind, text in pairs(M.leads) do
    local r = vista.sql([[SELECT count(*) AS staff,
        sum(EXISTS (SELECT 1 FROM survey_answer b WHERE b.response_id = a.response_id
          AND b.kind IN ('stay_abroad', 'project', 'hosting', 'expert'))) AS experienced
      FROM survey_answer a JOIN survey_response r ON r.id = a.response_id
      WHERE r.import_id = ? AND a.kind = ?]], sid, kind)[1]
    leads[#leads + 1] = { lead = kind:sub(6), text = text, staff = r.staff, experienced = r.experienced or 0,
                          none = r.staff == 0 }
  end
  table.sort(leads, function(a, b) return a.lead < b.lead end)
  out.leads = suppress({ { name = "staff" }, { name = "experienced", kind = "share", base = "staff" } }, leads, k)

  -- The support asked for: each item of the free text, counted.
  local asked = {}
  for _, r in ipairs(vista.sql("SELECT support FROM survey_response WHERE import_id = ? AND support IS NOT NULL", sid)) do
    for item in r.support:gmatch("[^;,]+") do
      item = item:match("^%s*(.-)%s*$"):lower()
      if item ~= "" then asked[item] = (asked[item] or 0) + 1 end
    end
  end
  local support = {}
  for item, c in pairs(asked) do support[#support + 1] = { support = item, staff = c } end
  table.sort(support, function(a, b) if a.staff ~= b.staff then return a.staff > b.staff end return a.support < b.support end)
  out.support = suppress({ { name = "staff" } }, support, k)

  -- Gaps: what the goals need (needs = { languages, leads } in the
  -- strategy file) and the languages of this year's destinations.
  local b2 = {}
  for _, l in ipairs(vista.sql([[SELECT language, sum(level >= 4) AS n FROM survey_language sl
      JOIN survey_response r ON r.id = sl.response_id WHERE r.import_id = ? GROUP BY 1]], sid)) do
    b2[l.language] = l.n
  end
  local lead_n = {}
  for _, l in ipairs(leads) do lead_n[l.lead] = l.none and 0 or 1 end
  local gaps = {}
  local ok, s = pcall(vista.strategy.get, inst)
  if ok and s and s.source then
    local d = require("vista.strategy_file").read(s.source, s.source_path)
    for _, g in ipairs(d and d.goals or {}) do
      local needs = g.needs or {}
      for _, code in ipairs(needs.languages or {}) do
        code = code:lower()
        if (b2[code] or 0) == 0 then
          gaps[#gaps + 1] = { goal = g.id, need = (M.language_names[code] or code) .. " at B2",
                              found = "no one at B2 or above" }
        end
      end
      for _, lead in ipairs(needs.leads or {}) do
        local key = lead:gsub(" ", "_")
        if (lead_n[key] or 0) == 0 then
          gaps[#gaps + 1] = { goal = g.id, need = "someone to lead " .. (M.leads["lead_" .. key] or lead),
                              found = "no one offered" }
        end
      end
    end
  end
  local last = vista.sql([[SELECT max(term) AS t FROM mobility_term WHERE institution_id = ?]], inst)[1].t
  if last then
    local year = last // 2
    for _, c in ipairs(vista.sql([[SELECT c.code, c.name, sum(d.participants) AS sent
        FROM mobility_term_destination d JOIN country c ON c.id = d.receiving_country_id
        WHERE d.institution_id = ? AND d.term / 2 = ? GROUP BY c.code ORDER BY 3 DESC]], inst, year)) do
      local spoken = false
      for _, code in ipairs(M.country_languages[c.code] or {}) do
        if (b2[code] or 0) > 0 then spoken = true end
      end
      if not spoken then
        gaps[#gaps + 1] = { goal = "(destinations " .. year .. ")",
          need = "a language of " .. c.name, found = "no one at B2 or above; English only" }
      end
    end
  end
  out.gaps = gaps
  return out
end

return M
