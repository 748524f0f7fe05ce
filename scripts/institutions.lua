-- institutions: the institutions in the database, by country.
-- usage: vista run institutions [--format table|csv|json|md] [COUNTRY]
local format = require "vista.format"

local fmt, rest = format.from_args(arg)
local country = rest[1]

if country then
  local rows = vista.sql([[
    SELECT name, city, erasmus_code FROM institution
    WHERE country = upper(?) ORDER BY name]], country)
  format.print(rows, fmt)
  return
end

local rows = vista.sql([[
  SELECT country,
         count(*) AS institutions,
         count(erasmus_code) AS with_code,
         count(DISTINCT city) AS cities,
         group_concat(DISTINCT city) AS city_list
  FROM (SELECT * FROM institution ORDER BY city)
  GROUP BY country
  ORDER BY institutions DESC, country]])
format.print(rows, fmt)
