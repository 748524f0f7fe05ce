-- sandbox.lua: the parts of the sandbox simplest written in Lua. Runs once
-- when a state is created, with the full libraries as its environment and
-- coroutine.create/resume already replaced by the hooked, stack-checked
-- versions (core/sandbox.c). Returns the replacements scripts get.

local coroutine, pcall, error, type, tostring = coroutine, pcall, error, type, tostring
local pack, unpack = table.pack, table.unpack
local create, resume, status, close =
  coroutine.create, coroutine.resume, coroutine.status, coroutine.close
local collect = collectgarbage

local M = {}

--- xpcall whose message handler runs after the stack has unwound, never at
--- the depth of the error (the path of CVE-2022-33099). Scripts have no
--- debug library, so a handler cannot tell the difference.
function M.xpcall(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  local _, value = pcall(handler, r[2])
  return false, value
end

--- coroutine.wrap built on the sandbox's create, so the thread gets the
--- limit hook; errors propagate with the caller's position, as in Lua.
function M.wrap(f)
  local co = create(f)
  return function(...)
    local r = pack(resume(co, ...))
    if r[1] then return unpack(r, 2, r.n) end
    if status(co) == "dead" then close(co) end
    error(r[2], type(r[2]) == "string" and 2 or 0)
  end
end

local gc_allowed = { collect = true, count = true, step = true, isrunning = true }

--- collectgarbage without the options that tune or stop the collector.
function M.collectgarbage(opt, ...)
  if opt == nil then opt = "collect" end
  if not gc_allowed[opt] then
    error("collectgarbage('" .. tostring(opt) .. "') is not available in vista scripts", 2)
  end
  return collect(opt, ...)
end

return M
