-- plan: the action plan by goal, owner and quarter, budget and person-days summed.
local usage = [[usage: vista run plan [--institution CODE] [--format table|csv|json|md]
  The strategy's action plan: every action with its goal, owner, schedule
  (start and due quarter), budget, person-days, status and indicator; then
  budget and person-days summed by goal, by owner and by the quarter the
  action is due.]]
local o, fmt = require("vista.args").parse(arg, { institution = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
require("vista.format").sections(require("vista.plan").report(s), fmt)
