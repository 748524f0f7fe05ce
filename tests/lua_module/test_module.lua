-- require "vista" under the system lua5.4: the figures of a handle against
-- the CLI's on the same database, scope and read-only handles, several
-- handles at once, and use after close.
--
-- usage: LUA_CPATH=BUILD/?.so lua5.4 test_module.lua VISTA_BINARY DB OTHER_DB
-- DB holds the examples (mobility.csv, own_list.csv, the college); OTHER_DB
-- only examples/mobility.csv. Prints one line per failure; exits 1 if any.
local VISTA, DB, OTHER = arg[1], arg[2], arg[3]
assert(VISTA and DB and OTHER, "usage: test_module.lua VISTA_BINARY DB OTHER_DB")
local HOME = "B  ANTWERP77"
local AS_OF = "2026-06-30"

local vista = require "vista"

local failures, checks = 0, 0
local function check(what, ok, detail)
  checks = checks + 1
  if not ok then
    failures = failures + 1
    print("FAIL " .. what .. (detail and (": " .. detail) or ""))
  end
end

local function fails_with(what, fn, pattern)
  local ok, err = pcall(fn)
  check(what, not ok and tostring(err):find(pattern, 1, true) ~= nil,
        ok and "no error" or ("error was: " .. tostring(err)))
  return err
end

