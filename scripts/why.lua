-- why: the why-chains of the strategy's goals, and the true strategic goals.
-- Also what the guide asks of goals (an indicator and an action each, five or
-- six strategic goals).
local usage = [[usage: vista run why [--institution CODE] [--format table|csv|json|md]
  Prints every goal's chain of whys as a tree (each reason, the goal it
  answers, and the goals that serve it), the true strategic goals (whose why
  is no longer a goal) and the sub-goals that belong in the action plan,
  cycles and the goals that run into them, whys naming a missing goal, goals
  without an indicator or an action, and the number of strategic goals
  against the guide's advice (five or six, never more than eight).
  csv gives one row per goal; json gives the tree, findings and goals.]]
local o, fmt = require("vista.args").parse(arg, { institution = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
require("vista.format").sections(require("vista.why").report(s), fmt)
