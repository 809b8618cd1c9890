-- severity: error
-- description: each machine_learning_curated row pairs a step trainer reading with an accelerometer
-- reading of the device's one owner (a join on time alone pairs different customers)
SELECT m.sensorReadingTime, m.serialNumber, m.user
FROM machine_learning_curated m
WHERE NOT EXISTS (
        SELECT 1 FROM customer_curated c
        WHERE c.email = m.user AND c.serialNumber = m.serialNumber
      )
   OR m.serialNumber IN (
        SELECT o.serialNumber FROM customer_curated o
        GROUP BY o.serialNumber
        HAVING COUNT(*) > 1
      )
