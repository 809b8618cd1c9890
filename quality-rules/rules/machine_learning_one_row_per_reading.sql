-- severity: warn
-- description: each step trainer reading appears once in machine_learning_curated; more rows mean
-- conflicting accelerometer readings at the same moment
SELECT m.serialNumber, m.sensorReadingTime, COUNT(*) AS rows_
FROM machine_learning_curated m
GROUP BY m.serialNumber, m.sensorReadingTime
HAVING COUNT(*) > 1
