-- severity: warn
-- description: one step trainer reading per device and moment; two with different values conflict
SELECT s.serialNumber, s.sensorReadingTime, COUNT(*) AS readings
FROM step_trainer_trusted s
GROUP BY s.serialNumber, s.sensorReadingTime
HAVING COUNT(*) > 1
