-- The per-institution figures in plain SQL (sqlite3 and DuckDB alike): the
-- institution is its Erasmus code, else its name and country; every figure
-- is weighted by Participants. Who counts as what (docs/definitions.md):
-- the activity's kind first; group leaders, accompanying persons and staff
-- on learner activities are neither learners nor staff; shares and means
-- are over learners, each over those whose value is known.
CREATE TABLE figures AS
WITH k AS MATERIALIZED (
  SELECT *, coalesce(nullif(s_code, ''), s_org || '|' || s_country) AS inst,
    CASE WHEN lower(activity) LIKE '%accompany%' THEN 4
      WHEN lower(activity) LIKE '%competition%' THEN 7
      WHEN lower(activity) LIKE '%group mobility%' THEN 2
      WHEN lower(activity) LIKE '%staff%' OR lower(activity) LIKE '%job shadowing%'
        OR lower(activity) LIKE '%teaching%' OR lower(activity) LIKE '%course%' THEN 3
      WHEN lower(activity) LIKE '%erasmuspro%' OR lower(activity) LIKE '%long-term%'
        OR lower(activity) LIKE '%long term%' THEN 5
      WHEN lower(activity) LIKE '%short-term%' OR lower(activity) LIKE '%short term%' THEN 6
      ELSE 1 END AS kind
  FROM m),
r AS MATERIALIZED (
  SELECT *,
    CASE WHEN leader = 'Yes' OR kind = 4 THEN 3
      WHEN profile = 'Staff' OR (coalesce(profile, '') <> 'Learner' AND kind = 3)
        THEN CASE WHEN kind IN (2, 5, 6, 7) THEN 3 ELSE 2 END
      WHEN profile = 'Learner' THEN 1 END AS role
  FROM k)
SELECT inst, s_country,
  sum(participants) AS participants,
  sum(CASE WHEN role = 1 THEN participants ELSE 0 END) AS learners,
  sum(CASE WHEN role = 2 THEN participants ELSE 0 END) AS staff,
  100.0 * sum(CASE WHEN role = 1 AND gender = 'Female' THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 AND gender IN ('Female', 'Male', 'Undefined') THEN participants ELSE 0 END), 0) AS female_share,
  100.0 * sum(CASE WHEN role = 1 AND gender = 'Male' THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 AND gender IN ('Female', 'Male', 'Undefined') THEN participants ELSE 0 END), 0) AS male_share,
  100.0 * sum(CASE WHEN role = 1 AND gender = 'Undefined' THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 AND gender IN ('Female', 'Male', 'Undefined') THEN participants ELSE 0 END), 0) AS undefined_share,
  100.0 * sum(CASE WHEN role = 1 AND fewer = 'Yes' THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 AND fewer IN ('Yes', 'No') THEN participants ELSE 0 END), 0) AS fewer_share,
  100.0 * sum(CASE WHEN role = 1 AND special = 'Yes' THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 AND special IN ('Yes', 'No') THEN participants ELSE 0 END), 0) AS special_share,
  count(DISTINCT r_country) AS receiving_countries,
  1.0 * sum(CASE WHEN role = 1 THEN duration * participants END)
    / nullif(sum(CASE WHEN role = 1 AND duration IS NOT NULL THEN participants ELSE 0 END), 0) AS mean_duration,
  1.0 * sum(CASE WHEN role = 1 THEN age * participants END)
    / nullif(sum(CASE WHEN role = 1 AND age IS NOT NULL THEN participants ELSE 0 END), 0) AS mean_age,
  100.0 * sum(CASE WHEN role = 1 AND (kind = 5 OR (kind IN (1, 3) AND duration >= 90)) THEN participants ELSE 0 END)
    / nullif(sum(CASE WHEN role = 1 THEN participants ELSE 0 END), 0) AS long_term_share
FROM r
GROUP BY inst, s_country;
