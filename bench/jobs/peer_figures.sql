-- The per-institution figures in plain SQL (sqlite3 and DuckDB alike): the
-- institution is its Erasmus code, else its name and country; every figure
-- is weighted by Participants; group leaders are neither learners nor staff.
CREATE TABLE figures AS
SELECT inst, s_country,
  sum(participants) AS participants,
  sum(CASE WHEN profile = 'Learner' AND leader <> 'Yes' THEN participants ELSE 0 END) AS learners,
  sum(CASE WHEN profile = 'Staff' AND leader <> 'Yes' THEN participants ELSE 0 END) AS staff,
  100.0 * sum(CASE WHEN gender = 'Female' THEN participants ELSE 0 END) / sum(participants) AS female_share,
  100.0 * sum(CASE WHEN gender = 'Male' THEN participants ELSE 0 END) / sum(participants) AS male_share,
  100.0 * sum(CASE WHEN gender NOT IN ('Female', 'Male') THEN participants ELSE 0 END) / sum(participants) AS undefined_share,
  100.0 * sum(CASE WHEN fewer = 'Yes' THEN participants ELSE 0 END) / sum(participants) AS fewer_share,
  100.0 * sum(CASE WHEN special = 'Yes' THEN participants ELSE 0 END) / sum(participants) AS special_share,
  count(DISTINCT r_country) AS receiving_countries,
  1.0 * sum(duration * participants) / sum(participants) AS mean_duration,
  1.0 * sum(age * participants) / sum(participants) AS mean_age,
  100.0 * sum(CASE WHEN profile = 'Learner' AND leader <> 'Yes' AND duration >= 90 THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN profile = 'Learner' AND leader <> 'Yes' THEN participants ELSE 0 END), 0) AS long_term_share
FROM (SELECT *, coalesce(nullif(s_code, ''), s_org || '|' || s_country) AS inst FROM m)
GROUP BY inst, s_country;
