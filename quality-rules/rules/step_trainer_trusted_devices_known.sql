-- severity: error
-- description: every step_trainer_trusted reading comes from the device of a customer in customer_curated
SELECT s.serialNumber, COUNT(*) AS readings
FROM step_trainer_trusted s
WHERE s.serialNumber NOT IN (SELECT c.serialNumber FROM customer_curated c)
GROUP BY s.serialNumber
