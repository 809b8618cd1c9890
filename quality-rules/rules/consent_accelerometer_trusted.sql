-- severity: error
-- description: every accelerometer_trusted reading belongs to a customer in customer_trusted
SELECT a.user, COUNT(*) AS readings
FROM accelerometer_trusted a
WHERE a.user NOT IN (SELECT c.email FROM customer_trusted c)
GROUP BY a.user
