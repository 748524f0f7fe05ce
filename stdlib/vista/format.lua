--- vista.format: rows as text — an aligned table, CSV, JSON or Markdown.
--- Rows are an array of records (tables from column name to value), such as
--- vista.sql returns; the column order comes from rows.columns when there is
--- one, else from the keys, sorted.
---
--- Numbers are written the same way in the four formats: an integer as its
--- digits; any other number in the fewest digits that read back as the same
--- number (28.57, 0.1); NaN and the infinities are no value (an empty cell,
--- null in JSON). Rounding is the figure's own: shares, rates and means are
--- rounded to two decimals where vista computes them, so every format shows
--- the same 28.57. JSON is written by vista.json (one writer with vista
--- export), which says what becomes an array and what an object.
local json = require "vista.json"

local M = {}

local concat, insert, sort = table.concat, table.insert, table.sort
local format, rep = string.format, string.rep
local mtype = math.type

--- The output formats scripts accept with --format. xlsx is a workbook, not
--- text: it goes to the file given with --out.
M.formats = { "table", "csv", "json", "md", "xlsx" }
local known = { table = true, csv = true, json = true, md = true, xlsx = true }
local FORMATS = "table, csv, json, md or xlsx"

-- Terminal columns a code point takes: 0 for combining marks and zero-width
-- characters, 2 for East Asian wide and fullwidth forms and emoji, else 1.
local function cp_width(c)
  if c == 0x200B or c == 0x200C or c == 0x200D or c == 0xFEFF then return 0 end
  if (c >= 0x300 and c <= 0x36F) or (c >= 0x1AB0 and c <= 0x1AFF)
    or (c >= 0x1DC0 and c <= 0x1DFF) or (c >= 0x20D0 and c <= 0x20FF)
    or (c >= 0xFE20 and c <= 0xFE2F) then
    return 0
  end
  if (c >= 0x1100 and c <= 0x115F) or (c >= 0x2E80 and c <= 0xA4CF)
    or (c >= 0xAC00 and c <= 0xD7A3) or (c >= 0xF900 and c <= 0xFAFF)
    or (c >= 0xFE30 and c <= 0xFE4F) or (c >= 0xFF00 and c <= 0xFF60)
    or (c >= 0xFFE0 and c <= 0xFFE6) or (c >= 0x1F300 and c <= 0x1F64F)
    or (c >= 0x1F900 and c <= 0x1F9FF) or (c >= 0x20000 and c <= 0x3FFFD) then
    return 2
  end
  return 1
end

---@param s string
---@return integer columns the text takes in a terminal (bytes if not UTF-8)
function M.width(s)
  if not utf8.len(s) then return #s end
  local w = 0
  for _, c in utf8.codes(s) do w = w + cp_width(c) end
  return w
end

--- The column names of rows, in order.
---@param rows table
---@return string[]
function M.columns(rows)
  local cols = rows.columns
  if type(cols) == "table" then return cols end
  local seen, list = {}, {}
  for _, row in ipairs(rows) do
    for k in pairs(row) do
      if not seen[k] then seen[k] = true; insert(list, k) end
    end
  end
  sort(list, function(a, b) return tostring(a) < tostring(b) end)
  return list
end

--- True when v looks like rows: an array of records with string keys.
function M.is_rows(v)
  if type(v) ~= "table" then return false end
  local mt = getmetatable(v)
  if type(mt) == "table" and mt.__name == "vista.Rows" then return true end
  local n = #v
  if n == 0 then return false end
  local count = 0
  for k in pairs(v) do
    count = count + 1
    if mtype(k) ~= "integer" then return false end
  end
  if count ~= n then return false end
  for i = 1, n do
    local row = v[i]
    if type(row) ~= "table" or getmetatable(row) ~= nil or next(row) == nil then
      return false
    end
    for k, x in pairs(row) do
      if type(k) ~= "string" or type(x) == "table" or type(x) == "function" then
        return false
      end
    end
  end
  return true
end

-- A number as every format writes it; "" when it is no value.
local function number(v)
  return mtype(v) == "float" and (json.number(v) or "") or tostring(v)
end

local function text(v)
  if v == nil then return "" end
  if type(v) == "number" then return number(v) end
  return (tostring(v):gsub("[\r\n\t]", { ["\r"] = "\\r", ["\n"] = "\\n", ["\t"] = "\\t" }))
end

local function pad(s, width, right)
  local fill = rep(" ", width - M.width(s))
  return right and fill .. s or s .. fill
end

