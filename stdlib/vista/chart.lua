--- vista.chart: charts drawn by vista itself, as inline SVG text (no
--- scripts, no fonts, no network), and compact charts for the terminal.
---
---   local chart = require "vista.chart"
---   chart.bar{ title = ..., labels = {...}, series = {{ name = ..., values = {...} }}, unit = ...,
---              notes = {[i] = "provisional"} }
---   chart.line{ title = ..., x = {periods}, series = {...}, targets = {[period] = v}, baseline = v,
---               provisional = {[period] = true}, provisional_label = "provisional" }
---   chart.strip{ title = ..., groups = {{ label = ..., values = {...}, highlight = v }} }
---   chart.timeline{ title = ..., years = {...}, series = {...}, events = {{ year = y, label = ... }} }
---   chart.tree{ title = ..., nodes = {{ id = ..., label = ..., parent = id or nil, kind = ... }} }
---   chart.figure{ svg = ..., caption = ..., rows = ..., cols = ... }   -> HTML, data table behind a disclosure
---   chart.sparkline{ 1, 4, 2 } -> "▁█▄"      chart.text_bars(rows, "label", "value") -> lines
---
--- Every SVG has a title and a description (role="img"), its marks carry
--- class "mark" and their value in data-value (a decimal point always; the
--- text people read uses M.decimal), and it scales to its box, never beyond
--- its own size. Labels are measured (DejaVu Sans's widths) and wrapped
--- where they would not fit; the report's browser test checks them.
local M = {}

M.palette = { "#1f5fa8", "#e07b00", "#2e8b57", "#8e44ad", "#c0392b", "#607d8b", "#b8860b", "#00838f" }
local FONT = 13
local ids = 0

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                                          ['"'] = "&quot;", ["'"] = "&#39;" }))
end
M.escape = esc

-- A number as data (data-value attributes): rounded to two decimals, a
-- decimal point whatever the language.
local function raw(x)
  if x == nil then return "" end
  if math.type(x) == "integer" then return tostring(x) end
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) and tostring(math.tointeger(r)) or string.format("%.2f", r):gsub("0$", "")
end
M.raw_number = raw

--- The decimal mark of the numbers people read (axes, values, tables):
--- "." by default; vista.report sets "," for nl, de, fr and fi.
M.decimal = "."

local function num(x)
  local s = raw(x)
  if M.decimal ~= "." then s = s:gsub("%.", M.decimal) end
  return s
end
M.number = num

local function f1(x) return string.format("%.1f", x) end

-- Text width in pixels, from the advance widths of DejaVu Sans (what
-- system-ui falls back to on a bare Linux; other UI fonts are narrower),
-- with a margin: enough to lay out labels without a font.
local NARROW = { i = 0.28, l = 0.28, j = 0.28, I = 0.3, ["."] = 0.32, [","] = 0.32, [":"] = 0.34, [";"] = 0.34,
  ["!"] = 0.4, ["|"] = 0.34, ["'"] = 0.28, [" "] = 0.32, f = 0.36, t = 0.4, r = 0.42, ["("] = 0.4, [")"] = 0.4,
  ["-"] = 0.37, ["/"] = 0.34, m = 0.98, w = 0.82, M = 0.87, W = 0.99, ["%"] = 0.95, ["—"] = 1.0, ["–"] = 0.5 }
local function text_width(s, size)
  s = tostring(s)
  if not utf8.len(s) then return #s * (size or FONT) * 0.72 end
  local w = 0
  for _, c in utf8.codes(s) do
    local ch = utf8.char(c)
    local k = NARROW[ch]
    if not k then
      if ch:match("%d") then k = 0.64
      elseif ch:match("%u") then k = 0.74
      elseif ch:match("%l") then k = 0.62
      else k = 0.68 end
    end
    w = w + k
  end
  return w * (size or FONT) * 1.04
end
M.text_width = text_width

