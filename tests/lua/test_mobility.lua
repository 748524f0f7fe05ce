-- Lua-level tests of vista.mobility: the API's shape and its errors. (The
-- figures themselves are checked against Python in tests/cli.)
local t = require "vista.test"

t.run {
  { "an empty database has no figures, and one total row of nothing", function()
    t.eq(#vista.mobility.figures{ by = "year" }, 0)
    t.eq(#vista.mobility.figures{}, 0)
  end },
  { "the figures have their columns in a stable order", function()
    local cols = vista.mobility.figures{ by = { "institution", "year" } }.columns
    t.eq(cols[1], "institution"); t.eq(cols[2], "institution_name")
    t.eq(cols[3], "institution_code"); t.eq(cols[4], "year")
    t.eq(cols[5], "participants")
  end },
  { "fields lists every field and says which are fast", function()
    local names, fast = {}, {}
    for _, f in ipairs(vista.mobility.fields()) do
      names[f.name] = true; fast[f.name] = f.fast
    end
    t.ok(names.year and names.receiving_country and names.field)
    t.eq(fast.year, true); t.eq(fast.field, false)
  end },
  { "bad queries are clear errors at the caller's line", function()
    local e = t.raises(function() vista.mobility.figures{ by = "colour" } end,
      "unknown field in by 'colour'")
    t.ok(e:find("test_mobility.lua:%d+:"), e)
    t.raises(function() vista.mobility.figures{ colour = 1 } end, "unknown filter 'colour'")
    t.raises(function() vista.mobility.figures{ profile = "pupil" } end,
      "profile must be one of learner, staff")
    t.raises(function() vista.mobility.figures{ sending_country = "XX" } end,
      "'XX' is not a country code")
    t.raises(function() vista.mobility.figures{ year = "2020" } end,
      "year must be a whole number")
    t.raises(function() vista.mobility.figures{ vet = 1 } end, "vet must be true or false")
    t.raises(function() vista.mobility.figures{ institution = "NO CODE" } end,
      "no institution with Erasmus code or name 'NO CODE'")
    t.raises(function() vista.mobility.figures{ year = {} } end, "an empty list matches nothing")
  end },
  { "vista.mobility is read-only", function()
    t.raises(function() vista.mobility.figures = nil end, "read-only table 'vista.mobility'")
  end },
}
