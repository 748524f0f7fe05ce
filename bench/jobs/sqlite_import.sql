CREATE TABLE m(project TEXT, academic_year TEXT, start_month TEXT, end_month TEXT,
  duration INTEGER, activity TEXT, field TEXT, nationality TEXT, level TEXT,
  gender TEXT, profile TEXT, special TEXT, fewer TEXT, leader TEXT, age INTEGER,
  s_country TEXT, s_city TEXT, s_org TEXT, s_code TEXT, r_country TEXT,
  r_city TEXT, r_org TEXT, r_code TEXT, participants INTEGER);
.mode csv
.separator ;
.import --skip 1 __FILE__ m
