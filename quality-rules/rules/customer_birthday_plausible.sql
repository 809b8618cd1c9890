-- severity: warn
-- description: birthdays fall after 1900-01-01; earlier years (993 and 1399 occur) are the producer's data, reported, not dropped
SELECT * FROM customer_trusted c
-- Years have 1 to 4 digits: as text '993-01-01' sorts after '1900-01-01', so a short birthday counts.
WHERE LENGTH(c.birthDay) < 10 OR c.birthDay < '1900-01-01'
