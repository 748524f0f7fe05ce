--- vista.repl: what the interactive shell prints, and its dot-commands
--- that are best written in Lua (.tables, .schema, .format).
local fmt = require "vista.format"

local M = {}
local concat, insert, sort = table.concat, table.insert, table.sort
local mode = "table"

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ['"'] = '\\"', ["\\"] = "\\\\" }
    return named[c] or string.format("\\%03d", c:byte())
  end) .. '"'
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. (type(k) == "string" and quote(k) or tostring(k)) .. "]"
end

local function order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

-- A value as a Lua constructor: short ones on one line, long ones indented.
local function serialize(v, indent, seen)
  local t = type(v)
  if t == "string" then return quote(v) end
  if t ~= "table" then return tostring(v) end
  if seen[v] then return "<cycle>" end
  seen[v] = true
  local parts = {}
  local n = #v
  for i = 1, n do parts[i] = serialize(v[i], indent .. "  ", seen) end
  local keys = {}
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then insert(keys, k) end
  end
  sort(keys, order)
  for _, k in ipairs(keys) do
    insert(parts, key_text(k) .. " = " .. serialize(v[k], indent .. "  ", seen))
  end
  seen[v] = nil
  if #parts == 0 then return "{}" end
  local one = "{ " .. concat(parts, ", ") .. " }"
  if #one <= 72 and not one:find("\n") then return one end
  return "{\n" .. indent .. "  " .. concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
end

--- A value as the shell shows it: rows as a table in the current format,
--- other tables as Lua constructors, strings as they are.
function M.tostring(v)
  if fmt.is_rows(v) then
    if #v == 0 then return "(0 rows)" end
    return fmt.render(v, mode)
  end
  if type(v) == "table" and v.columns and #v == 0 and getmetatable(v) then
    return "(0 rows)"
  end
  if type(v) == "string" then return v end
  local text = serialize(v, "", {})
  -- A series of three numbers or more gets its sparkline beside it.
  if type(v) == "table" and #v >= 3 and not text:find("\n") then
    for i = 1, #v do
      if type(v[i]) ~= "number" then return text end
    end
    if next(v, #v) == nil then
      return text .. "  " .. require("vista.chart").sparkline(v)
    end
  end
  return text
end

--- Prints every value, one after the other.
function M.show(...)
  for i = 1, select("#", ...) do
    print(M.tostring((select(i, ...))))
  end
end

--- .tables: the tables and views with their row counts.
function M.tables()
  local rows = vista.sql([[
    SELECT name, type FROM sqlite_schema
    WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
    ORDER BY name]])
  for _, r in ipairs(rows) do
    -- The name comes from the schema itself; quoting keeps it one identifier.
    local q = 'SELECT count(*) AS n FROM "' .. r.name:gsub('"', '""') .. '"'
    r.rows = vista.sql(q)[1].n
  end
  print(fmt.render(rows, "table", { "name", "type", "rows" }))
end

--- .schema [TABLE]: the CREATE statements.
function M.schema(name)
  local rows = vista.sql([[
    SELECT sql FROM sqlite_schema
    WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
      AND (?1 IS NULL OR tbl_name = ?1)
    ORDER BY tbl_name, type DESC, name]], name)
  if #rows == 0 and name then
    error("no table named '" .. name .. "'", 0)
  end
  for _, r in ipairs(rows) do print(r.sql .. ";") end
end

--- .format [table|csv|json|md]
function M.format(name)
  if name == nil then print("format: " .. mode); return end
  fmt.render({}, name) -- validates the name
  mode = name
end

return M
