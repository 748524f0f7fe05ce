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
      "name             n              share",
      "--------------  --  -----------------",
      "Gent             3                0.5",
      "Αθήνα           12",
      'say "hi", | ok  -1  0.333333333333333',
      "(3 rows)" }, "\n"))
  end },
  { "csv quotes what needs it and keeps full precision", function()
    t.eq(format.render(rows, "csv"), table.concat({
      "name,n,share",
      "Gent,3,0.5",
      "Αθήνα,12,",
      '"say ""hi"", | ok",-1,0.33333333333333331' }, "\n"))
  end },
  { "json keeps column order and writes null", function()
    t.eq(format.render(rows, "json"),
      '[{"name":"Gent","n":3,"share":0.5},\n {"name":"Αθήνα","n":12,"share":null},\n'
      .. ' {"name":"say \\"hi\\", | ok","n":-1,"share":0.33333333333333331}]')
    t.eq(format.json({ a = { 1, 2 }, b = "x\ny" }), '{"a":[1,2],"b":"x\\ny"}')
    t.eq(format.json(0 / 0), "null")
  end },
  { "markdown escapes pipes and aligns numbers right", function()
    t.eq(format.render(rows, "md"), table.concat({
      "| name | n | share |",
      "|---|---:|---:|",
      "| Gent | 3 | 0.5 |",
      "| Αθήνα | 12 |  |",
      '| say "hi", \\| ok | -1 | 0.333333333333333 |' }, "\n"))
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