-- A JSON reader for the CLI's output: objects, arrays, strings, numbers,
-- true, false, null (null as a marker, to tell it from a missing key).
local NULL = setmetatable({}, { __tostring = function() return "null" end })
local function decode(text)
  local pos = 1
  local function space() pos = text:find("[^ \t\r\n]", pos) or #text + 1 end
  local value
  local function str()
    local out, i = {}, pos + 1
    while true do
      local c = text:sub(i, i)
      if c == '"' then pos = i + 1; return table.concat(out) end
      if c == "\\" then
        local e = text:sub(i + 1, i + 1)
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(text:sub(i + 2, i + 5), 16)); i = i + 6
        else
          out[#out + 1] = ({ n = "\n", t = "\t", r = "\r", b = "\b", f = "\f" })[e] or e; i = i + 2
        end
      elseif c == "" then error("unterminated string in JSON")
      else out[#out + 1] = c; i = i + 1 end
    end
  end
  function value()
    space()
    local c = text:sub(pos, pos)
    if c == "{" then
      local t = {}; pos = pos + 1; space()
      if text:sub(pos, pos) == "}" then pos = pos + 1; return t end
      repeat
        space(); local k = str(); space(); assert(text:sub(pos, pos) == ":"); pos = pos + 1
        t[k] = value(); space(); c = text:sub(pos, pos); pos = pos + 1
      until c == "}"
      return t
    elseif c == "[" then
      local t = {}; pos = pos + 1; space()
      if text:sub(pos, pos) == "]" then pos = pos + 1; return t end
      repeat
        t[#t + 1] = value(); space(); c = text:sub(pos, pos); pos = pos + 1
      until c == "]"
      return t
    elseif c == '"' then return str()
    elseif text:find("^true", pos) then pos = pos + 4; return true
    elseif text:find("^false", pos) then pos = pos + 5; return false
    elseif text:find("^null", pos) then pos = pos + 4; return NULL
    end
    local num = text:match("^-?[%d.eE+-]+", pos)
    if not num then error("cannot read JSON at " .. pos) end
    pos = pos + #num
    return math.tointeger(tonumber(num)) or tonumber(num)
  end
  return value()
end

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function cli(args)
  local p = assert(io.popen(q(VISTA) .. " --db " .. q(DB) .. " " .. args .. " 2>&1"))
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok and 0 or code
end
local function cli_json(args)
  local out, code = cli(args)
  assert(code == 0, "vista " .. args .. " failed: " .. out)
  return decode(out)
end

-- The CLI shows shares and means to two decimals (exact: two handles).
local function same(a, b, exact)
  if a == NULL then return b == nil end
  if exact then return a == b end
  if math.type(b) == "float" then b = math.floor(b * 100 + 0.5) / 100 end
  if math.type(a) == "float" or math.type(b) == "float" then
    return type(b) == "number" and math.abs(a - b) < 1e-9
  end
  return a == b
end

-- Every field of each CLI row equals the handle's.
local function compare_rows(what, want, got, fields, exact)
  check(what .. ": row count", #want == #got, #want .. " rows from the CLI, " .. #got .. " from the module")
  for i, w in ipairs(want) do
    local g = got[i] or {}
    for k, v in pairs(w) do
      if not fields or fields[k] then
        check(what .. " row " .. i .. " " .. k, same(v, g[k], exact), tostring(v) .. " ~= " .. tostring(g[k]))
      end
    end
  end
  check(what .. ": compared something", #want > 0)
end

-- 1. The figures, asked both ways.
local h = vista.open(DB)
compare_rows("run mobility", cli_json("run mobility --format json"), h.mobility.figures {})
compare_rows("run mobility --by year vet=true profile=learner",
  cli_json("run mobility --by year vet=true profile=learner --format json"),
  h.mobility.figures { by = "year", vet = true, profile = "learner" })
compare_rows("run mobility --by direction,profile (own list)",
  cli_json("run mobility --by direction,profile direction=outgoing,incoming --format json"),
  h.mobility.figures { by = { "direction", "profile" }, direction = { "outgoing", "incoming" } })

local s = h.strategy.get()
check("strategy of the college", s.institution.code == HOME, tostring(s.institution.code))
local got = h.indicator.compute { institution = s.institution.id, strategy = s,
                                  as_of = h.strategy_file.date(AS_OF) }
compare_rows("run indicators --all", cli_json("run indicators --all --as-of " .. AS_OF .. " --format json"), got,
  { indicator = true, period = true, value = true, unit = true, numerator = true, denominator = true,
    status = true, provisional = true, note = true, source = true })

-- The handle's sql and the stdlib through it.
local n = h:sql("SELECT count(*) AS n FROM mobility WHERE sending_id = ?", s.institution.id)[1].n
check("h:sql with a parameter", math.type(n) == "integer" and n > 0, tostring(n))
check("print(rows) renders the table", tostring(h:sql("SELECT 1 AS one")):find("one", 1, true) ~= nil)
local page = h.report.html(h.report.collect { institution = HOME, as_of = h.strategy_file.date(AS_OF) })
check("h.report renders the college's report", type(page) == "string" and page:find(s.title, 1, true) ~= nil)
check("require 'vista.format' from the host", type(require("vista.format").json) == "function")
fails_with("a model without a handle", function() return vista.mobility end,
  "vista.mobility needs a database: vista.open(path).mobility")

-- 2. A scoped handle: its own rows only, others' refused as by vista --scope.
local scoped = vista.open(DB, { scope = HOME })
check("scoped handle's scope", scoped.scope == s.institution.id, tostring(scoped.scope))
compare_rows("vista --scope run mobility",
  cli_json("--scope " .. q(HOME) .. " run mobility --format json"), scoped.mobility.figures {})
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write('return vista.sql("SELECT count(*) AS n FROM main.mobility")\n')
f:close()
local out = cli("--scope " .. q(HOME) .. " run " .. q(tmp))
os.remove(tmp)
local refusal = out:match("(vista%.sql: not authorized.*%))")
check("the CLI refuses a scoped read of main.mobility", refusal ~= nil, out)
fails_with("a scoped handle refuses main.mobility the same way",
  function() return scoped:sql("SELECT count(*) AS n FROM main.mobility") end, refusal or "?")
fails_with("a scoped handle refuses others' rows through a join",
  function() return scoped:sql("SELECT count(*) FROM main.mobility m JOIN institution i ON i.id = m.sending_id") end,
  "a session scoped to " .. HOME)
check("a scoped handle sees fewer records",
  scoped:sql("SELECT count(*) AS n FROM mobility")[1].n < h:sql("SELECT count(*) AS n FROM mobility")[1].n)
fails_with("an unknown scope", function() return vista.open(DB, { scope = "NO SUCH SCHOOL" }) end,
  "no institution with Erasmus code or name 'NO SUCH SCHOOL'")

-- 3. Read-only: nothing created, nothing written.
local missing = os.tmpname()
os.remove(missing)
fails_with("readonly on a missing file", function() return vista.open(missing, { readonly = true }) end,
  "cannot open database")
check("readonly made no file", io.open(missing) == nil)
local ro = vista.open(DB, { readonly = true })
check("readonly handle says so", ro.readonly == true and tostring(ro):find("readonly", 1, true) ~= nil)
compare_rows("readonly handle's figures", h.mobility.figures { by = "year" }, ro.mobility.figures { by = "year" }, nil, true)
fails_with("readonly handle cannot delete", function() return ro:sql("DELETE FROM mobility") end, "read-only")
fails_with("readonly handle cannot create a table",
  function() return ro:sql("CREATE TABLE t(x)") end, "read-only")
local ros = vista.open(DB, { scope = HOME, readonly = true })
compare_rows("a readonly scoped handle's figures", scoped.mobility.figures { by = "year" },
  ros.mobility.figures { by = "year" }, nil, true)
fails_with("a readonly scoped handle refuses others' rows",
  function() return ros:sql("SELECT count(*) AS n FROM main.mobility") end, refusal or "?")
ros:close()
local fresh = os.tmpname()
do
  local w = vista.open(fresh) -- made now: at the current schema
  w:close()
end
check("readonly opens a current database", vista.open(fresh, { readonly = true }):is_open())
os.remove(fresh)
os.remove(fresh .. "-wal")
os.remove(fresh .. "-shm")
local made = vista.open(missing)
check("a writable handle creates the database", io.open(missing) ~= nil)
made:close()
for _, suffix in ipairs { "", "-wal", "-shm" } do os.remove(missing .. suffix) end

-- 4. Two handles at once, interleaved, each on its own database.
local other = vista.open(OTHER)
local mob = h.mobility -- fetched before the other handle is used
local want_h = h:sql("SELECT count(*) AS n FROM mobility")[1].n
local want_o = other:sql("SELECT count(*) AS n FROM mobility")[1].n
check("the two databases differ", want_h ~= want_o, want_h .. " and " .. want_o)
check("other handle's own count", other:sql("SELECT count(*) AS n FROM mobility")[1].n == want_o)
check("first handle's model after the other's use",
  mob.figures {}[1].participants == h.mobility.figures {}[1].participants
  and mob.figures {}[1].participants ~= other.mobility.figures {}[1].participants)
check("scoped and unscoped on the same file",
  scoped:sql("SELECT count(*) AS n FROM mobility")[1].n < h:sql("SELECT count(*) AS n FROM mobility")[1].n)
fails_with("an error in one handle's call", function() return other:sql("SELECT * FROM no_such_table") end,
  "no such table")
check("the other handle still works after it", h:sql("SELECT count(*) AS n FROM mobility")[1].n == want_h)
-- One handle used inside a call of the other (a benchmark's group
-- function): each call sees its own database, before and after.
local seen
local b = h.benchmark.run { indicator = "learners", period = "2023-24", group = function()
  seen = other:sql("SELECT count(*) AS n FROM mobility")[1].n
  return "all"
end }
check("the other handle inside a callback", seen == want_o, tostring(seen))
local plain = h.benchmark.run { indicator = "learners", period = "2023-24" }
check("the benchmark around it is the first handle's", #b.rows == #plain.rows and #b.rows > 0,
  #b.rows .. " and " .. #plain.rows)
fails_with("closing a handle inside one of its calls", function()
  return h.benchmark.run { indicator = "learners", period = "2023-24", group = function() h:close() end }
end, "cannot close a vista.Handle while one of its calls runs")
check("the handle is still open after that", h:is_open())

-- 5. Close: explicit, twice, <close>, the collector; use after close.
h:close()
h:close()
check("is_open after close", h:is_open() == false)
check("tostring of a closed handle", tostring(h) == "vista.Handle (closed)", tostring(h))
fails_with("a field after close", function() return h.mobility end, "attempt to use a closed vista.Handle")
fails_with("sql after close", function() return h:sql("SELECT 1") end, "attempt to use a closed vista.Handle")
fails_with("a model kept from before close", function() return mob.figures {} end,
  "attempt to use a closed vista.Handle")
do
  local c <close> = vista.open(OTHER)
  check("a <close> handle works", c:sql("SELECT 1 AS x")[1].x == 1)
  ro = c
end
check("a <close> handle is closed at the end of its block", not ro:is_open())
vista.open(OTHER) -- dropped: the collector closes it
collectgarbage()
collectgarbage()
other:close()
scoped:close()

print(string.format("lua module: %d checks, %d failures", checks, failures))
os.exit(failures == 0 and 0 or 1)
