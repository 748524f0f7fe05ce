-- Lua-level tests of what every script sees: vista.sql from Lua, the shell's
-- printer, help, and the sandbox from the inside.
local t = require "vista.test"
local repl = require "vista.repl"

t.run {
  { "vista.sql returns rows with their columns in order", function()
    local rows = vista.sql("SELECT 2 AS b, 'x' AS a, NULL AS c UNION ALL SELECT 3, 'y', 1.5")
    t.eq(#rows, 2)
    t.eq(rows.columns, { "b", "a", "c" })
    t.eq(rows[1], { b = 2, a = "x" })
    t.eq(rows[2].c, 1.5)
  end },
  { "vista.sql errors point at the calling line", function()
    local err = t.raises(function() vista.sql("SELECT * FROM nowhere") end, "no such table")
    t.ok(err:find("test_stdlib.lua:%d+:"), err)
  end },
  { "the shell prints values as Lua constructors", function()
    t.eq(repl.tostring({ 1, 2, x = "a\nb" }), '{ 1, 2, x = "a\\nb" }')
    t.eq(repl.tostring("plain"), "plain")
    local cyc = {}; cyc.self = cyc
    t.eq(repl.tostring(cyc), "{ self = <cycle> }")
    t.eq(repl.tostring(vista.sql("SELECT 1 WHERE 0")), "(0 rows)")
  end },
  { "the vista table and the libraries are read-only", function()
    t.raises(function() vista.x = 1 end, "read-only table 'vista'")
    t.raises(function() table.insert = nil end, "read-only table 'table'")
    t.raises(function() setmetatable(vista, {}) end, "protected metatable")
    t.raises(function() rawset(vista, "sql", print) end, "read-only table 'vista'")
    t.raises(function() rawset(string, "dump", print) end, "read-only table 'string'")
    local plain = {}
    t.eq(rawset(plain, "k", 1), plain); t.eq(plain.k, 1)
    t.eq(type(vista.version), "string")
  end },
  { "coroutines, xpcall and load behave as in Lua", function()
    local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
    t.eq({ gen(), gen(), gen() }, { 1, 2, 3 })
    local ok, v = xpcall(function() error("e", 0) end, function(m) return "handled " .. m end)
    t.eq({ ok, v }, { false, "handled e" })
    t.eq(select("#", xpcall(function() return 1, 2 end, print)), 3)
    local err = t.raises(function() coroutine.wrap(function() error("inner") end)() end, "inner")
    t.ok(err:find("test_stdlib.lua"), err)
    t.eq(load("return ...")(5), 5)
    t.eq(load("x_from_load = 1; return x_from_load")(), 1)
  end },
}
