-- why: the why-chains of the strategy's goals, and the true strategic goals.
-- Also what the guide asks of goals (an indicator and an action each, five or
-- six strategic goals).
local usage = [[usage: vista run why [--institution CODE] [--format table|csv|json|md] [--lang en|nl|de|fr|fi]
  Prints every goal's chain of whys as a tree (each reason, the goal it
  answers, and the goals that serve it), the true strategic goals (whose why
  is no longer a goal) and the sub-goals that belong in the action plan,
  cycles and the goals that run into them, whys naming a missing goal, goals
  without an indicator or an action, and the number of strategic goals
  against the guide's advice (five or six, never more than eight).
  csv gives one row per goal; json gives the tree, findings and goals.
  --lang L writes the table and Markdown in English, Dutch, German, French
  or Finnish (default: $VISTA_LANG, else the locale's, else English).]]
local o, fmt = require("vista.args").parse(arg, { institution = "value", lang = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
local i18n = require "vista.i18n"
local L = i18n.new((fmt == "table" or fmt == "md") and i18n.resolve(o.lang) or "en")
require("vista.format").sections(require("vista.why").report(s, L), fmt)