local function render_table(rows, cols)
  local widths, numeric = {}, {}
  for j, c in ipairs(cols) do
    widths[j] = M.width(tostring(c))
    numeric[j] = true
  end
  local cells = {}
  for i, row in ipairs(rows) do
    local line = {}
    for j, c in ipairs(cols) do
      local v = row[c]
      local s = text(v)
      line[j] = s
      if v ~= nil and type(v) ~= "number" then numeric[j] = false end
      local w = M.width(s)
      if w > widths[j] then widths[j] = w end
    end
    cells[i] = line
  end
  local out = {}
  local head, rule = {}, {}
  for j, c in ipairs(cols) do
    head[j] = pad(tostring(c), widths[j], numeric[j])
    rule[j] = rep("-", widths[j])
  end
  insert(out, (concat(head, "  "):gsub("%s+$", "")))
  insert(out, concat(rule, "  "))
  for _, line in ipairs(cells) do
    local parts = {}
    for j = 1, #cols do parts[j] = pad(line[j], widths[j], numeric[j]) end
    insert(out, (concat(parts, "  "):gsub("%s+$", "")))
  end
  insert(out, format("(%d row%s)", #rows, #rows == 1 and "" or "s"))
  return concat(out, "\n")
end

local function csv_field(v)
  local s = v == nil and "" or (type(v) == "number" and number(v) or tostring(v))
  if s:find('[",\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function render_csv(rows, cols)
  local out, head = {}, {}
  for j, c in ipairs(cols) do head[j] = csv_field(c) end
  insert(out, concat(head, ","))
  for _, row in ipairs(rows) do
    local line = {}
    for j, c in ipairs(cols) do line[j] = csv_field(row[c]) end
    insert(out, concat(line, ","))
  end
  return concat(out, "\n")
end

--- A value as JSON: vista.json's encode (tables with keys 1..n are arrays,
--- others objects with their keys sorted; an empty table is {} unless
--- marked with vista.json.array).
---@param v any
---@return string
M.json = json.encode

-- One object per row, its keys in column order (a missing value is null),
-- one row per line, as vista export writes them.
local function render_json(rows, cols)
  local order = getmetatable(json.object({}, cols))
  local out = json.array {}
  for i, row in ipairs(rows) do
    local o = {}
    for _, c in ipairs(cols) do o[c] = row[c] end
    out[i] = setmetatable(o, order)
  end
  return json.encode(out, { lines = true })
end

local function md_cell(v)
  return (text(v):gsub("|", "\\|"))
end

local function render_md(rows, cols)
  local out, head, rule = {}, {}, {}
  for j, c in ipairs(cols) do
    head[j] = md_cell(c)
    local numeric = true
    for _, row in ipairs(rows) do
      if row[c] ~= nil and type(row[c]) ~= "number" then numeric = false; break end
    end
    rule[j] = numeric and "---:" or "---"
  end
  insert(out, "| " .. concat(head, " | ") .. " |")
  insert(out, "|" .. concat(rule, "|") .. "|")
  for _, row in ipairs(rows) do
    local line = {}
    for j, c in ipairs(cols) do line[j] = md_cell(row[c]) end
    insert(out, "| " .. concat(line, " | ") .. " |")
  end
  return concat(out, "\n")
end

local renderers = { table = render_table, csv = render_csv, json = render_json, md = render_md }

--- Rows as text in one of the formats.
---@param rows table
---@param fmt? string "table" (default), "csv", "json" or "md"
---@param cols? string[] the columns to show, in order
---@return string
function M.render(rows, fmt, cols)
  fmt = fmt or "table"
  if fmt == "xlsx" then
    error("a workbook is not text: vista.format.xlsx(sections, path) writes one", 2)
  end
  if not known[fmt] then
    error("unknown format '" .. tostring(fmt) .. "' (use " .. FORMATS .. ")", 2)
  end
  return renderers[fmt](rows, cols or M.columns(rows))
end

--- How a workbook stores a column, by the names vista's figures use: shares,
--- rates and coverage are percentages (stored as a fraction, shown as
--- 57.14 %); periods, years and codes are text; any other number is a count
--- (an integer) or a decimal, as its value is. An indicator row's value is a
--- percentage when its unit is "%".
local TEXT_COLUMNS = { period = true, year = true, school_year = true, academic_year = true,
  call_year = true, code = true, erasmus_code = true, oid = true, pic = true, isced = true,
  isced_f = true, field = true, project = true }
local function column_kind(col)
  if TEXT_COLUMNS[col] or col:match("_code$") or col:match("_period$") then return "text" end
  if col:match("_share$") or col:match("_rate$") or col:match("_pct$") or col == "coverage"
    or col:match("_coverage$") or col:match("^share_") then
    return "percent"
  end
end

--- Writes sections (as M.sections takes them: those with rows) to a
--- workbook at path, one sheet each; path must be the script's --out file.
---@param list table sections, or rows for a single sheet
---@param path string
function M.xlsx(list, path)
  if type(path) ~= "string" then error("vista.format.xlsx: a workbook needs a file: --out FILE", 2) end
  if list[1] and list[1].rows == nil and list[1].lines == nil then
    list = { { title = "Sheet", rows = list } } -- plain rows
  end
  local sheets = {}
  for _, s in ipairs(list) do
    if s.rows then
      local cols = s.cols or M.columns(s.rows)
      local kinds, row_kinds = {}, nil
      for _, c in ipairs(cols) do kinds[c] = column_kind(c) end
      for _, c in ipairs(cols) do
        if c == "unit" then
          row_kinds = {}
          for i, r in ipairs(s.rows) do
            if r.unit == "%" then row_kinds[i] = { value = "percent", target = "percent", baseline = "percent" } end
          end
        end
      end
      sheets[#sheets + 1] = { title = s.title or s.key, cols = cols, rows = s.rows, kinds = kinds,
        row_kinds = row_kinds }
    end
  end
  local out = vista.output(path)
  out:xlsx(sheets)
  out:close()
end

--- Prints rows in one of the formats (xlsx: writes them to the --out file).
function M.print(rows, fmt, cols)
  if fmt == "xlsx" then
    M.xlsx({ { title = "Sheet", rows = rows, cols = cols } }, M.out)
    return
  end
  print(M.render(rows, fmt, cols))
end

--- Prints a report of several sections, each { key = "goals", title = ...,
--- rows = ..., cols = ... } or { key = ..., title = ..., lines = {...} }.
--- table and md print every section under its title; json prints one object
--- from each key to its rows (or lines); csv prints the rows of the section
--- marked main = true (else the first with rows), for other tools.
function M.sections(list, fmt)
  fmt = fmt or "table"
  if not known[fmt] then
    error("unknown format '" .. tostring(fmt) .. "' (use " .. FORMATS .. ")", 2)
  end
  if fmt == "xlsx" then
    M.xlsx(list, M.out)
    return
  end
  if fmt == "json" then
    local obj, keys = {}, {}
    for _, s in ipairs(list) do
      -- Rows (in their columns when given) and lines are lists: [] when
      -- there are none.
      local v
      if s.rows and s.cols then
        v = json.array {}
        for i, r in ipairs(s.rows) do
          local o = {}
          for _, c in ipairs(s.cols) do o[c] = r[c] end
          v[i] = o
        end
      elseif s.value ~= nil then
        v = s.value
      elseif s.rows or s.lines then
        local items = s.rows or s.lines
        v = json.array(table.move(items, 1, #items, 1, {}))
      end
      obj[s.key] = v
      keys[#keys + 1] = s.key
    end
    print(M.json(obj))
    return
  end
  if fmt == "csv" then
    local main
    for _, s in ipairs(list) do if s.main then main = s end end
    if not main then for _, s in ipairs(list) do if s.rows and not main then main = s end end end
    if main then print(M.render(main.rows, "csv", main.cols)) end
    return
  end
  for i, s in ipairs(list) do
    if i > 1 then print("") end
    if s.title then
      if fmt == "md" then print("## " .. s.title .. "\n")
      else print(s.title); print(rep("=", M.width(s.title))) end
    end
    if s.rows then
      if #s.rows == 0 then print(s.empty or "(none)")
      else print(M.render(s.rows, fmt, s.cols)) end
    end
    for _, line in ipairs(s.lines or {}) do
      print(fmt == "md" and line ~= "" and not line:match("^[%-%*] ") and not line:match("^ ") and line .. "  " or line)
    end
  end
end

--- Takes --format FMT (or --format=FMT) out of a script's arguments; with
--- --format xlsx, --out FILE too (kept in M.out: where the workbook goes).
---@param args string[] the script's arg table
---@return string fmt, string[] rest
function M.from_args(args)
  local fmt, rest = "table", {}
  local i = 1
  while args[i] ~= nil do
    local a = args[i]
    local v = a:match("^%-%-format=(.*)$")
    if a == "--format" then
      v = args[i + 1]
      if v == nil then error("--format needs a value: " .. FORMATS, 2) end
      i = i + 1
    end
    if v then
      if not known[v] then
        error("unknown format '" .. v .. "' (use " .. FORMATS .. ")", 2)
      end
      fmt = v
    else
      insert(rest, a)
    end
    i = i + 1
  end
  if fmt == "xlsx" then
    local kept = {}
    i = 1
    while rest[i] ~= nil do
      local a = rest[i]
      local v = a:match("^%-%-out=(.*)$")
      if a == "--out" then v = rest[i + 1] or ""; i = i + 1 end
      if v then M.out = v else insert(kept, a) end
      i = i + 1
    end
    if not M.out or M.out == "" then
      error("--format xlsx writes a workbook: give it a file with --out FILE", 2)
    end
    rest = kept
  end
  return fmt, rest
end

return M
