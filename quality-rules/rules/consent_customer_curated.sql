-- severity: error
-- description: every customer in customer_curated is in customer_trusted and has accelerometer readings
SELECT c.email, c.serialNumber
FROM customer_curated c
WHERE c.email NOT IN (SELECT t.email FROM customer_trusted t)
   OR c.email NOT IN (SELECT a.user FROM accelerometer_trusted a)
