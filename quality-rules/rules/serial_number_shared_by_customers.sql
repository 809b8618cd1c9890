-- severity: error
-- description: a step trainer serial number belongs to one customer only; readings of a shared
-- device cannot be attributed to one person (the known fulfilment defect)
SELECT l.serialNumber, COUNT(DISTINCT l.email) AS customers, MIN(l.email) AS first_email, MAX(l.email) AS last_email
FROM customer_landing l
GROUP BY l.serialNumber
HAVING COUNT(DISTINCT l.email) > 1
