-- Lua-level tests of vista.format: widths, the four formats, --format.
local t = require "vista.test"
local format = require "vista.format"

local rows = setmetatable({
  { name = "Gent", n = 3, share = 0.5 },
  { name = "Αθήνα", n = 12 },
  { name = 'say "hi", | ok', n = -1, share = 1 / 3 },
}, { __index = { columns = { "name", "n", "share" } } })

t.run {
  { "width counts characters, wide ones twice, combining ones not", function()
    t.eq(format.width("Gent"), 4)
    t.eq(format.width("Αθήνα"), 5)
    t.eq(format.width("日本"), 4)
    t.eq(format.width("e\u{301}"), 1)
    t.eq(format.width("\xff\xfe"), 2) -- not UTF-8: bytes
  end },
  { "table aligns by display width and right-aligns numbers", function()
    local out = format.render(rows, "table")
    t.eq(out, table.concat({
      "name             n               share",
      "--------------  --  ------------------",
      "Gent             3                 0.5",
      "Αθήνα           12",
      'say "hi", | ok  -1  0.3333333333333333',
      "(3 rows)" }, "\n"))
  end },
  { "csv quotes what needs it and writes numbers as every format does", function()
    t.eq(format.render(rows, "csv"), table.concat({
      "name,n,share",
      "Gent,3,0.5",
      "Αθήνα,12,",
      '"say ""hi"", | ok",-1,0.3333333333333333' }, "\n"))
  end },
  { "a number is written alike in the four formats; NaN and inf are no value", function()
    local r = setmetatable({ { x = 28.571428571428573 / 1e0, y = 0 / 0, z = 1 / 0, w = 0.1 } },
      { __index = { columns = { "x", "y", "z", "w" } } })
    t.eq(format.render(r, "csv"), "x,y,z,w\n28.571428571428573,,,0.1")
    t.eq(format.render(r, "md"), "| x | y | z | w |\n|---:|---:|---:|---:|\n| 28.571428571428573 |  |  | 0.1 |")
    t.eq(format.render(r, "json"), '[\n{"x":28.571428571428573,"y":null,"z":null,"w":0.1}\n]')
    t.eq(format.render(r, "table"):match("([^\n]*)\n%(1 row%)"), "28.571428571428573        0.1")
  end },
  { "json keeps column order, writes null, one row per line", function()
    t.eq(format.render(rows, "json"),
      '[\n{"name":"Gent","n":3,"share":0.5},\n{"name":"Αθήνα","n":12,"share":null},\n'
      .. '{"name":"say \\"hi\\", | ok","n":-1,"share":0.3333333333333333}\n]')
    t.eq(format.json({ a = { 1, 2 }, b = "x\ny" }), '{"a":[1,2],"b":"x\\ny"}')
    t.eq(format.json(0 / 0), "null")
  end },
  { "json: an empty list is [] when marked; no rows are []", function()
    local json = require "vista.json"
    t.eq(format.json({ cycles = json.array {}, found = {} }), '{"cycles":[],"found":{}}')
    t.eq(format.json(vista.sql("SELECT 1 AS a WHERE 0")), "[]")
    t.eq(format.json(json.object { 10, 20 }), '{"1":10,"2":20}')
    t.eq(format.json(json.object({ b = 2, a = 1 }, { "b", "a", "c" })), '{"b":2,"a":1,"c":null}')
    t.eq(format.json({ 1, 2, nil, 4 }), '{"1":1,"2":2,"4":4}')
    t.raises(function() json.array(setmetatable({}, {})) end, "already has a metatable")
    t.raises(function() format.json({ f = print }) end, "cannot write a function as JSON")
    local loop = {}
    loop.self = loop
    t.raises(function() format.json(loop) end, "contains itself")
    t.raises(function() format.json({ [3] = 1, ["3"] = 2 }) end, "the key '3' as a number and as a string")
    t.raises(function() format.json({ [true] = 1 }) end, "cannot write a boolean key as JSON")
    t.eq(format.json({ "a\0b\u{2028}\xff" }), '["a\\u0000b\\u2028\\ufffd"]')
    t.eq(format.json({ 1e300, -0.0, math.maxinteger, 2^53 + 1 }), '[1e+300,-0,9223372036854775807,9007199254740992]')
  end },
  { "markdown escapes pipes and aligns numbers right", function()
    t.eq(format.render(rows, "md"), table.concat({
      "| name | n | share |",
      "|---|---:|---:|",
      "| Gent | 3 | 0.5 |",
      "| Αθήνα | 12 |  |",
      '| say "hi", \\| ok | -1 | 0.3333333333333333 |' }, "\n"))
  end },
  { "columns come from the keys, sorted, without rows.columns", function()
    t.eq(format.columns({ { b = 1, a = 2 }, { c = 3 } }), { "a", "b", "c" })
  end },
  { "is_rows tells records from other tables", function()
    t.ok(format.is_rows({ { a = 1 } }))
    t.ok(not format.is_rows({ 1, 2 }))
    t.ok(not format.is_rows({ { a = { 1 } } }))
    t.ok(not format.is_rows({ { a = 1 }, x = 1 }))
    t.ok(format.is_rows(vista.sql("SELECT 1 AS a WHERE 0")))
  end },
  { "from_args takes --format out of the arguments", function()
    local fmt, rest = format.from_args({ "BE", "--format", "csv", "x" })
    t.eq(fmt, "csv"); t.eq(rest, { "BE", "x" })
    fmt, rest = format.from_args({ "--format=md" })
    t.eq(fmt, "md"); t.eq(rest, {})
    t.raises(function() format.from_args({ "--format", "xml" }) end,
      "unknown format 'xml'")
    t.raises(function() format.render(rows, "xml") end, "unknown format")
  end },
}
