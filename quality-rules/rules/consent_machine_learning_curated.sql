-- severity: error
-- description: every machine_learning_curated row belongs to a customer in customer_curated
SELECT m.user, m.serialNumber, COUNT(*) AS rows_
FROM machine_learning_curated m
WHERE m.user NOT IN (SELECT c.email FROM customer_curated c)
GROUP BY m.user, m.serialNumber
