--- vista.test: a small assertion module for Lua-level tests, run by the
--- vista binary itself: vista --db :memory: run tests/lua/test_x.lua
local M = {}

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  return require("vista.format").json(v)
end

local function deep_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  if math.type(a) ~= math.type(b) then return false end
  for k, v in pairs(a) do
    if not deep_equal(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

--- Fails unless actual equals expected (deeply for tables; an integer is
--- not equal to a float of the same value).
function M.eq(actual, expected, what)
  local same = deep_equal(actual, expected)
  if same and type(actual) == "number" then
    same = math.type(actual) == math.type(expected)
  end
  if not same then
    error((what and what .. ": " or "") .. "expected " .. show(expected)
      .. ", got " .. show(actual), 2)
  end
end

--- Fails unless v is truthy.
function M.ok(v, what)
  if not v then error((what or "expected a true value") .. ", got " .. show(v), 2) end
end

--- Fails unless fn raises an error whose message contains text (plain).
function M.raises(fn, text, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error containing " .. show(text) .. ", got none", 2) end
  err = tostring(err)
  if text and not err:find(text, 1, true) then
    error("expected an error containing " .. show(text) .. ", got " .. show(err), 2)
  end
  return err
end

--- Runs tests given as a list of {name, function}; prints one line each and
--- "N passed, N failed"; raises if any failed, so the exit status says so.
function M.run(tests)
  local passed, failed = 0, 0
  for _, t in ipairs(tests) do
    local ok, err = pcall(t[2])
    if ok then
      passed = passed + 1
      print("ok     " .. t[1])
    else
      failed = failed + 1
      print("FAILED " .. t[1] .. ": " .. tostring(err))
    end
  end
  print(string.format("%d passed, %d failed", passed, failed))
  if failed > 0 then error(failed .. " test(s) failed", 0) end
end

return M