-- Breaks text into lines of at most width pixels.
local function wrap(s, width, size)
  local lines, line = {}, ""
  for word in tostring(s):gmatch("%S+") do
    local try = line == "" and word or line .. " " .. word
    if text_width(try, size) > width and line ~= "" then
      lines[#lines + 1] = line
      line = word
    else
      line = try
    end
  end
  if line ~= "" then lines[#lines + 1] = line end
  return lines
end
M.wrap = wrap

-- A nice axis: ticks covering [lo, hi].
local function ticks(lo, hi, n)
  if hi <= lo then hi = lo + 1 end
  local raw = (hi - lo) / (n or 5)
  local mag = 10 ^ math.floor(math.log(raw, 10))
  local step = mag
  for _, m in ipairs { 1, 2, 2.5, 5, 10 } do
    if m * mag >= raw then step = m * mag; break end
  end
  local first = math.floor(lo / step) * step
  local out = {}
  local v = first
  while v <= hi + step * 1e-9 do
    out[#out + 1] = v
    v = v + step
  end
  if out[#out] < hi then out[#out + 1] = out[#out] + step end
  return out, step
end

local function open_svg(w, h, title, desc)
  ids = ids + 1
  local id = "vc" .. ids
  -- Never drawn larger than its own size: its text stays the size it was
  -- laid out for (a narrow chart is not blown up to the page's width).
  return { string.format('<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" ' ..
    'style="max-width:%dpx" role="img" aria-labelledby="%s-t %s-d" ' ..
    'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" ' ..
    'font-size="%d"><title id="%s-t">%s</title><desc id="%s-d">%s</desc>', w, h, w, id, id, FONT, id, esc(title or ""),
    id, esc(desc or title or "")) }
end

local function close_svg(parts)
  parts[#parts + 1] = "</svg>"
  return table.concat(parts)
end

local function add(parts, fmt, ...)
  parts[#parts + 1] = string.format(fmt, ...)
end

local function legend(parts, series, x, y)
  for i, s in ipairs(series) do
    add(parts, '<rect x="%s" y="%s" width="12" height="12" fill="%s"/>', f1(x), f1(y - 10), M.palette[(i - 1) % #M.palette + 1])
    add(parts, '<text x="%s" y="%s">%s</text>', f1(x + 16), f1(y), esc(s.name or ""))
    x = x + 28 + text_width(s.name or "")
  end
end

--- Bars: one bar per label and series, side by side; horizontal = true
--- draws them across (better for long labels such as countries).
function M.bar(o)
  local labels, series = o.labels or {}, o.series or {}
  local n, k = #labels, math.max(#series, 1)
  local max = 0
  for _, s in ipairs(series) do
    for i = 1, n do if (s.values[i] or 0) > max then max = s.values[i] end end
  end
  local axis, _ = ticks(0, max > 0 and max or 1, 4)
  local top = axis[#axis]
  local desc = o.desc or string.format("%s: %d %s", o.title or "bars", n, n == 1 and "bar" or "bars")
  if o.horizontal then
    -- Labels wider than 45 % of the chart are wrapped onto more lines, and
    -- their row grows to hold them.
    local w = o.width or 640
    local limit = w * 0.45
    local lw, lines, rows = 0, {}, {}
    for i, l in ipairs(labels) do
      lines[i] = text_width(l) + 8 > limit and wrap(l, limit - 8) or { tostring(l) }
      for _, line in ipairs(lines[i]) do lw = math.max(lw, text_width(line)) end
    end
    lw = math.min(lw + 8, limit)
    local bh = 14 * k + 8
    local y0, ys = 20, {}
    for i = 1, n do
      ys[i] = y0
      rows[i] = math.max(bh, #lines[i] * 15 + 6)
      y0 = y0 + rows[i]
    end
    local h = y0 + 20 + (k > 1 and 24 or 0)
    local pw = w - lw - 60
    local p = open_svg(w, h, o.title, desc)
    for _, t in ipairs(axis) do
      local x = lw + pw * t / top
      add(p, '<line x1="%s" y1="20" x2="%s" y2="%s" stroke="#ddd"/>', f1(x), f1(x), f1(y0))
      add(p, '<text x="%s" y="%s" text-anchor="middle" fill="#555">%s</text>', f1(x), f1(y0 + 14), num(t))
    end
    for i, l in ipairs(labels) do
      local y, rh = ys[i], rows[i]
      local first = y + rh / 2 + 4 - (#lines[i] - 1) * 7.5
      for li, line in ipairs(lines[i]) do
        add(p, '<text x="%s" y="%s" text-anchor="end">%s</text>', f1(lw - 6), f1(first + (li - 1) * 15), esc(line))
      end
      local by = y + (rh - bh) / 2
      for j, s in ipairs(series) do
        local v = s.values[i]
        if v then
          local bw = pw * v / top
          add(p, '<rect class="mark" data-value="%s" x="%s" y="%s" width="%s" height="12" fill="%s"><title>%s%s: %s</title></rect>',
            raw(v), f1(lw), f1(by + 4 + (j - 1) * 14), f1(math.max(bw, 0.5)), M.palette[(j - 1) % #M.palette + 1],
            esc(l), s.name and (" — " .. esc(s.name)) or "", num(v))
          add(p, '<text x="%s" y="%s" font-size="11" fill="#333">%s</text>', f1(lw + bw + 4), f1(by + 14 + (j - 1) * 14), num(v))
        end
      end
    end
    if k > 1 then legend(p, series, lw, h - 6) end
    return close_svg(p)
  end
  local w, h = o.width or 640, o.height or 260
  local left, bottom, right = 48, 44, 12
  local pw, ph = w - left - right, h - 20 - bottom - (k > 1 and 18 or 0)
  local p = open_svg(w, h, o.title, desc)
  for _, t in ipairs(axis) do
    local y = 20 + ph - ph * t / top
    add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#ddd"/>', left, f1(y), w - right, f1(y))
    add(p, '<text x="%d" y="%s" text-anchor="end" fill="#555">%s</text>', left - 6, f1(y + 4), num(t))
  end
  local slot = pw / math.max(n, 1)
  local bw = math.min(40, slot * 0.8 / k)
  for i, l in ipairs(labels) do
    local cx = left + slot * (i - 0.5)
    -- A noted bar (a year in progress: "provisional") is paler and says so
    -- under its label.
    local note = o.notes and o.notes[i]
    for j, s in ipairs(series) do
      local v = s.values[i]
      if v then
        local bh = ph * v / top
        local x = cx - bw * k / 2 + (j - 1) * bw
        add(p, '<rect class="mark%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"%s><title>%s%s: %s%s</title></rect>',
          note and " provisional" or "", raw(v), f1(x), f1(20 + ph - bh), f1(bw - 2), f1(math.max(bh, 0.5)),
          M.palette[(j - 1) % #M.palette + 1], note and ' fill-opacity="0.45"' or "",
          esc(l), s.name and (" — " .. esc(s.name)) or "", num(v), note and (" (" .. esc(note) .. ")") or "")
      end
    end
    add(p, '<text x="%s" y="%s" text-anchor="middle">%s</text>', f1(cx), f1(20 + ph + 16), esc(l))
    if note then
      add(p, '<text x="%s" y="%s" text-anchor="middle" font-size="11" font-style="italic" fill="#555">%s</text>',
        f1(cx), f1(20 + ph + 30), esc(note))
    end
  end
  add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#888"/>', left, f1(20 + ph), w - right, f1(20 + ph))
  if o.unit then add(p, '<text x="%d" y="12" fill="#555">%s</text>', left, esc(o.unit)) end
  if k > 1 then legend(p, series, left, h - 6) end
  return close_svg(p)
end

--- A line per series over x (gaps where a value is nil), a dashed target
--- line through the targets, and the baseline as a dotted line.
function M.line(o)
  local x, series = o.x or {}, o.series or {}
  local lo, hi = math.huge, -math.huge
  local function see(v) if v then lo = math.min(lo, v); hi = math.max(hi, v) end end
  for _, s in ipairs(series) do for i = 1, #x do see(s.values[i]) end end
  for _, p in ipairs(x) do see(o.targets and o.targets[p]) end
  see(o.baseline)
  if lo == math.huge then lo, hi = 0, 1 end
  lo = math.min(lo, 0)
  local axis = ticks(lo, hi, 4)
  local bottom_v, top_v = axis[1], axis[#axis]
  local w, h = o.width or 320, o.height or 200
  -- Provisional periods (not ended): hollow points, a dashed line into
  -- them, and a key in the top right corner.
  local prov = o.provisional or {}
  local any_prov = false
  for i = 1, #x do
    for _, s in ipairs(series) do if prov[x[i]] and s.values[i] then any_prov = true end end
  end
  local left, right, top, bottom = 44, 22, any_prov and 26 or 16, 34
  local pw, ph = w - left - right, h - top - bottom
  local function px(i) return left + (#x > 1 and pw * (i - 1) / (#x - 1) or pw / 2) end
  local function py(v) return top + ph - ph * (v - bottom_v) / (top_v - bottom_v) end
  local desc = o.desc or (o.title or "a line chart")
  local p = open_svg(w, h, o.title, desc)
  for _, t in ipairs(axis) do
    add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#eee"/>', left, f1(py(t)), w - right, f1(py(t)))
    add(p, '<text x="%d" y="%s" text-anchor="end" fill="#555" font-size="11">%s</text>', left - 4, f1(py(t) + 4), num(t))
  end
  -- Every label when they fit, else every second (third, ...) and the last.
  local widest = 0
  for _, label in ipairs(x) do widest = math.max(widest, text_width(label, 11) + 6) end
  local every = math.max(1, math.ceil(widest * #x / pw))
  for i, label in ipairs(x) do
    if (i - 1) % every ~= 0 and i ~= #x then goto next end
    local anchor = (#x > 1 and i == #x) and "end" or (#x > 1 and i == 1) and "start" or "middle"
    add(p, '<text x="%s" y="%d" text-anchor="%s" font-size="11" fill="#555">%s</text>', f1(px(i) + (anchor == "end" and 6 or anchor == "start" and -6 or 0)),
      h - 14, anchor, esc(label))
    ::next::
  end
  if o.baseline then
    add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#999" stroke-dasharray="2 3"><title>baseline %s</title></line>',
      left, f1(py(o.baseline)), w - right, f1(py(o.baseline)), num(o.baseline))
  end
  if o.targets then
    local pts = {}
    for i, period in ipairs(x) do
      local t = o.targets[period]
      if t then
        pts[#pts + 1] = f1(px(i)) .. "," .. f1(py(t))
        add(p, '<path class="target" d="M%s %s l5 -5 l5 5 l-5 5 z" fill="#c0392b"><title>target %s: %s</title></path>',
          f1(px(i) - 5), f1(py(t)), esc(period), num(t))
      end
    end
    if #pts > 1 then
      add(p, '<polyline points="%s" fill="none" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5 4"/>', table.concat(pts, " "))
    end
  end
  local plabel = o.provisional_label or "provisional"
  for j, s in ipairs(series) do
    local color = M.palette[(j - 1) % #M.palette + 1]
    for i = 2, #x do
      local a, b = s.values[i - 1], s.values[i]
      if a and b then
        add(p, '<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>', f1(px(i - 1)), f1(py(a)),
          f1(px(i)), f1(py(b)), color, prov[x[i]] and ' stroke-dasharray="4 3"' or "")
      end
    end
    for i = 1, #x do
      local v = s.values[i]
      if v then
        local pv = prov[x[i]]
        add(p, '<circle class="mark%s" data-value="%s" cx="%s" cy="%s" r="4" fill="%s"%s><title>%s: %s%s</title></circle>',
          pv and " provisional" or "", raw(v), f1(px(i)), f1(py(v)), pv and "#fff" or color,
          pv and string.format(' stroke="%s" stroke-width="2"', color) or "", esc(x[i]), num(v),
          pv and (" (" .. esc(plabel) .. ")") or "")
      end
    end
  end
  if any_prov then
    local tw = text_width(plabel, 11)
    add(p, '<circle cx="%s" cy="8" r="3.5" fill="#fff" stroke="%s" stroke-width="2"/>', f1(w - right - tw - 10), M.palette[1])
    add(p, '<text x="%d" y="12" text-anchor="end" font-size="11" fill="#555">%s</text>', w - right, esc(plabel))
  end
  return close_svg(p)
end

--- Strip plots: per group a box from the first to the third quartile, the
--- median, every value as a dot, and the highlighted one (the
--- institution's own) larger and labelled.
function M.strip(o)
  local groups = o.groups or {}
  local lo, hi = math.huge, -math.huge
  for _, g in ipairs(groups) do
    for _, v in ipairs(g.values) do lo = math.min(lo, v); hi = math.max(hi, v) end
    if g.highlight then lo = math.min(lo, g.highlight); hi = math.max(hi, g.highlight) end
  end
  if lo == math.huge then lo, hi = 0, 1 end
  local axis = ticks(math.min(lo, 0), hi, 5)
  local a0, a1 = axis[1], axis[#axis]
  -- Labels wider than 30 % of the chart wrap (three lines fit a row).
  local w = o.width or 640
  local limit = math.max(w * 0.3, 120)
  local lw, lines = 0, {}
  for gi, g in ipairs(groups) do
    local l = g.label or ""
    lines[gi] = text_width(l) + 10 > limit and wrap(l, limit - 10) or { l }
    for _, line in ipairs(lines[gi]) do lw = math.max(lw, text_width(line)) end
  end
  lw = math.max(math.min(lw + 10, limit), 60)
  local row = 46
  local h = 30 + #groups * row
  local pw = w - lw - 24
  local function px(v) return lw + pw * (v - a0) / (a1 - a0) end
  local p = open_svg(w, h, o.title, o.desc or o.title)
  for _, t in ipairs(axis) do
    add(p, '<line x1="%s" y1="8" x2="%s" y2="%d" stroke="#eee"/>', f1(px(t)), f1(px(t)), h - 20)
    add(p, '<text x="%s" y="%d" text-anchor="middle" fill="#555" font-size="11">%s</text>', f1(px(t)), h - 6, num(t))
  end
  for gi, g in ipairs(groups) do
    local cy = 8 + (gi - 1) * row + row / 2
    for li, line in ipairs(lines[gi]) do
      add(p, '<text x="%s" y="%s" text-anchor="end">%s</text>', f1(lw - 8),
        f1(cy + 4 + (li - 1) * 15 - (#lines[gi] - 1) * 7.5), esc(line))
    end
    local sorted = {}
    for i, v in ipairs(g.values) do sorted[i] = v end
    table.sort(sorted)
    if #sorted >= 3 then
      local q = require("vista.benchmark").quantile
      local q1, md, q3 = q(sorted, 0.25), q(sorted, 0.5), q(sorted, 0.75)
      add(p, '<rect class="box" x="%s" y="%s" width="%s" height="20" fill="#e8eef7" stroke="#1f5fa8"><title>quartiles %s to %s, median %s</title></rect>',
        f1(px(q1)), f1(cy - 10), f1(math.max(px(q3) - px(q1), 1)), num(q1), num(q3), num(md))
      add(p, '<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#1f5fa8" stroke-width="2"/>', f1(px(md)), f1(cy - 10), f1(px(md)), f1(cy + 10))
    end
    for i, v in ipairs(sorted) do
      local jitter = ((i * 7) % 5 - 2) * 2.5
      add(p, '<circle class="mark" data-value="%s" cx="%s" cy="%s" r="3" fill="#607d8b" fill-opacity="0.6"/>',
        raw(v), f1(px(v)), f1(cy + jitter))
    end
    if g.highlight then
      add(p, '<circle class="mark own" data-value="%s" cx="%s" cy="%s" r="7" fill="#e07b00" stroke="#fff" stroke-width="2"><title>%s: %s</title></circle>',
        raw(g.highlight), f1(px(g.highlight)), f1(cy), esc(g.highlight_label or "this institution"), num(g.highlight))
      -- The label centred over the dot, unless that would cross the edge.
      local label = g.highlight_label or "you"
      local half = text_width(label, 11) * 1.1 / 2
      local hx, anchor = px(g.highlight), "middle"
      if hx + half > w - 2 then hx, anchor = w - 2, "end" elseif hx - half < 2 then hx, anchor = 2, "start" end
      add(p, '<text x="%s" y="%s" text-anchor="%s" font-size="11" fill="#e07b00" font-weight="bold">%s</text>',
        f1(hx), f1(cy - 13), anchor, esc(label))
    end
  end
  return close_svg(p)
end

--- Years as stacked bars of the series (e.g. learners, staff, incoming),
--- with the events of each year as numbered markers above and listed
--- below the chart.
function M.timeline(o)
  local years, series, events = o.years or {}, o.series or {}, o.events or {}
  local max = 1
  for i = 1, #years do
    local sum = 0
    for _, s in ipairs(series) do sum = sum + (s.values[i] or 0) end
    max = math.max(max, sum)
  end
  local axis = ticks(0, max, 4)
  local top_v = axis[#axis]
  local by_year = {}
  for n, e in ipairs(events) do
    by_year[e.year] = by_year[e.year] or {}
    table.insert(by_year[e.year], n)
  end
  local mark_rows = 0
  for _, list in pairs(by_year) do mark_rows = math.max(mark_rows, #list) end
  local w = o.width or 640
  local left, right, bottom = 44, 12, o.notes and 56 or 44
  local top = 20 + math.min(mark_rows, 8) * 18
  local ph = 180
  local h = top + ph + bottom
  local pw = w - left - right
  local slot = pw / math.max(#years, 1)
  local function py(v) return top + ph - ph * v / top_v end
  local p = open_svg(w, h, o.title, o.desc or o.title)
  for _, t in ipairs(axis) do
    add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#eee"/>', left, f1(py(t)), w - right, f1(py(t)))
    add(p, '<text x="%d" y="%s" text-anchor="end" fill="#555" font-size="11">%s</text>', left - 4, f1(py(t) + 4), num(t))
  end
  for i, y in ipairs(years) do
    local x = left + slot * (i - 1) + slot * 0.15
    local note = o.notes and o.notes[i]
    local base = 0
    for j, s in ipairs(series) do
      local v = s.values[i]
      if v and v > 0 then
        add(p, '<rect class="mark%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"%s><title>%s %s: %s%s</title></rect>',
          note and " provisional" or "", raw(v), f1(x), f1(py(base + v)), f1(slot * 0.7), f1(py(base) - py(base + v)),
          M.palette[(j - 1) % #M.palette + 1], note and ' fill-opacity="0.45"' or "", esc(y), esc(s.name), num(v),
          note and (" (" .. esc(note) .. ")") or "")
        base = base + v
      end
    end
    add(p, '<text x="%s" y="%s" text-anchor="middle" font-size="11">%s</text>', f1(x + slot * 0.35), f1(top + ph + 14), esc(y))
    if note then
      add(p, '<text x="%s" y="%s" text-anchor="middle" font-size="10" font-style="italic" fill="#555">%s</text>',
        f1(x + slot * 0.35), f1(top + ph + 27), esc(note))
    end
    for k, n in ipairs(by_year[y] or {}) do
      if k <= 8 then
        local cy = top - 10 - (k - 1) * 18
        add(p, '<circle class="event" cx="%s" cy="%s" r="8" fill="#fff" stroke="#8e44ad" stroke-width="1.5"><title>%s</title></circle>',
          f1(x + slot * 0.35), f1(cy), esc(events[n].label))
        add(p, '<text x="%s" y="%s" text-anchor="middle" font-size="10" fill="#8e44ad">%d</text>', f1(x + slot * 0.35), f1(cy + 3.5), n)
      end
    end
  end
  add(p, '<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#888"/>', left, f1(top + ph), w - right, f1(top + ph))
  legend(p, series, left, h - 6)
  return close_svg(p)
end

--- A tree of boxes in columns: roots (reasons) on the left, each node to
--- the right of its parent, joined by lines. nodes: id, label, parent,
--- kind ("reason", "strategic", "goal", "problem").
function M.tree(o)
  local nodes = o.nodes or {}
  local by, children, roots = {}, {}, {}
  for _, n in ipairs(nodes) do by[n.id] = n; children[n.id] = {} end
  for _, n in ipairs(nodes) do
    if n.parent and by[n.parent] then table.insert(children[n.parent], n) else roots[#roots + 1] = n end
  end
  local colw, boxw, gap = o.column or 220, (o.column or 220) - 30, 10
  local depth_max = 0
  local y = 10
  local placed = {}
  -- Strategic goals are drawn bold, about a tenth wider.
  local function lines_of(n) return wrap(n.label, (boxw - 16) / (n.kind == "strategic" and 1.12 or 1), 12) end
  local function place(n, depth, seen)
    if seen[n.id] then return end
    seen[n.id] = true
    depth_max = math.max(depth_max, depth)
    local ls = lines_of(n)
    local hgt = 12 + #ls * 15
    n._x, n._w, n._lines, n._h = 10 + depth * colw, boxw, ls, hgt
    local start = y
    if #children[n.id] == 0 then
      n._y = y
      y = y + hgt + gap
    else
      for _, c in ipairs(children[n.id]) do place(c, depth + 1, seen) end
      local first, last = children[n.id][1], children[n.id][#children[n.id]]
      local mid = ((first._y or start) + (last._y or start) + (last._h or hgt)) / 2
      n._y = math.max(start, mid - hgt / 2)
      if n._y + hgt + gap > y then y = n._y + hgt + gap end
    end
    placed[#placed + 1] = n
  end
  local seen = {}
  for _, r in ipairs(roots) do place(r, 0, seen) end
  local w = 20 + (depth_max + 1) * colw
  local h = y + 4
  local colors = { reason = "#f4f1e8", strategic = "#dcebf9", goal = "#eef5ee", problem = "#fbe3e0" }
  local strokes = { reason = "#b8a77a", strategic = "#1f5fa8", goal = "#2e8b57", problem = "#c0392b" }
  local p = open_svg(w, h, o.title, o.desc or o.title)
  for _, n in ipairs(placed) do
    local par = n.parent and by[n.parent]
    if par and par._y then
      local x1, y1 = par._x + par._w, par._y + par._h / 2
      local x2, y2 = n._x, n._y + n._h / 2
      add(p, '<path d="M%s %s C%s %s %s %s %s %s" fill="none" stroke="#999" stroke-width="1.5"/>',
        f1(x1), f1(y1), f1((x1 + x2) / 2), f1(y1), f1((x1 + x2) / 2), f1(y2), f1(x2), f1(y2))
    end
  end
  for _, n in ipairs(placed) do
    local kind = n.kind or "goal"
    add(p, '<g class="mark node %s"><rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="%s"/>',
      kind, f1(n._x), f1(n._y), f1(n._w), f1(n._h), colors[kind] or "#fff", strokes[kind] or "#999")
    for i, l in ipairs(n._lines) do
      add(p, '<text x="%s" y="%s" font-size="12"%s>%s</text>', f1(n._x + 8), f1(n._y + 4 + i * 15),
        kind == "strategic" and ' font-weight="600"' or "", esc(l))
    end
    add(p, "</g>")
  end
  return close_svg(p)
end

--- A figure: the chart, its caption, and its data as a table behind a
--- disclosure (for screen readers, and for whoever wants the numbers).
function M.figure(o)
  local out = { o.wide and '<figure class="fig wide">' or '<figure class="fig">', o.title and ("<h3>" .. esc(o.title) .. "</h3>") or "", o.svg or "" }
  if o.caption then out[#out + 1] = "<figcaption>" .. esc(o.caption) .. "</figcaption>" end
  if o.rows and o.cols then
    out[#out + 1] = "<details><summary>" .. esc(o.data_label or "Data") .. "</summary>" ..
      M.html_table(o.rows, o.cols, o.headers) .. "</details>"
  end
  out[#out + 1] = "</figure>"
  return table.concat(out, "\n")
end

--- An HTML table of rows (cols: keys in order; headers: their titles;
--- attrs(row, col) may give a cell's attributes).
function M.html_table(rows, cols, headers, attrs)
  local out = { "<table><thead><tr>" }
  for i, c in ipairs(cols) do out[#out + 1] = "<th>" .. esc(headers and headers[i] or c) .. "</th>" end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, r in ipairs(rows) do
    out[#out + 1] = "<tr>"
    for _, c in ipairs(cols) do
      local v = r[c]
      local a = attrs and attrs(r, c) or ""
      local isnum = type(v) == "number"
      out[#out + 1] = string.format("<td%s%s>%s</td>", isnum and ' class="n"' or "", a,
        v == nil and "" or (isnum and num(v) or esc(v)))
    end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
  return table.concat(out)
end

--- A sparkline of a series for the terminal ("▁▃█"); nil values are gaps.
function M.sparkline(values)
  local bars = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" }
  local lo, hi = math.huge, -math.huge
  local n = 0
  for k, v in pairs(values) do
    if math.type(k) == "integer" and k > n then n = k end
    lo = math.min(lo, v); hi = math.max(hi, v)
  end
  local out = {}
  for i = 1, n do
    local v = values[i]
    if v == nil then out[i] = " "
    elseif hi == lo then out[i] = bars[4]
    else out[i] = bars[math.floor((v - lo) / (hi - lo) * 7 + 0.5) + 1] end
  end
  return table.concat(out)
end

--- Horizontal bars for the terminal: one line per row, label, bar, value.
function M.text_bars(rows, label, value, width)
  width = width or 40
  local max, lw = 0, 0
  for _, r in ipairs(rows) do
    max = math.max(max, r[value] or 0)
    lw = math.max(lw, utf8.len(tostring(r[label])) or #tostring(r[label]))
  end
  local out = {}
  for _, r in ipairs(rows) do
    local v = r[value] or 0
    local cells = max > 0 and v / max * width or 0
    local full = math.floor(cells)
    local bar = string.rep("█", full) .. (cells - full >= 0.5 and "▌" or "")
    local l = tostring(r[label])
    out[#out + 1] = l .. string.rep(" ", lw - (utf8.len(l) or #l)) .. "  " .. bar .. " " .. num(v)
  end
  return table.concat(out, "\n")
end

return M
