-- severity: warn
-- description: birthdays fall after 1900-01-01; earlier years (1399 occurs) are the producer's data, reported, not dropped
SELECT * FROM customer_trusted c WHERE c.birthDay < '1900-01-01'
