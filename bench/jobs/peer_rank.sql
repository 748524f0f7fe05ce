SELECT inst, percent_rank() OVER (PARTITION BY s_country ORDER BY participants) AS pct FROM figures
